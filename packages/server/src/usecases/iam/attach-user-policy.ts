import { attachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Attaches a managed policy (the account's own or an AWS managed one) to a user; attaching it again changes nothing. */
export default defineIamAction('AttachUserPolicy', {
  readonly: false,
  members: { UserName: m.UserName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  handle: (ctx, input) => attachPolicy(ctx, 'user', input.UserName, input.PolicyArn),
});
