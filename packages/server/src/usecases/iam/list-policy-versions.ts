import { iso, policyResource, requirePolicy } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** The versions of a managed policy, newest first (at most five, so never truncated). */
export default defineIamAction('ListPolicyVersions', {
  readonly: true,
  members: { PolicyArn: m.PolicyArn },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requirePolicy(ctx, input.PolicyArn);
    const versions = await store.versionsOf(ctx.tx, p.arn);
    return { Versions: versions.map((v) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersionId, CreateDate: iso(v.createdAt) })), IsTruncated: false };
  },
});
