import { badRequest } from '../../kernel/errors.js';
import { checkDocument, iso, MAX_POLICY_VERSIONS, policyResource, requireOwnPolicy } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** A new version of a customer managed policy (at most five are kept), optionally made the default at once. */
export default defineIamAction('CreatePolicyVersion', {
  readonly: false,
  members: { PolicyArn: m.PolicyArn, PolicyDocument: m.PolicyDocument, SetAsDefault: { type: 'boolean', doc: 'make this version the one in effect' } },
  resource: async (_ctx, raw) => policyResource(raw.PolicyArn),
  async handle(ctx, input) {
    const p = await requireOwnPolicy(ctx, input.PolicyArn);
    checkDocument(input.PolicyDocument);
    if ((await store.versionsOf(ctx.tx, p.arn)).length >= MAX_POLICY_VERSIONS) {
      throw badRequest(`A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
    }
    const versionId = `v${p.nextVersion}`;
    await store.insertVersion(ctx.tx, p.arn, { versionId, document: input.PolicyDocument, createdAt: ctx.now });
    const isDefault = input.SetAsDefault === true;
    await store.updatePolicy(ctx.tx, p.arn, { nextVersion: p.nextVersion + 1, updatedAt: ctx.now, ...(isDefault ? { defaultVersionId: versionId } : {}) });
    return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: isDefault, CreateDate: iso(ctx.now) } };
  },
});
