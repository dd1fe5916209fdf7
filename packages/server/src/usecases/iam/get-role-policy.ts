import { entityResource, getInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** An inline policy of a role, with its document. */
export default defineIamAction('GetRolePolicy', {
  readonly: true,
  members: { RoleName: m.RoleName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => getInlinePolicy(ctx, 'role', input.RoleName, input.PolicyName),
});
