import { iso, policyResource, requirePolicy, requireVersion } from './common.js';
import { defineIamAction, m } from './action.js';

/** One version of a managed policy with its document (the JSON text as it was given). */
export default defineIamAction('GetPolicyVersion', {
  readonly: true,
  members: { PolicyArn: m.PolicyArn, VersionId: m.VersionId },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requirePolicy(ctx, input.PolicyArn);
    const v = await requireVersion(ctx, p.arn, input.VersionId);
    return { PolicyVersion: { Document: v.document, VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersionId, CreateDate: iso(v.createdAt) } };
  },
});
