import { badRequest } from '../../kernel/errors.js';
import { policyResource, requireOwnPolicy } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes a customer managed policy; refused while attached or with versions besides the default, as IAM does. */
export default defineIamAction('DeletePolicy', {
  readonly: false,
  members: { PolicyArn: m.PolicyArn },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requireOwnPolicy(ctx, input.PolicyArn);
    if ((await store.attachmentCount(ctx.tx, ctx.actor.accountId, p.arn)) > 0) throw badRequest('Cannot delete a policy attached to entities.');
    if ((await store.versionsOf(ctx.tx, p.arn)).length > 1) {
      throw badRequest("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    }
    await store.deletePolicy(ctx.tx, p.arn);
    return {};
  },
});
