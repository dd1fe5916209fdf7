import { deleteInlinePolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Deletes an inline policy of a user. */
export default defineIamAction('DeleteUserPolicy', {
  readonly: false,
  members: { UserName: m.UserName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => deleteInlinePolicy(ctx, 'user', input.UserName, input.PolicyName),
});
