import { badRequest } from '../../kernel/errors.js';
import { entityResource, refuseWhilePolicies, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes an IAM group; refused while it has users or policies, as IAM does. */
export default defineIamAction('DeleteGroup', {
  readonly: false,
  members: { GroupName: m.GroupName },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  async handle(ctx, input) {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    if ((await store.usersOfGroup(ctx.tx, group.principalId)).length > 0) throw badRequest('Cannot delete entity, must remove users from group first.');
    await refuseWhilePolicies(ctx, group);
    await store.deleteEntity(ctx.tx, group.principalId);
    return {};
  },
});
