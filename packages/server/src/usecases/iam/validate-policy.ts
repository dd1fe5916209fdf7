import { knownActions } from '@enclave/admin-api';
import { anyResource } from './common.js';
import { defineIamAction, m } from './action.js';
import { parsePolicy, PolicyError, unknownActions } from '../../domain/iam/policy.js';

/**
 * Checks a policy document without storing it: parse errors (with the statement) make it invalid;
 * actions that match nothing Enclave knows are warnings (Create/Put accept them, as IAM does).
 */
export default defineIamAction('ValidatePolicy', {
  readonly: true,
  members: { PolicyDocument: m.PolicyDocument },
  resource: anyResource,
  async handle(_ctx, input) {
    try {
      const doc = parsePolicy(input.PolicyDocument);
      const warnings = unknownActions(doc, knownActions()).map((a) => ({
        Message: /[*?]/.test(a) ? `Action "${a}" matches no action known to Enclave.` : `Action "${a}" is not an action known to Enclave; it will never match a request.`,
      }));
      return { Valid: true, Errors: [], Warnings: warnings };
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      return { Valid: false, Errors: [{ ...(err.statementIndex !== undefined ? { Statement: err.statementIndex } : {}), Message: err.message }], Warnings: [] };
    }
  },
});
