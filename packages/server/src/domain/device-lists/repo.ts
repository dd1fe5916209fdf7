// Signed device lists (`device_lists`): each account's published lists, the device keys a list must
// name, and which accounts' lists a member may read. The only SQL of device lists; what is accepted is
// decided in usecases/member/device-lists.ts with the protocol's verification.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { DeviceListsTable } from '../../infra/schema.js';

/** A user's lists, newest first. */
export async function listsOf(tx: ReadTx, networkId: string, userId: number): Promise<{ version: number; first_version: number; body: string }[]> {
  return tx
    .selectFrom('device_lists')
    .select(['version', 'first_version', 'body'])
    .where('user_id', '=', userId)
    .where('network_id', '=', networkId)
    .orderBy('version', 'desc')
    .execute();
}

/** The newest list of a user (the head of its chain). */
export async function headOf(tx: ReadTx, networkId: string, userId: number): Promise<{ version: number; first_version: number; body: string } | undefined> {
  return tx
    .selectFrom('device_lists')
    .select(['version', 'first_version', 'body'])
    .where('user_id', '=', userId)
    .where('network_id', '=', networkId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The users among these that published a list (user IDs are unique on a server). */
export async function owners(tx: ReadTx, userIds: readonly number[]): Promise<{ network_id: string; user_id: number }[]> {
  return tx.selectFrom('device_lists').select(['network_id', 'user_id']).distinct().where('user_id', 'in', userIds).execute();
}

export async function insertList(tx: WriteTx, row: DeviceListsTable): Promise<void> {
  await tx.insertInto('device_lists').values(row).execute();
}

/** The identity keys the server holds for these devices of an account. */
export async function deviceKeys(tx: ReadTx, networkId: string, userId: number, deviceIds: readonly string[]) {
  if (deviceIds.length === 0) return [];
  return tx
    .selectFrom('device_keys')
    .select(['device_id', 'identity_sign_pub', 'identity_dh_pub'])
    .where('network_id', '=', networkId)
    .where('user_id', '=', userId)
    .where('device_id', 'in', deviceIds)
    .execute();
}

/** Of these users, those in the member's network. */
export async function usersInNetwork(tx: ReadTx, networkId: string, userIds: readonly number[]): Promise<{ network_id: string; user_id: number }[]> {
  return tx.selectFrom('users').select(['network_id', 'user_id']).where('network_id', '=', networkId).where('user_id', 'in', userIds).execute();
}

/** Of these users, those sharing a conversation with the member. */
export async function usersSharingConversations(tx: ReadTx, networkId: string, userId: number, userIds: readonly number[]): Promise<{ network_id: string; user_id: number }[]> {
  return tx
    .selectFrom('conversation_members as mine')
    .innerJoin('conversation_members as theirs', 'theirs.conv_id', 'mine.conv_id')
    .select(['theirs.network_id', 'theirs.user_id'])
    .distinct()
    .where('mine.network_id', '=', networkId)
    .where('mine.user_id', '=', userId)
    .where('theirs.user_id', 'in', userIds)
    .execute();
}
