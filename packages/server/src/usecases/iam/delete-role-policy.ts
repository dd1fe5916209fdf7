import { deleteInlinePolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Deletes an inline policy of a role. */
export default defineIamAction('DeleteRolePolicy', {
  readonly: false,
  members: { RoleName: m.RoleName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => deleteInlinePolicy(ctx, 'role', input.RoleName, input.PolicyName),
});
