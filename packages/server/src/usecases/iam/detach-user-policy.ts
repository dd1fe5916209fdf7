import { detachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Detaches a managed policy from a user; it stops applying on the next request. */
export default defineIamAction('DetachUserPolicy', {
  readonly: false,
  members: { UserName: m.UserName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => detachPolicy(ctx, 'user', input.UserName, input.PolicyArn),
});
