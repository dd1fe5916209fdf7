import { requireEntity, requireUserKey, userNameOrSelf, userResource } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes a user's key; it is refused from the next request on. */
export default defineIamAction('DeleteAccessKey', {
  readonly: false,
  members: { UserName: m.SelfUserName, AccessKeyId: m.AccessKeyId },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    await requireUserKey(ctx, user, input.AccessKeyId);
    await store.deleteKey(ctx.tx, input.AccessKeyId);
    return {};
  },
});
