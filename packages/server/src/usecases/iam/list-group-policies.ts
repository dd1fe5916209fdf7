import { entityResource, listInlinePolicies } from './common.js';
import { defineIamAction, m } from './action.js';

/** The names of a group's inline policies. */
export default defineIamAction('ListGroupPolicies', {
  readonly: true,
  members: { GroupName: m.GroupName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => listInlinePolicies(ctx, 'group', input.GroupName, input),
});
