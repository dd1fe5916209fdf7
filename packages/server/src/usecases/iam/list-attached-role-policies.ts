import { entityResource, listAttached } from './common.js';
import { defineIamAction, m } from './action.js';

/** The managed policies attached to a role (not those it gets through groups). */
export default defineIamAction('ListAttachedRolePolicies', {
  readonly: true,
  members: { RoleName: m.RoleName, PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => listAttached(ctx, 'role', input.RoleName, input),
});
