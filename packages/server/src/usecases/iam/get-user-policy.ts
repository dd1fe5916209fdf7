import { entityResource, getInlinePolicy } from './common.js';
import { defineIamAction, m } from './action.js';

/** An inline policy of a user, with its document. */
export default defineIamAction('GetUserPolicy', {
  readonly: true,
  members: { UserName: m.UserName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => getInlinePolicy(ctx, 'user', input.UserName, input.PolicyName),
});
