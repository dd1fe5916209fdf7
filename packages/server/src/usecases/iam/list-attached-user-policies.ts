import { entityResource, listAttached } from './common.js';
import { defineIamAction, m } from './action.js';

/** The managed policies attached to a user (not those it gets through groups). */
export default defineIamAction('ListAttachedUserPolicies', {
  readonly: true,
  members: { UserName: m.UserName, PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => listAttached(ctx, 'user', input.UserName, input),
});
