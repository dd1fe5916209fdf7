// The IAM repositories: users, groups and roles (rows of `principals`), group membership, access keys,
// console logins (password and TOTP), managed policies with their versions, attachments and inline
// policies. Written once with Kysely for SQLite and PostgreSQL. Every lookup is scoped to one account;
// AWS managed policies (account_id null) are visible to every account but belong to none.
// Over 500 lines on purpose: every statement on IAM's tables (a dozen small ones) in one repository;
// split it by table if it grows further.
import { sql, type Updateable } from 'kysely';
import type { Database } from '../../infra/schema.js';
import type { ReadTx, WriteTx } from '../../infra/db.js';

export type EntityKind = 'user' | 'group' | 'role';

/** The `principals.kind` of each IAM entity. */
export const PRINCIPAL_KIND: Record<EntityKind, string> = { user: 'IAMUser', group: 'IAMGroup', role: 'IAMRole' };

export interface Entity {
  principalId: string;
  accountId: string;
  kind: EntityKind;
  name: string;
  path: string;
  arn: string;
  createdAt: number;
}

export const entityArn = (accountId: string, kind: EntityKind, path: string, name: string) => `arn:aws:iam::${accountId}:${kind}${path}${name}`;
export const policyArnFor = (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:policy${path}${name}`;

interface PrincipalRow {
  principal_id: string;
  account_id: string;
  kind: string;
  name: string;
  arn: string;
  created_at: number;
}

function toEntity(row: PrincipalRow, kind: EntityKind): Entity {
  // The path is not stored on its own: it is the part of the ARN between the resource type and the name.
  const prefix = `arn:aws:iam::${row.account_id}:${kind}`;
  return {
    principalId: row.principal_id,
    accountId: row.account_id,
    kind,
    name: row.name,
    path: row.arn.slice(prefix.length, row.arn.length - row.name.length),
    arn: row.arn,
    createdAt: Number(row.created_at),
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** IAM names are unique without regard to case, and looked up the same way (as AWS does). */
export async function findEntity(db: ReadTx, accountId: string, kind: EntityKind, name: string): Promise<Entity | undefined> {
  const row = await db
    .selectFrom('principals')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', PRINCIPAL_KIND[kind])
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return row && toEntity(row, kind);
}

export async function findEntityById(db: ReadTx, principalId: string, kind: EntityKind): Promise<Entity | undefined> {
  const row = await db.selectFrom('principals').selectAll().where('principal_id', '=', principalId).where('kind', '=', PRINCIPAL_KIND[kind]).executeTakeFirst();
  return row && toEntity(row, kind);
}

export async function insertEntity(db: WriteTx, e: Entity): Promise<void> {
  await db
    .insertInto('principals')
    .values({ principal_id: e.principalId, account_id: e.accountId, kind: PRINCIPAL_KIND[e.kind], name: e.name, arn: e.arn, created_at: e.createdAt })
    .execute();
}

export async function deleteEntity(db: WriteTx, principalId: string): Promise<void> {
  await db.deleteFrom('iam_user_logins').where('principal_id', '=', principalId).execute();
  await db.deleteFrom('principals').where('principal_id', '=', principalId).execute();
}

/** The account's entities of a kind, by name; with a path prefix, only those whose path starts with it. */
export async function listEntities(db: ReadTx, accountId: string, kind: EntityKind, pathPrefix?: string): Promise<Entity[]> {
  const rows = await db.selectFrom('principals').selectAll().where('account_id', '=', accountId).where('kind', '=', PRINCIPAL_KIND[kind]).execute();
  return rows
    .map((r) => toEntity(r, kind))
    .filter((e) => pathPrefix === undefined || e.path.startsWith(pathPrefix))
    .sort(byName);
}

// ---- Group membership ----

export async function isMember(db: ReadTx, groupId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('iam_group_members')
    .select('user_principal_id')
    .where('group_principal_id', '=', groupId)
    .where('user_principal_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function addMember(db: WriteTx, groupId: string, userId: string): Promise<void> {
  if (await isMember(db, groupId, userId)) return;
  await db.insertInto('iam_group_members').values({ group_principal_id: groupId, user_principal_id: userId }).execute();
}

export async function removeMember(db: WriteTx, groupId: string, userId: string): Promise<void> {
  await db.deleteFrom('iam_group_members').where('group_principal_id', '=', groupId).where('user_principal_id', '=', userId).execute();
}

export async function groupsOfUser(db: ReadTx, userId: string): Promise<Entity[]> {
  const rows = await db
    .selectFrom('iam_group_members')
    .innerJoin('principals', 'principals.principal_id', 'iam_group_members.group_principal_id')
    .selectAll('principals')
    .where('iam_group_members.user_principal_id', '=', userId)
    .execute();
  return rows.map((r) => toEntity(r, 'group')).sort(byName);
}

export async function usersOfGroup(db: ReadTx, groupId: string): Promise<Entity[]> {
  const rows = await db
    .selectFrom('iam_group_members')
    .innerJoin('principals', 'principals.principal_id', 'iam_group_members.user_principal_id')
    .selectAll('principals')
    .where('iam_group_members.group_principal_id', '=', groupId)
    .execute();
  return rows.map((r) => toEntity(r, 'user')).sort(byName);
}

// ---- Access keys ----

export interface AccessKeyRow {
  accessKeyId: string;
  principalId: string;
  status: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const toKey = (r: { access_key_id: string; principal_id: string; status: string; created_at: number; last_used_at: number | null }): AccessKeyRow => ({
  accessKeyId: r.access_key_id,
  principalId: r.principal_id,
  status: r.status,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

export async function keysOf(db: ReadTx, principalId: string): Promise<AccessKeyRow[]> {
  const rows = await db
    .selectFrom('access_keys')
    .select(['access_key_id', 'principal_id', 'status', 'created_at', 'last_used_at'])
    .where('principal_id', '=', principalId)
    .execute();
  return rows.map(toKey).sort((a, b) => a.createdAt - b.createdAt || (a.accessKeyId < b.accessKeyId ? -1 : 1));
}

/** A key of the account, whoever holds it. */
export async function findKey(db: ReadTx, accountId: string, accessKeyId: string): Promise<AccessKeyRow | undefined> {
  const row = await db
    .selectFrom('access_keys')
    .select(['access_key_id', 'principal_id', 'status', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId)
    .where('access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  return row && toKey(row);
}

export async function insertKey(db: WriteTx, key: { accessKeyId: string; principalId: string; accountId: string; sealedSecret: string; createdAt: number }): Promise<void> {
  await db
    .insertInto('access_keys')
    .values({
      access_key_id: key.accessKeyId,
      principal_id: key.principalId,
      account_id: key.accountId,
      secret_ciphertext: key.sealedSecret,
      status: 'Active',
      created_at: key.createdAt,
      last_used_at: null,
    })
    .execute();
}

export async function setKeyStatus(db: WriteTx, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
  await db.updateTable('access_keys').set({ status }).where('access_key_id', '=', accessKeyId).execute();
}

export async function deleteKey(db: WriteTx, accessKeyId: string): Promise<void> {
  await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute();
}

// ---- Console login: password and TOTP device ----

export interface LoginRow {
  passwordHash: string | null;
  mfaSecretSealed: string | null;
  mfaEnabled: boolean;
  passwordChangedAt: number | null;
  mfaEnabledAt?: number | null;
}

export async function getLogin(db: ReadTx, principalId: string): Promise<LoginRow | undefined> {
  const r = await db.selectFrom('iam_user_logins').selectAll().where('principal_id', '=', principalId).executeTakeFirst();
  return (
    r && {
      passwordHash: r.password_hash,
      mfaSecretSealed: r.mfa_secret_sealed,
      mfaEnabled: Number(r.mfa_enabled) === 1,
      passwordChangedAt: r.password_changed_at === null ? null : Number(r.password_changed_at),
      mfaEnabledAt: r.mfa_enabled_at === null ? null : Number(r.mfa_enabled_at),
    }
  );
}

export async function updateLogin(db: WriteTx, principalId: string, patch: Partial<LoginRow>): Promise<void> {
  const set: Updateable<Database['iam_user_logins']> = {};
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (patch.passwordChangedAt !== undefined) set.password_changed_at = patch.passwordChangedAt;
  if (patch.mfaSecretSealed !== undefined) set.mfa_secret_sealed = patch.mfaSecretSealed;
  if (patch.mfaEnabled !== undefined) set.mfa_enabled = patch.mfaEnabled ? 1 : 0;
  if (patch.mfaEnabledAt !== undefined) set.mfa_enabled_at = patch.mfaEnabledAt;
  const exists = await db.selectFrom('iam_user_logins').select('principal_id').where('principal_id', '=', principalId).executeTakeFirst();
  if (exists) {
    await db.updateTable('iam_user_logins').set(set).where('principal_id', '=', principalId).execute();
  } else {
    await db
      .insertInto('iam_user_logins')
      .values({ principal_id: principalId, password_hash: null, mfa_secret_sealed: null, mfa_enabled: 0, password_changed_at: null, ...set })
      .execute();
  }
}

// ---- Managed policies and their versions ----

export interface PolicyRow {
  arn: string;
  accountId: string | null;
  policyId: string;
  name: string;
  path: string;
  description: string;
  defaultVersionId: string;
  nextVersion: number;
  createdAt: number;
  updatedAt: number;
}

const toPolicy = (r: Database['iam_policies']): PolicyRow => ({
  arn: r.policy_arn,
  accountId: r.account_id,
  policyId: r.policy_id,
  name: r.policy_name,
  path: r.path,
  description: r.description,
  defaultVersionId: r.default_version_id,
  nextVersion: Number(r.next_version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** A policy the account can see: its own, or an AWS managed one. */
export async function findPolicy(db: ReadTx, accountId: string, arn: string): Promise<PolicyRow | undefined> {
  const r = await db
    .selectFrom('iam_policies')
    .selectAll()
    .where('policy_arn', '=', arn)
    .where((eb) => eb.or([eb('account_id', '=', accountId), eb('account_id', 'is', null)]))
    .executeTakeFirst();
  return r && toPolicy(r);
}

export async function findPolicyByName(db: ReadTx, accountId: string, name: string): Promise<PolicyRow | undefined> {
  const r = await db
    .selectFrom('iam_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(sql<string>`lower(policy_name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return r && toPolicy(r);
}

export async function listPolicies(db: ReadTx, accountId: string, scope: 'All' | 'AWS' | 'Local'): Promise<PolicyRow[]> {
  let q = db.selectFrom('iam_policies').selectAll();
  if (scope === 'AWS') q = q.where('account_id', 'is', null);
  else if (scope === 'Local') q = q.where('account_id', '=', accountId);
  else q = q.where((eb) => eb.or([eb('account_id', '=', accountId), eb('account_id', 'is', null)]));
  return (await q.execute()).map(toPolicy);
}

export async function insertPolicy(db: WriteTx, p: PolicyRow): Promise<void> {
  await db
    .insertInto('iam_policies')
    .values({
      policy_arn: p.arn,
      account_id: p.accountId,
      policy_id: p.policyId,
      policy_name: p.name,
      path: p.path,
      description: p.description,
      default_version_id: p.defaultVersionId,
      next_version: p.nextVersion,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
    .execute();
}

export async function updatePolicy(db: WriteTx, arn: string, patch: { defaultVersionId?: string; nextVersion?: number; updatedAt: number }): Promise<void> {
  await db
    .updateTable('iam_policies')
    .set({
      updated_at: patch.updatedAt,
      ...(patch.defaultVersionId !== undefined ? { default_version_id: patch.defaultVersionId } : {}),
      ...(patch.nextVersion !== undefined ? { next_version: patch.nextVersion } : {}),
    })
    .where('policy_arn', '=', arn)
    .execute();
}

export async function deletePolicy(db: WriteTx, arn: string): Promise<void> {
  await db.deleteFrom('iam_policy_attachments').where('policy_arn', '=', arn).execute();
  await db.deleteFrom('iam_policy_versions').where('policy_arn', '=', arn).execute();
  await db.deleteFrom('iam_policies').where('policy_arn', '=', arn).execute();
}

export interface VersionRow {
  versionId: string;
  document: string;
  createdAt: number;
}

const versionNumber = (v: string) => Number(v.slice(1));

/** Newest first, as IAM lists them. */
export async function versionsOf(db: ReadTx, arn: string): Promise<VersionRow[]> {
  const rows = await db.selectFrom('iam_policy_versions').selectAll().where('policy_arn', '=', arn).execute();
  return rows
    .map((r) => ({ versionId: r.version_id, document: r.document, createdAt: Number(r.created_at) }))
    .sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId));
}

export async function findVersion(db: ReadTx, arn: string, versionId: string): Promise<VersionRow | undefined> {
  const r = await db.selectFrom('iam_policy_versions').selectAll().where('policy_arn', '=', arn).where('version_id', '=', versionId).executeTakeFirst();
  return r && { versionId: r.version_id, document: r.document, createdAt: Number(r.created_at) };
}

export async function insertVersion(db: WriteTx, arn: string, v: VersionRow): Promise<void> {
  await db.insertInto('iam_policy_versions').values({ policy_arn: arn, version_id: v.versionId, document: v.document, created_at: v.createdAt }).execute();
}

export async function deleteVersion(db: WriteTx, arn: string, versionId: string): Promise<void> {
  await db.deleteFrom('iam_policy_versions').where('policy_arn', '=', arn).where('version_id', '=', versionId).execute();
}

// ---- Attachments ----

/** How many of the account's principals have the policy attached (an AWS managed policy counts per account). */
export async function attachmentCount(db: ReadTx, accountId: string, arn: string): Promise<number> {
  const r = await db
    .selectFrom('iam_policy_attachments')
    .innerJoin('principals', 'principals.principal_id', 'iam_policy_attachments.principal_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('iam_policy_attachments.policy_arn', '=', arn)
    .where('principals.account_id', '=', accountId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Attachment counts of all policies for one account's principals. */
export async function attachmentCounts(db: ReadTx, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('iam_policy_attachments')
    .innerJoin('principals', 'principals.principal_id', 'iam_policy_attachments.principal_id')
    .select(['iam_policy_attachments.policy_arn as arn', (eb) => eb.fn.countAll<number>().as('n')])
    .where('principals.account_id', '=', accountId)
    .groupBy('iam_policy_attachments.policy_arn')
    .execute();
  return new Map(rows.map((r) => [r.arn, Number(r.n)]));
}

export async function isAttached(db: ReadTx, arn: string, principalId: string): Promise<boolean> {
  const r = await db.selectFrom('iam_policy_attachments').select('policy_arn').where('policy_arn', '=', arn).where('principal_id', '=', principalId).executeTakeFirst();
  return r !== undefined;
}

export async function attach(db: WriteTx, arn: string, principalId: string): Promise<void> {
  if (await isAttached(db, arn, principalId)) return;
  await db.insertInto('iam_policy_attachments').values({ policy_arn: arn, principal_id: principalId }).execute();
}

export async function detach(db: WriteTx, arn: string, principalId: string): Promise<void> {
  await db.deleteFrom('iam_policy_attachments').where('policy_arn', '=', arn).where('principal_id', '=', principalId).execute();
}

export async function attachedTo(db: ReadTx, principalId: string): Promise<PolicyRow[]> {
  const rows = await db
    .selectFrom('iam_policy_attachments')
    .innerJoin('iam_policies', 'iam_policies.policy_arn', 'iam_policy_attachments.policy_arn')
    .selectAll('iam_policies')
    .where('iam_policy_attachments.principal_id', '=', principalId)
    .execute();
  return rows.map(toPolicy);
}

// ---- Inline policies ----

export async function inlineNames(db: ReadTx, principalId: string): Promise<string[]> {
  const rows = await db.selectFrom('iam_inline_policies').select('policy_name').where('principal_id', '=', principalId).execute();
  return rows.map((r) => r.policy_name).sort();
}

export async function findInline(db: ReadTx, principalId: string, name: string): Promise<{ name: string; document: string } | undefined> {
  const r = await db
    .selectFrom('iam_inline_policies')
    .select(['policy_name', 'document'])
    .where('principal_id', '=', principalId)
    .where(sql<string>`lower(policy_name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return r && { name: r.policy_name, document: r.document };
}

/** Creates or replaces an inline policy (a name differing only in case replaces the existing one). */
export async function putInline(db: WriteTx, principalId: string, name: string, document: string): Promise<void> {
  const existing = await findInline(db, principalId, name);
  if (existing) {
    await db.updateTable('iam_inline_policies').set({ document }).where('principal_id', '=', principalId).where('policy_name', '=', existing.name).execute();
  } else {
    await db.insertInto('iam_inline_policies').values({ principal_id: principalId, policy_name: name, document }).execute();
  }
}

export async function deleteInline(db: WriteTx, principalId: string, name: string): Promise<void> {
  await db.deleteFrom('iam_inline_policies').where('principal_id', '=', principalId).where('policy_name', '=', name).execute();
}

// ---------------------------------------------------------------------------------------------------
// AWS managed policies, the IAM generation counter and the policies that apply to a principal.

/** Inserts an AWS managed policy (account_id null) with its one version, unless it exists. */
export async function ensureManagedPolicy(tx: WriteTx, p: { arn: string; policyId: string; name: string; description: string; document: string; now: number }): Promise<void> {
  const known = await tx.selectFrom('iam_policies').select('policy_arn').where('policy_arn', '=', p.arn).executeTakeFirst();
  if (known) return;
  await tx
    .insertInto('iam_policies')
    .values({
      policy_arn: p.arn,
      account_id: null,
      policy_id: p.policyId,
      policy_name: p.name,
      path: '/',
      description: p.description,
      default_version_id: 'v1',
      next_version: 2,
      created_at: p.now,
      updated_at: p.now,
    })
    .execute();
  await tx.insertInto('iam_policy_versions').values({ policy_arn: p.arn, version_id: 'v1', document: p.document, created_at: p.now }).execute();
}

const GENERATION = 'iam_generation';

/** Creates the IAM generation counter if it is not there yet. */
export async function ensureGeneration(tx: WriteTx): Promise<void> {
  const gen = await tx.selectFrom('counters').select('value').where('name', '=', GENERATION).executeTakeFirst();
  if (!gen) await tx.insertInto('counters').values({ name: GENERATION, value: 0 }).execute();
}

/** Moves the IAM generation (every IAM write, in its transaction): cached decisions are dropped on every node. */
export async function bumpGeneration(tx: WriteTx): Promise<void> {
  await tx.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', GENERATION).execute();
}

export async function currentGeneration(db: ReadTx): Promise<number> {
  const gen = await db.selectFrom('counters').select('value').where('name', '=', GENERATION).executeTakeFirst();
  return Number(gen?.value ?? 0);
}

/** The groups a user belongs to (their principal IDs). */
export async function groupIdsOfUser(db: ReadTx, userPrincipalId: string): Promise<string[]> {
  const groups = await db.selectFrom('iam_group_members').select('group_principal_id').where('user_principal_id', '=', userPrincipalId).execute();
  return groups.map((g) => g.group_principal_id);
}

/** The default versions of the managed policies attached to any of the holders. */
export async function attachedPolicyDocuments(db: ReadTx, holders: string[]): Promise<{ policy_arn: string; document: string }[]> {
  return db
    .selectFrom('iam_policy_attachments')
    .innerJoin('iam_policies', 'iam_policies.policy_arn', 'iam_policy_attachments.policy_arn')
    .innerJoin('iam_policy_versions', (j) =>
      j.onRef('iam_policy_versions.policy_arn', '=', 'iam_policies.policy_arn').onRef('iam_policy_versions.version_id', '=', 'iam_policies.default_version_id'),
    )
    .select(['iam_policies.policy_arn', 'iam_policy_versions.document'])
    .where('iam_policy_attachments.principal_id', 'in', holders)
    .execute();
}

/** The inline policies of any of the holders. */
export async function inlinePolicyDocuments(db: ReadTx, holders: string[]): Promise<{ principal_id: string; policy_name: string; document: string }[]> {
  return db.selectFrom('iam_inline_policies').select(['principal_id', 'policy_name', 'document']).where('principal_id', 'in', holders).execute();
}

// ---------------------------------------------------------------------------------------------------
// TOTP replay protection: the last accepted time step per principal (a `counters` row).

const replayKey = (principalId: string) => `totp_step:${principalId}`;

/** Moves the principal's last accepted step forward to `step`; false when it is already at or past it (or absent). */
export async function advanceTotpStep(db: WriteTx, principalId: string, step: number): Promise<boolean> {
  const r = await db.updateTable('counters').set({ value: step }).where('name', '=', replayKey(principalId)).where('value', '<', step).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function hasTotpStep(db: ReadTx, principalId: string): Promise<boolean> {
  return (await db.selectFrom('counters').select('value').where('name', '=', replayKey(principalId)).executeTakeFirst()) !== undefined;
}

/** Records the first step of a principal; false when another sign-in inserted it at the same moment. */
export async function insertTotpStep(db: WriteTx, principalId: string, step: number): Promise<boolean> {
  const inserted = await db
    .insertInto('counters')
    .values({ name: replayKey(principalId), value: step })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}
