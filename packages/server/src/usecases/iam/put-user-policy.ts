import { entityResource, putInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** Creates or replaces an inline policy of a user. Unknown actions are accepted (ValidatePolicy reports them). */
export default defineIamAction('PutUserPolicy', {
  readonly: false,
  members: { UserName: m.UserName, PolicyName: m.PolicyName, PolicyDocument: m.PolicyDocument },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => putInlinePolicy(ctx, 'user', input.UserName, input.PolicyName, input.PolicyDocument),
});
