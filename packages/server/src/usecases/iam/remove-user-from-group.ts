import { notFound } from '../../kernel/errors.js';
import { entityResource, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Removes a user from a group. Authorized on the group. */
export default defineIamAction('RemoveUserFromGroup', {
  readonly: false,
  members: { GroupName: m.GroupName, UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  async handle(ctx, input) {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const user = await requireEntity(ctx, 'user', input.UserName);
    if (!(await store.isMember(ctx.tx, group.principalId, user.principalId))) {
      throw notFound(`The user with name ${user.name} is not a member of the group ${group.name}.`);
    }
    await store.removeMember(ctx.tx, group.principalId, user.principalId);
    return {};
  },
});
