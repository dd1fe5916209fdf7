// The users of networks (the `users` table).
import type { Insertable, Updateable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { UsersTable } from '../../infra/schema.js';

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
