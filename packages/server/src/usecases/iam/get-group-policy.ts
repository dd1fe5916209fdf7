import { entityResource, getInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** An inline policy of a group, with its document. */
export default defineIamAction('GetGroupPolicy', {
  readonly: true,
  members: { GroupName: m.GroupName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => getInlinePolicy(ctx, 'group', input.GroupName, input.PolicyName),
});
