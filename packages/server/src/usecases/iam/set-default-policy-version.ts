import { policyResource, requireOwnPolicy, requireVersion } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Makes a version the one in effect for every user, group and role the policy is attached to. */
export default defineIamAction('SetDefaultPolicyVersion', {
  readonly: false,
  members: { PolicyArn: m.PolicyArn, VersionId: m.VersionId },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requireOwnPolicy(ctx, input.PolicyArn);
    const v = await requireVersion(ctx, p.arn, input.VersionId);
    await store.updatePolicy(ctx.tx, p.arn, { defaultVersionId: v.versionId, updatedAt: ctx.now });
    return {};
  },
});
