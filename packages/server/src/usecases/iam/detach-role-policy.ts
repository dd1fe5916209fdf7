import { detachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Detaches a managed policy from a role; it stops applying on the next request. */
export default defineIamAction('DetachRolePolicy', {
  readonly: false,
  members: { RoleName: m.RoleName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => detachPolicy(ctx, 'role', input.RoleName, input.PolicyArn),
});
