import { policyOut, policyResource, requirePolicy } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** A managed policy (the account's own, or an AWS managed one) without its document. */
export default defineIamAction('GetPolicy', {
  readonly: true,
  members: { PolicyArn: m.PolicyArn },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requirePolicy(ctx, input.PolicyArn);
    return { Policy: policyOut(p, await store.attachmentCount(ctx.tx, ctx.actor.accountId, p.arn)) };
  },
});
