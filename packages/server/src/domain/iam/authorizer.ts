// The one place where IAM decides: every admin call (and every /iam call) asks `authorize` before its
// handler runs. The account's root principal may do everything; any other principal is evaluated
// against its identity policies: attached managed policies (their default version) and inline
// policies of the user, and of every group the user belongs to. Parsed policies are cached per
// principal and dropped whenever the account's IAM generation counter moves (every IAM write bumps it,
// on any node), so a detached policy or a removed user stops working on the next request.
import type { Kysely } from 'kysely';
import type { Principal } from '../../kernel/actor.js';
import type { Database } from '../../infra/schema.js';
import { inTransaction, readTx, type ReadTx, type WriteTx } from '../../infra/db.js';
import * as repo from './repo.js';
import { AccessDeniedError } from '../../kernel/errors.js';
import { denialMessage, evaluate, type EvaluationResult } from './evaluate.js';
import { parsePolicy, type PolicyDocument } from './policy.js';

export const WICKR_FULL_ACCESS_ARN = 'arn:aws:iam::aws:policy/AWSWickrFullAccess';
export const WICKR_FULL_ACCESS_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'wickr:*', Resource: '*' }],
});

/** Creates the AWS managed policies (immutable) and the IAM generation counter if they are not there yet. */
export async function ensureManagedPolicies(db: Kysely<Database>, now: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    await repo.ensureManagedPolicy(tx, {
      arn: WICKR_FULL_ACCESS_ARN,
      policyId: 'ANPAWICKRFULLACCESS0001',
      name: 'AWSWickrFullAccess',
      description: 'Grants full administrative permissions to the Wickr service.',
      document: WICKR_FULL_ACCESS_DOCUMENT,
      now,
    });
    await repo.ensureGeneration(tx);
  });
}

/** Every IAM write calls this in its transaction, so cached decisions are dropped everywhere. */
export const bumpIamGeneration = (tx: WriteTx): Promise<void> => repo.bumpGeneration(tx);

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** The identity policies that apply to a principal. */
export async function loadPolicies(db: ReadTx, principal: Principal): Promise<NamedPolicy[]> {
  const holders = [principal.principalId];
  if (principal.kind === 'IAMUser') holders.push(...(await repo.groupIdsOfUser(db, principal.principalId)));
  const managed = await repo.attachedPolicyDocuments(db, holders);
  const inline = await repo.inlinePolicyDocuments(db, holders);
  const out: NamedPolicy[] = [];
  const seen = new Set<string>();
  for (const m of managed) {
    if (seen.has(m.policy_arn)) continue;
    seen.add(m.policy_arn);
    out.push({ name: m.policy_arn, document: parsePolicy(m.document, { stored: true }) });
  }
  for (const p of inline) out.push({ name: `inline:${p.principal_id}:${p.policy_name}`, document: parsePolicy(p.document, { stored: true }) });
  return out;
}

export class Authorizer {
  #cache = new Map<string, { generation: number; policies: NamedPolicy[] }>();

  readonly #db: ReadTx;

  constructor(db: Kysely<Database>) {
    this.#db = readTx(db);
  }

  async authorize(principal: Principal, action: string, resource: string): Promise<EvaluationResult> {
    if (principal.kind === 'Root') return { decision: 'Allow' };
    const generation = await repo.currentGeneration(this.#db);
    let entry = this.#cache.get(principal.principalId);
    if (!entry || entry.generation !== generation) {
      entry = { generation, policies: await loadPolicies(this.#db, principal) };
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(principal.principalId, entry);
    }
    return evaluate(entry.policies, { action, resource, variables: { username: principal.name, userid: principal.principalId } });
  }
}

/**
 * The resource an admin operation acts on: the network's ARN for operations on one network (so a
 * policy can be limited to some networks), otherwise `*` (listing and creating networks, sessions).
 */
export function operationResource(region: string, accountId: string, input: Record<string, unknown>): string {
  if (typeof input.resourceArn === 'string') return input.resourceArn;
  if (typeof input.networkId === 'string') return `arn:aws:wickr:${region}:${accountId}:network/${input.networkId}`;
  return '*';
}

/**
 * IAM action names the guide uses besides the operation's own: the console's "edit network details"
 * is wickr:UpdateNetworkDetails, so a policy written with either name governs UpdateNetwork.
 */
const ACTION_ALIASES: Record<string, string[]> = { 'wickr:UpdateNetwork': ['wickr:UpdateNetworkDetails'] };

/** Asks the authorizer; a denied call is a 403 in the AWS message form. An explicit Deny of any alias wins. */
export async function authorizeCall(authorizer: Authorizer, principal: Principal, action: string, resource: string): Promise<void> {
  const results = [];
  for (const a of [action, ...(ACTION_ALIASES[action] ?? [])]) results.push(await authorizer.authorize(principal, a, resource));
  const decision = results.some((r) => r.decision === 'ExplicitDeny') ? 'ExplicitDeny' : results.some((r) => r.decision === 'Allow') ? 'Allow' : 'ImplicitDeny';
  if (decision !== 'Allow') throw new AccessDeniedError(denialMessage(principal.arn, action, resource, decision));
}
