// The users repository: `users` rows of a network (looked up, inserted in blocks, edited, suspended,
// deleted with what the messaging layer holds for them), their `devices`, user ID allocation from
// `counters`, and the keyset-paged directory listings shaped to the (network_id, …) indexes.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { ListUsersRequest } from '@enclave/admin-api';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { paginate, prefixRange, resolveSort, type Page, type PageRequest, type PageSpec, type SortableColumn } from '../../infra/pagination.js';
import type { UsersTable } from '../../infra/schema.js';
import { DEVICE_SUSPENDED, type DeviceRow, type UserRow } from './rules.js';

export async function findUser(tx: ReadTx, networkId: string, userId: number): Promise<UserRow | undefined> {
  return tx.selectFrom('users').selectAll().where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirst();
}

/** Users of the network among the given IDs. One query. */
export async function findUsers(tx: ReadTx, networkId: string, userIds: readonly number[]): Promise<UserRow[]> {
  return tx.selectFrom('users').selectAll().where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
}

/** Usernames among `usernames` (lower-cased) already taken in the network by a user or a bot (bots store theirs lower-cased). One query. */
export async function takenUsernames(tx: ReadTx, networkId: string, usernames: readonly string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await tx
    .selectFrom('users')
    .select('username')
    .where('network_id', '=', networkId)
    .where('username', 'in', usernames)
    .unionAll(tx.selectFrom('bots').select('username').where('network_id', '=', networkId).where('username', 'in', usernames))
    .execute();
  return new Set(rows.map((r) => r.username));
}

/** uname → username for the network's users among `unames`. One query. */
export async function usernamesByUname(tx: ReadTx, networkId: string, unames: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.selectFrom('users').select(['uname', 'username']).where('network_id', '=', networkId).where('uname', 'in', unames).execute();
  return new Map(rows.map((r) => [r.uname, r.username]));
}

/** The network's users grouped by status and rejection: one row per (status, rejected) with its count. */
export async function countUsersByStatus(tx: ReadTx, networkId: string): Promise<{ status: number; rejected: number; n: number }[]> {
  return tx
    .selectFrom('users')
    .select(['status', 'rejected', (eb) => eb.fn.countAll<number>().as('n')])
    .where('network_id', '=', networkId)
    .groupBy(['status', 'rejected'])
    .execute();
}

/** Reserves `n` consecutive user IDs from the counters table with one UPDATE … RETURNING; returns the first. */
export async function allocateUserIds(tx: WriteTx, n: number): Promise<number> {
  const r = await tx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', n) }))
    .where('name', '=', 'user_id')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(r.value) - n + 1;
}

/** One multi-row INSERT. */
export async function insertUsers(tx: WriteTx, rows: readonly Insertable<UsersTable>[]): Promise<void> {
  await tx.insertInto('users').values(rows).execute();
}

