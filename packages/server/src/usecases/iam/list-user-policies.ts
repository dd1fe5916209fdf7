import { entityResource, listInlinePolicies } from './common.js';
import { defineIamAction, m } from './action.js';

/** The names of a user's inline policies. */
export default defineIamAction('ListUserPolicies', {
  readonly: true,
  members: { UserName: m.UserName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => listInlinePolicies(ctx, 'user', input.UserName, input),
});
