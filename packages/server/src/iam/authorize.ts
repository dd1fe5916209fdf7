// The one place where IAM decides: every admin call (and every /iam call) asks `authorize` before its
// handler runs. The account's root principal may do everything; any other principal is evaluated
// against its identity policies: attached managed policies (their default version) and inline
// policies of the user, and of every group the user belongs to. Parsed policies are cached per
// principal and dropped whenever the account's IAM generation counter moves (every IAM write bumps it,
// on any node), so a detached policy or a removed user stops working on the next request.
import type { Kysely } from 'kysely';
import type { Principal } from '../accounts/accounts.js';
import type { Database } from '../store/schema.js';
import { evaluate, type EvaluationResult } from './evaluate.js';
import { parsePolicy, type PolicyDocument } from './policy.js';

export const WICKR_FULL_ACCESS_ARN = 'arn:aws:iam::aws:policy/AWSWickrFullAccess';
export const WICKR_FULL_ACCESS_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'wickr:*', Resource: '*' }],
});

const GENERATION = 'iam_generation';

/** Creates the AWS managed policies (immutable) if they are not there yet. */
export async function ensureManagedPolicies(db: Kysely<Database>, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const known = await trx.selectFrom('iam_policies').select('policy_arn').where('policy_arn', '=', WICKR_FULL_ACCESS_ARN).executeTakeFirst();
    if (!known) {
      await trx
        .insertInto('iam_policies')
        .values({
          policy_arn: WICKR_FULL_ACCESS_ARN,
          account_id: null,
          policy_id: 'ANPAWICKRFULLACCESS0001',
          policy_name: 'AWSWickrFullAccess',
          path: '/',
          description: 'Grants full administrative permissions to the Wickr service.',
          default_version_id: 'v1',
          next_version: 2,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx.insertInto('iam_policy_versions').values({ policy_arn: WICKR_FULL_ACCESS_ARN, version_id: 'v1', document: WICKR_FULL_ACCESS_DOCUMENT, created_at: now }).execute();
    }
    const gen = await trx.selectFrom('counters').select('value').where('name', '=', GENERATION).executeTakeFirst();
    if (!gen) await trx.insertInto('counters').values({ name: GENERATION, value: 0 }).execute();
  });
}

/** Every IAM write calls this in its transaction, so cached decisions are dropped everywhere. */
export async function bumpIamGeneration(db: Kysely<Database>): Promise<void> {
  await db.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', GENERATION).execute();
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** The identity policies that apply to a principal. */
export async function loadPolicies(db: Kysely<Database>, principal: Principal): Promise<NamedPolicy[]> {
  const holders = [principal.principalId];
  if (principal.kind === 'IAMUser') {
    const groups = await db.selectFrom('iam_group_members').select('group_principal_id').where('user_principal_id', '=', principal.principalId).execute();
    holders.push(...groups.map((g) => g.group_principal_id));
  }
  const managed = await db
    .selectFrom('iam_policy_attachments')
    .innerJoin('iam_policies', 'iam_policies.policy_arn', 'iam_policy_attachments.policy_arn')
    .innerJoin('iam_policy_versions', (j) =>
      j.onRef('iam_policy_versions.policy_arn', '=', 'iam_policies.policy_arn').onRef('iam_policy_versions.version_id', '=', 'iam_policies.default_version_id'),
    )
    .select(['iam_policies.policy_arn', 'iam_policy_versions.document'])
    .where('iam_policy_attachments.principal_id', 'in', holders)
    .execute();
  const inline = await db.selectFrom('iam_inline_policies').select(['principal_id', 'policy_name', 'document']).where('principal_id', 'in', holders).execute();
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

  constructor(private readonly db: Kysely<Database>) {}

  async authorize(principal: Principal, action: string, resource: string): Promise<EvaluationResult> {
    if (principal.kind === 'Root') return { decision: 'Allow' };
    const gen = await this.db.selectFrom('counters').select('value').where('name', '=', GENERATION).executeTakeFirst();
    const generation = Number(gen?.value ?? 0);
    let entry = this.#cache.get(principal.principalId);
    if (!entry || entry.generation !== generation) {
      entry = { generation, policies: await loadPolicies(this.db, principal) };
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
