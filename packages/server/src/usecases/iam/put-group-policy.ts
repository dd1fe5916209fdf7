import { entityResource, putInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** Creates or replaces an inline policy of a group. Unknown actions are accepted (ValidatePolicy reports them). */
export default defineIamAction('PutGroupPolicy', {
  readonly: false,
  members: { GroupName: m.GroupName, PolicyName: m.PolicyName, PolicyDocument: m.PolicyDocument },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => putInlinePolicy(ctx, 'group', input.GroupName, input.PolicyName, input.PolicyDocument),
});
