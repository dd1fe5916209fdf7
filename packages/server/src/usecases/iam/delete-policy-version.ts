import { badRequest } from '../../kernel/errors.js';
import { policyResource, requireOwnPolicy, requireVersion } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes a version that is not the default. */
export default defineIamAction('DeletePolicyVersion', {
  readonly: false,
  members: { PolicyArn: m.PolicyArn, VersionId: m.VersionId },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requireOwnPolicy(ctx, input.PolicyArn);
    const v = await requireVersion(ctx, p.arn, input.VersionId);
    if (v.versionId === p.defaultVersionId) throw badRequest('Cannot delete the default version of a policy.');
    await store.deleteVersion(ctx.tx, p.arn, v.versionId);
    await store.updatePolicy(ctx.tx, p.arn, { updatedAt: ctx.now });
    return {};
  },
});
