import { badRequest } from '../../kernel/errors.js';
import { checkDocument, iamId, policyOut } from './common.js';
import { defineIamAction, m, PATH_RE } from './action.js';
import * as store from '../../domain/iam/repo.js';

/**
 * Creates a customer managed policy with its first version v1 (the default). The document must parse;
 * actions Enclave does not know are accepted, as IAM does (ValidatePolicy reports them).
 */
export default defineIamAction('CreatePolicy', {
  readonly: false,
  members: {
    PolicyName: m.PolicyName,
    Path: m.Path,
    PolicyDocument: m.PolicyDocument,
    Description: { type: 'string', pattern: /^[\s\S]{0,1000}$/, patternText: 'at most 1000 characters', doc: 'what the policy is for (cannot be changed later)' },
  },
  refused: { Tags: 'is not supported: Wickr does not support attribute-based access control (tags)' },
  resource: async (ctx, raw) =>
    typeof raw.PolicyName === 'string' ? store.policyArnFor(ctx.actor.accountId, typeof raw.Path === 'string' && PATH_RE.test(raw.Path) ? raw.Path : '/', raw.PolicyName) : '*',
  async handle(ctx, input) {
    checkDocument(input.PolicyDocument);
    if (await store.findPolicyByName(ctx.tx, ctx.actor.accountId, input.PolicyName)) {
      throw badRequest(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
    }
    const path = input.Path ?? '/';
    const policy: store.PolicyRow = {
      arn: store.policyArnFor(ctx.actor.accountId, path, input.PolicyName),
      accountId: ctx.actor.accountId,
      policyId: iamId('ANPA'),
      name: input.PolicyName,
      path,
      description: input.Description ?? '',
      defaultVersionId: 'v1',
      nextVersion: 2,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await store.insertPolicy(ctx.tx, policy);
    await store.insertVersion(ctx.tx, policy.arn, { versionId: 'v1', document: input.PolicyDocument, createdAt: ctx.now });
    return { Policy: policyOut(policy, 0) };
  },
});
