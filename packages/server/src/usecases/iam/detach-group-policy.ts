import { detachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Detaches a managed policy from a group; it stops applying on the next request. */
export default defineIamAction('DetachGroupPolicy', {
  readonly: false,
  members: { GroupName: m.GroupName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => detachPolicy(ctx, 'group', input.GroupName, input.PolicyArn),
});
