import { entityResource, listAttached } from './common.js';
import { defineIamAction, m } from './action.js';

/** The managed policies attached to a group (not those it gets through groups). */
export default defineIamAction('ListAttachedGroupPolicies', {
  readonly: true,
  members: { GroupName: m.GroupName, PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => listAttached(ctx, 'group', input.GroupName, input),
});
