import { entityResource, putInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** Creates or replaces an inline policy of a role. Unknown actions are accepted (ValidatePolicy reports them). */
export default defineIamAction('PutRolePolicy', {
  readonly: false,
  members: { RoleName: m.RoleName, PolicyName: m.PolicyName, PolicyDocument: m.PolicyDocument },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => putInlinePolicy(ctx, 'role', input.RoleName, input.PolicyName, input.PolicyDocument),
});
