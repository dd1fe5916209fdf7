import { attachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Attaches a managed policy (the account's own or an AWS managed one) to a role; attaching it again changes nothing. */
export default defineIamAction('AttachRolePolicy', {
  readonly: false,
  members: { RoleName: m.RoleName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName),
  handle: (ctx, input) => attachPolicy(ctx, 'role', input.RoleName, input.PolicyArn),
});
