import { deleteInlinePolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Deletes an inline policy of a group. */
export default defineIamAction('DeleteGroupPolicy', {
  readonly: false,
  members: { GroupName: m.GroupName, PolicyName: m.PolicyName },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => deleteInlinePolicy(ctx, 'group', input.GroupName, input.PolicyName),
});
