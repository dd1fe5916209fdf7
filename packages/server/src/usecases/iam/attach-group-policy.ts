import { attachPolicy, entityResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** Attaches a managed policy (the account's own or an AWS managed one) to a group; attaching it again changes nothing. */
export default defineIamAction('AttachGroupPolicy', {
  readonly: false,
  members: { GroupName: m.GroupName, PolicyArn: m.PolicyArn },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  handle: (ctx, input) => attachPolicy(ctx, 'group', input.GroupName, input.PolicyArn),
});
