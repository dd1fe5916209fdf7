import { entityResource, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Adds a user to a group (adding a member again changes nothing). Authorized on the group. */
export default defineIamAction('AddUserToGroup', {
  readonly: false,
  members: { GroupName: m.GroupName, UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  async handle(ctx, input) {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const user = await requireEntity(ctx, 'user', input.UserName);
    await store.addMember(ctx.tx, group.principalId, user.principalId);
    return {};
  },
});
