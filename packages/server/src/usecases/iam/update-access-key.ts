import { requireEntity, requireUserKey, userNameOrSelf, userResource } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Activates or deactivates a user's key; an inactive key is refused from the next request on. */
export default defineIamAction('UpdateAccessKey', {
  readonly: false,
  members: {
    UserName: m.SelfUserName,
    AccessKeyId: m.AccessKeyId,
    Status: { type: 'string', required: true, values: ['Active', 'Inactive'], doc: 'Active or Inactive' },
  },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    await requireUserKey(ctx, user, input.AccessKeyId);
    await store.setKeyStatus(ctx.tx, input.AccessKeyId, input.Status as 'Active' | 'Inactive');
    return {};
  },
});
