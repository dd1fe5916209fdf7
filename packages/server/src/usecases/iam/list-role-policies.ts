import { entityResource, listInlinePolicies } from './common.js';
import { defineIamAction, m } from './action.js';

/** The names of a role's inline policies. */
export default defineIamAction('ListRolePolicies', {
  readonly: true,
  members: { RoleName: m.RoleName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => listInlinePolicies(ctx, 'role', input.RoleName, input),
});