export async function updateUser(tx: WriteTx, networkId: string, userId: number, patch: Updateable<UsersTable>): Promise<void> {
  await tx.updateTable('users').set(patch).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/** A new invite for a pending user; a rejected invitation becomes pending again. */
export async function renewInvite(tx: WriteTx, networkId: string, userId: number, invite: { code: string; expiration: number }, now: number): Promise<void> {
  await tx
    .updateTable('users')
    .set({ invite_code: invite.code, invite_expiration: invite.expiration, rejected: 0, modified: now })
    .where('network_id', '=', networkId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setUsersSuspended(tx: WriteTx, networkId: string, userIds: readonly number[], suspended: boolean, now: number): Promise<void> {
  await tx
    .updateTable('users')
    .set({ suspended: suspended ? 1 : 0, modified: now })
    .where('network_id', '=', networkId)
    .where('user_id', 'in', userIds)
    .execute();
}

/** Lifts the lock that failed sign-in attempts put on the users' member accounts. */
export async function clearSignInLocks(tx: WriteTx, networkId: string, userIds: readonly number[]): Promise<void> {
  await tx.updateTable('member_accounts').set({ failed_attempts: 0, locked_until: null }).where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
}

/** Deletes the users with their device keys, member accounts and codes, and devices. */
export async function deleteUsers(tx: WriteTx, networkId: string, userIds: readonly number[]): Promise<void> {
  await tx.deleteFrom('device_keys').where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
  await tx.deleteFrom('member_accounts').where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
  await tx.deleteFrom('member_codes').where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
  await tx.deleteFrom('devices').where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
  await tx.deleteFrom('users').where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
}

/** App IDs among `appIds` that are devices of the user. One query. */
export async function userDeviceAppIds(tx: ReadTx, networkId: string, userId: number, appIds: readonly string[]): Promise<Set<string>> {
  const rows = await tx
    .selectFrom('devices')
    .select('app_id')
    .where('network_id', '=', networkId)
    .where('user_id', '=', userId)
    .where('app_id', 'in', appIds)
    .execute();
  return new Set(rows.map((r) => r.app_id));
}

// ---------------------------------------------------------------------------------------------------
// Listings

const USER_COLUMNS: Record<string, SortableColumn> = {
  username: { expr: sql.ref('username'), key: 'username' },
  firstName: { expr: sql.ref('first_name_lc'), key: 'first_name_lc' },
  lastName: { expr: sql.ref('last_name_lc'), key: 'last_name_lc' },
  status: { expr: sql.ref('status'), key: 'status' },
  groupId: { expr: sql.ref('security_group_id'), key: 'security_group_id' },
};
const BY_USERNAME: SortableColumn = USER_COLUMNS.username!;
const BY_USER_ID: SortableColumn = { expr: sql.ref('user_id'), key: 'user_id' };

/**
 * Keyset paging over users, shaped to the indexes: names sort case-insensitively on the lower-cased
 * shadows with user_id as the tiebreaker ((network_id, first_name_lc|last_name_lc, user_id)); every
 * other sort ends on the username, unique per network ((network_id, status|security_group_id,
 * username) and (network_id, username)). Default: username, DESC.
 */
function userPageSpec(req: PageRequest, fields: readonly string[], filters: Record<string, unknown>, prefixColumn?: string): PageSpec {
  const columns = Object.fromEntries(fields.map((f) => [f, USER_COLUMNS[f]!]));
  const spec: PageSpec = { columns, id: BY_USERNAME, defaultSort: 'username', filters };
  const last = resolveSort(req, spec).fields.at(-1);
  const shaped = last === 'firstName' || last === 'lastName' ? { ...spec, id: BY_USER_ID } : spec;
  // Sorting by the searched column itself reads its index in order: nothing to avoid.
  const sortsOnlyByPrefix = resolveSort(req, spec).fields.every((f) => USER_COLUMNS[f]!.key === prefixColumn);
  return prefixColumn && !sortsOnlyByPrefix ? sortWithoutIndexes(shaped, prefixColumn) : shaped;
}

/**
 * A name or username prefix (a search) selects few users: the best plan reads them through the
 * prefix's index and sorts them, rather than walking a sort index and filtering. Sort keys on other
 * columns are written as expressions (`col || ''`, `col + 0`) that no index matches, on both dialects,
 * so neither planner can choose the walk (SQLite does without statistics, at 50 ms a page).
 */
function sortWithoutIndexes(spec: PageSpec, prefixColumn: string): PageSpec {
  const numeric = new Set(['status', 'user_id']);
  const wrap = (c: SortableColumn): SortableColumn =>
    c.key === prefixColumn ? c : { key: c.key, expr: numeric.has(c.key) ? sql`(${sql.ref(c.key)} + 0)` : sql`(${sql.ref(c.key)} || '')` };
  return { ...spec, columns: Object.fromEntries(Object.entries(spec.columns).map(([k, c]) => [k, wrap(c)])), id: wrap(spec.id) };
}

export type UserFilters = Pick<ListUsersRequest, 'username' | 'firstName' | 'lastName' | 'status' | 'groupId'>;

/**
 * The team directory, a page. username/firstName/lastName are case-insensitive prefixes (ranges on
 * the lower-cased columns), status and groupId exact; sortFields username, firstName, lastName,
 * status, groupId. Every filter and sort maps onto a (network_id, …) index; with a prefix (a search)
 * the prefix's index is used and the few matches are sorted.
 */
export async function listUsers(tx: ReadTx, networkId: string, input: UserFilters & PageRequest): Promise<Page<UserRow>> {
  let q = tx.selectFrom('users').selectAll().where('network_id', '=', networkId);
  const filters: Record<string, unknown> = {};
  let prefixColumn: string | undefined;
  const prefixes = [
    ['username', 'username', input.username],
    ['firstName', 'first_name_lc', input.firstName],
    ['lastName', 'last_name_lc', input.lastName],
  ] as const;
  for (const [name, column, value] of prefixes) {
    if (value === undefined || value === '') continue;
    const [lo, hi] = prefixRange(value);
    q = q.where(column, '>=', lo).where(column, '<', hi);
    filters[name] = lo;
    prefixColumn ??= column;
  }
  if (input.status !== undefined) {
    q = q.where('status', '=', input.status);
    filters.status = input.status;
  }
  if (input.groupId !== undefined && input.groupId !== '') {
    q = q.where('security_group_id', '=', input.groupId);
    filters.groupId = input.groupId;
  }
  return paginate(q, input, userPageSpec(input, ['username', 'firstName', 'lastName', 'status', 'groupId'], filters, prefixColumn));
}

/** Users of one security group (pending and active), a page by keyset on (network_id, security_group_id, username). */
export async function listGroupUsers(tx: ReadTx, networkId: string, groupId: string, req: PageRequest): Promise<Page<UserRow>> {
  const q = tx.selectFrom('users').selectAll().where('network_id', '=', networkId).where('security_group_id', '=', groupId);
  return paginate(q, req, userPageSpec(req, ['username', 'firstName', 'lastName'], { groupId }));
}

/**
 * A user's devices, a page. Sort fields: lastlogin, type, suspend, created and appId; default
 * lastlogin DESC. Never-used devices sort as the oldest login.
 */
export async function listUserDevices(tx: ReadTx, networkId: string, userId: number, req: PageRequest): Promise<Page<DeviceRow>> {
  const q = tx
    .selectFrom('devices')
    .selectAll()
    .select([
      sql<number>`coalesce(last_login, 0)`.as('last_login_key'),
      sql<number>`case when status = ${DEVICE_SUSPENDED} then 1 else 0 end`.as('suspend_key'),
    ])
    .where('network_id', '=', networkId)
    .where('user_id', '=', userId);
  return paginate(q, req, {
    columns: {
      lastlogin: { expr: sql`coalesce(last_login, 0)`, key: 'last_login_key' },
      type: { expr: sql.ref('type'), key: 'type' },
      suspend: { expr: sql`case when status = ${DEVICE_SUSPENDED} then 1 else 0 end`, key: 'suspend_key' },
      created: { expr: sql.ref('created_at'), key: 'created_at' },
      appId: { expr: sql.ref('app_id'), key: 'app_id' },
    },
    id: { expr: sql.ref('app_id'), key: 'app_id' },
    defaultSort: 'lastlogin',
    filters: { userId },
  });
}

// ---------------------------------------------------------------------------------------------------
// Member side: what members' own requests read and write of their user rows (registration, sign-in,
// profile, directory, invitations, SSO provisioning). Named apart from the administrators' queries.
// (Status values come from the callers: this file does not import users.ts, which may import it.)

/** Every user row with this username (email), in any network. */
export async function findMembersByEmail(tx: ReadTx, email: string) {
  return tx.selectFrom('users').selectAll().where('username', '=', email).execute();
}

/** A member's email and names; the caller knows the user exists (Kysely's NoResultError otherwise). */
export async function memberNameOf(tx: ReadTx, networkId: string, userId: number): Promise<{ username: string; first_name: string; last_name: string }> {
  return tx.selectFrom('users').select(['username', 'first_name', 'last_name']).where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirstOrThrow();
}

/** A member's status and suspension, if the user exists. */
export async function findMemberStatus(tx: ReadTx, networkId: string, userId: number) {
  return tx.selectFrom('users').select(['status', 'suspended']).where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirst();
}

/** A registration: the user becomes ACTIVE (with the names it chose, if any). */
export async function activateRegisteredMember(
  tx: WriteTx,
  networkId: string,
  userId: number,
  patch: Pick<Updateable<UsersTable>, 'status' | 'last_login' | 'last_activity' | 'modified' | 'first_name' | 'first_name_lc' | 'last_name' | 'last_name_lc'>,
): Promise<void> {
  await tx.updateTable('users').set(patch).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/** The member's last sign-in and activity (the console's users list shows them). */
export async function markMemberSignedIn(tx: WriteTx, networkId: string, userId: number, now: number): Promise<void> {
  await tx.updateTable('users').set({ last_login: now, last_activity: now }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/** A member's own name change. */
export async function updateMemberName(
  tx: WriteTx,
  networkId: string,
  userId: number,
  patch: Pick<Updateable<UsersTable>, 'first_name' | 'first_name_lc' | 'last_name' | 'last_name_lc' | 'modified'>,
): Promise<void> {
  await tx.updateTable('users').set(patch).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/**
 * Members in `status` (not the retention bot) of these networks (or of every network but
 * `viewerNetworkId`: 'others') whose email or first or last name starts with `q` (lower case; ''
 * for all), by email, up to `limit`.
 */
export async function searchMembers(tx: ReadTx, status: number, networkIds: readonly string[] | 'others', viewerNetworkId: string, q: string, limit: number) {
  let query = tx.selectFrom('users').select(['network_id', 'user_id', 'username', 'first_name', 'last_name']).where('status', '=', status).where('user_id', '!=', 0);
  query = networkIds === 'others' ? query.where('network_id', '!=', viewerNetworkId) : query.where('network_id', 'in', [...networkIds]);
  if (q) query = query.where((eb) => eb.or([eb('username', 'like', `${q}%`), eb('first_name_lc', 'like', `${q}%`), eb('last_name_lc', 'like', `${q}%`)]));
  return query.orderBy('username').orderBy('network_id').limit(limit).execute();
}

/** The users with this email in any network, as a look-up by email shows them. */
export async function findMembersForLookup(tx: ReadTx, email: string) {
  return tx.selectFrom('users').select(['network_id', 'user_id', 'username', 'first_name', 'last_name', 'status']).where('username', '=', email).execute();
}

/** The users an invite code was given to. */
export async function findMembersByInviteCode(tx: ReadTx, code: string) {
  return tx.selectFrom('users').selectAll().where('invite_code', '=', code).execute();
}

/** What an invitation email is rendered from: the user's current code, expiry and names, and the network's name. */
export async function findInvitationOf(tx: ReadTx, networkId: string, userId: number) {
  return tx
    .selectFrom('users as u')
    .innerJoin('networks as n', 'n.network_id', 'u.network_id')
    .select(['u.username', 'u.first_name', 'u.last_name', 'u.status', 'u.invite_code', 'u.invite_expiration', 'n.network_name'])
    .where('u.network_id', '=', networkId)
    .where('u.user_id', '=', userId)
    .executeTakeFirst();
}

/** A user of one network by username (SSO sign-in). */
export async function findNetworkMemberByUsername(tx: ReadTx, networkId: string, username: string) {
  return tx.selectFrom('users').selectAll().where('network_id', '=', networkId).where('username', '=', username).executeTakeFirst();
}

/** A member's new status (a pending user signing in with SSO becomes ACTIVE: the IdP vouches for them). */
export async function setMemberStatus(tx: WriteTx, networkId: string, userId: number, status: number, now: number): Promise<void> {
  await tx.updateTable('users').set({ status, modified: now }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/** Takes the next user ID (unique across networks) for a member provisioned by SSO. */
export async function allocateMemberUserId(tx: WriteTx): Promise<number> {
  const counter = await tx.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', 'user_id').returning('value').executeTakeFirstOrThrow();
  return Number(counter.value);
}

export async function insertProvisionedMember(tx: WriteTx, row: Insertable<UsersTable>): Promise<void> {
  await tx.insertInto('users').values(row).execute();
}
