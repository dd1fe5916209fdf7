import { entityResource, refuseWhilePolicies, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes an IAM role; refused while it has policies, as IAM does. */
export default defineIamAction('DeleteRole', {
  readonly: false,
  members: { RoleName: m.RoleName },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  async handle(ctx, input) {
    const role = await requireEntity(ctx, 'role', input.RoleName);
    await refuseWhilePolicies(ctx, role);
    await store.deleteEntity(ctx.tx, role.principalId);
    return {};
  },
});
