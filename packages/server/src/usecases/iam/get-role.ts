import { entityResource, requireEntity, roleOut } from './common.js';
import { defineIamAction, m } from './action.js';

/** An IAM role. */
export default defineIamAction('GetRole', {
  readonly: true,
  members: { RoleName: m.RoleName },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  async handle(ctx, input) {
    return { Role: roleOut(await requireEntity(ctx, 'role', input.RoleName)) };
  },
});
