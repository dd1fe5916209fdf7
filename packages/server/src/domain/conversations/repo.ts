// Conversations, their members and every device's read position: the rows of `conversations` (kind,
// names, the sequence counter, retirement), `conversation_members` (who, from which network, role)
// and `device_cursors` (how far each device has received each conversation). Also the one SQL
// condition "a retention device has not received this yet" (retentionBehind) that messages and
// retired conversations are kept by.
import { sql, type Expression, type Insertable, type SqlBool, type Updateable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { ConversationMembersTable, ConversationsTable } from '../../infra/schema.js';
import { RETENTION_BOT_USER_ID } from '../retention/rules.js';

/** Rows per multi-row insert of cursors (well below every dialect's parameter limit). */
const CHUNK = 200;

/**
 * A data retention device's cursor in the conversation `conv` is before `seq` (it has not received
 * that record): SQL over column references (e.g. `m.conv_id`, `m.seq`) or values.
 */
export function retentionBehind(conv: string | Expression<string>, seq: number | Expression<number>) {
  const ref = <T,>(v: T | Expression<T>) => (typeof v === 'object' ? v : sql.val(v));
  return sql<SqlBool>`exists (select 1 from device_cursors c inner join device_keys k on k.device_id = c.device_id where c.conv_id = ${ref(conv)} and c.seq < ${ref(seq)} and k.user_id = ${RETENTION_BOT_USER_ID})`;
}

// ---------------------------------------------------------------------------------------------------
// Conversations

/** Takes the conversation's next sequence number; undefined when there is no such conversation. */
export async function bumpSeq(tx: WriteTx, convId: string): Promise<number | undefined> {
  const row = await tx.updateTable('conversations').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('conv_id', '=', convId).returning('last_seq').executeTakeFirst();
  return row ? Number(row.last_seq) : undefined;
}

export async function findConversation(tx: ReadTx, convId: string) {
  return tx.selectFrom('conversations').selectAll().where('conv_id', '=', convId).executeTakeFirst();
}

/** Whether the conversation exists and whether it is retired (deleted_at set). */
export async function findConversationState(tx: ReadTx, convId: string) {
  return tx.selectFrom('conversations').select(['conv_id', 'deleted_at']).where('conv_id', '=', convId).executeTakeFirst();
}

/** The network the conversation was created in. */
export async function findConversationNetwork(tx: ReadTx, convId: string): Promise<string | undefined> {
  return (await tx.selectFrom('conversations').select('network_id').where('conv_id', '=', convId).executeTakeFirst())?.network_id;
}

/** The network the conversation was created in; the caller knows it exists (Kysely's NoResultError otherwise). */
export async function conversationNetwork(tx: ReadTx, convId: string): Promise<string> {
  return (await tx.selectFrom('conversations').select('network_id').where('conv_id', '=', convId).executeTakeFirstOrThrow()).network_id;
}

/** The conversation's kind; the caller knows it exists. */
export async function conversationKind(tx: ReadTx, convId: string): Promise<string> {
  return (await tx.selectFrom('conversations').select('kind').where('conv_id', '=', convId).executeTakeFirstOrThrow()).kind;
}

/** The conversation's last sequence number; undefined when there is no such conversation. */
export async function findLastSeq(tx: ReadTx, convId: string): Promise<number | undefined> {
  return (await tx.selectFrom('conversations').select('last_seq').where('conv_id', '=', convId).executeTakeFirst())?.last_seq;
}

/** The conversation's last sequence number; the caller knows it exists. */
export async function lastSeqOf(tx: ReadTx, convId: string): Promise<number> {
  return (await tx.selectFrom('conversations').select('last_seq').where('conv_id', '=', convId).executeTakeFirstOrThrow()).last_seq;
}

/** The direct message of a pair (its dm_key), if it exists. */
export async function findDmConversationId(tx: ReadTx, dmKey: string): Promise<string | undefined> {
  return (await tx.selectFrom('conversations').select('conv_id').where('dm_key', '=', dmKey).executeTakeFirst())?.conv_id;
}

export async function insertConversation(tx: WriteTx, row: Insertable<ConversationsTable>): Promise<void> {
  await tx.insertInto('conversations').values(row).execute();
}

export async function updateConversationDetails(tx: WriteTx, convId: string, patch: Pick<Updateable<ConversationsTable>, 'name' | 'description'>): Promise<void> {
  await tx.updateTable('conversations').set(patch).where('conv_id', '=', convId).execute();
}

/** Deletes a conversation; its members, messages and cursors go with it (foreign keys cascade). */
export async function deleteConversation(tx: WriteTx, convId: string): Promise<void> {
  await tx.deleteFrom('conversations').where('conv_id', '=', convId).execute();
}

/** Retires a conversation: deleted for members, kept for the retention devices still reading it. */
export async function markRetired(tx: WriteTx, convId: string, now: number): Promise<void> {
  await tx.updateTable('conversations').set({ deleted_at: now, dm_key: null }).where('conv_id', '=', convId).execute();
}

/** Has some retention device of the conversation not received record `seq` yet? */
export async function isRetentionBehind(tx: ReadTx, convId: string, seq: number): Promise<boolean> {
  const { behind } = await tx.selectNoFrom(retentionBehind(convId, seq).as('behind')).executeTakeFirstOrThrow();
  return !!behind;
}

/** Retired conversations every retention device has read to the end (up to `limit`). */
export async function listRetiredReadToEnd(tx: ReadTx, limit: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('conversations as v')
    .select('v.conv_id')
    .where('v.deleted_at', 'is not', null)
    .where(sql<SqlBool>`not ${retentionBehind(sql.ref('v.conv_id'), sql.ref('v.last_seq'))}`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.conv_id);
}

/** Conversations created in a network. */
export async function conversationIdsCreatedIn(tx: ReadTx, networkId: string): Promise<string[]> {
  return (await tx.selectFrom('conversations').select('conv_id').where('network_id', '=', networkId).execute()).map((r) => r.conv_id);
}

/** Conversations with a member of a network (each once). */
export async function conversationIdsWithMembersOf(tx: ReadTx, networkId: string): Promise<string[]> {
  return (await tx.selectFrom('conversation_members').select('conv_id').distinct().where('network_id', '=', networkId).execute()).map((r) => r.conv_id);
}

/** The last sequence number of each of these conversations. */
export async function conversationPositions(tx: ReadTx, convIds: string[]): Promise<{ conv_id: string; last_seq: number }[]> {
  return tx.selectFrom('conversations').select(['conv_id', 'last_seq']).where('conv_id', 'in', convIds).execute();
}

/** The conversations of one member, with their last sequence numbers. */
export async function conversationPositionsOfMember(tx: ReadTx, networkId: string, userId: number): Promise<{ conv_id: string; last_seq: number }[]> {
  return tx
    .selectFrom('conversation_members as cm')
    .innerJoin('conversations as c', 'c.conv_id', 'cm.conv_id')
    .select(['c.conv_id', 'c.last_seq'])
    .where('cm.network_id', '=', networkId)
    .where('cm.user_id', '=', userId)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Members

/** A member's role in a conversation, with the conversation's kind and creator. */
export async function findMembership(tx: ReadTx, convId: string, member: { networkId: string; userId: number }) {
  return tx
    .selectFrom('conversation_members as cm')
    .innerJoin('conversations as c', 'c.conv_id', 'cm.conv_id')
    .select(['cm.role', 'c.kind', 'c.created_by'])
    .where('cm.conv_id', '=', convId)
    .where('cm.network_id', '=', member.networkId)
    .where('cm.user_id', '=', member.userId)
    .executeTakeFirst();
}

/** The members with their names, in the order they joined. */
export async function listMembersWithNames(tx: ReadTx, convId: string) {
  return tx
    .selectFrom('conversation_members as cm')
    .innerJoin('users as u', (j) => j.onRef('u.network_id', '=', 'cm.network_id').onRef('u.user_id', '=', 'cm.user_id'))
    .select(['cm.network_id', 'cm.user_id', 'cm.role', 'u.username', 'u.first_name', 'u.last_name'])
    .where('cm.conv_id', '=', convId)
    .orderBy('cm.joined_at')
    .orderBy('cm.user_id')
    .execute();
}

/** The conversations one member is in. */
export async function memberConversationIds(tx: ReadTx, networkId: string, userId: number): Promise<string[]> {
  return (await tx.selectFrom('conversation_members').select('conv_id').where('network_id', '=', networkId).where('user_id', '=', userId).execute()).map((r) => r.conv_id);
}

/** Is any member of the conversation from this network? */
export async function hasMemberOfNetwork(tx: ReadTx, convId: string, networkId: string): Promise<boolean> {
  return (await tx.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).where('network_id', '=', networkId).executeTakeFirst()) !== undefined;
}

export async function listMemberRoles(tx: ReadTx, convId: string): Promise<{ user_id: number; role: string }[]> {
  return tx.selectFrom('conversation_members').select(['user_id', 'role']).where('conv_id', '=', convId).execute();
}

/** Members with their roles, longest-standing first. */
export async function listMembersBySeniority(tx: ReadTx, convId: string): Promise<{ user_id: number; role: string }[]> {
  return tx.selectFrom('conversation_members').select(['user_id', 'role']).where('conv_id', '=', convId).orderBy('joined_at').orderBy('user_id').execute();
}

export async function listMemberIds(tx: ReadTx, convId: string): Promise<number[]> {
  return (await tx.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).execute()).map((r) => r.user_id);
}

/** Members with their networks. */
export async function listMembers(tx: ReadTx, convId: string): Promise<{ network_id: string; user_id: number }[]> {
  return tx.selectFrom('conversation_members').select(['network_id', 'user_id']).where('conv_id', '=', convId).execute();
}

/** Those of `userIds` who are members, with their networks. */
export async function findMembersAmong(tx: ReadTx, convId: string, userIds: readonly number[]): Promise<{ network_id: string; user_id: number }[]> {
  return tx.selectFrom('conversation_members').select(['network_id', 'user_id']).where('conv_id', '=', convId).where('user_id', 'in', [...userIds]).execute();
}

export async function listModeratorIds(tx: ReadTx, convId: string): Promise<number[]> {
  return (await tx.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).where('role', '=', 'moderator').execute()).map((r) => r.user_id);
}

/** The memberships of these users of one network, in any conversation. */
export async function membershipsOfUsers(tx: ReadTx, networkId: string, userIds: readonly number[]): Promise<{ conv_id: string; user_id: number }[]> {
  return tx.selectFrom('conversation_members').select(['conv_id', 'user_id']).where('network_id', '=', networkId).where('user_id', 'in', [...userIds]).execute();
}

/** A conversation the member shares with someone of `networkId`, if any. */
export async function findSharedConversation(tx: ReadTx, member: { networkId: string; userId: number }, networkId: string): Promise<string | undefined> {
  const shared = await tx
    .selectFrom('conversation_members as mine')
    .innerJoin('conversation_members as theirs', 'theirs.conv_id', 'mine.conv_id')
    .select('mine.conv_id')
    .where('mine.network_id', '=', member.networkId)
    .where('mine.user_id', '=', member.userId)
    .where('theirs.network_id', '=', networkId)
    .executeTakeFirst();
  return shared?.conv_id;
}

/** The read-receipt setting of the network of the other member of a conversation (a DM), if there is one. */
export async function findPeerReadReceiptStatus(tx: ReadTx, convId: string, userId: number): Promise<string | undefined> {
  const peer = await tx
    .selectFrom('conversation_members as cm')
    .innerJoin('networks as n', 'n.network_id', 'cm.network_id')
    .select(['n.read_receipt_status'])
    .where('cm.conv_id', '=', convId)
    .where('cm.user_id', '!=', userId)
    .executeTakeFirst();
  return peer?.read_receipt_status;
}

export async function insertMembers(tx: WriteTx, rows: Insertable<ConversationMembersTable>[]): Promise<void> {
  await tx.insertInto('conversation_members').values(rows).execute();
}

export async function deleteMembers(tx: WriteTx, convId: string, userIds: readonly number[]): Promise<void> {
  await tx.deleteFrom('conversation_members').where('conv_id', '=', convId).where('user_id', 'in', [...userIds]).execute();
}

export async function deleteAllMembers(tx: WriteTx, convId: string): Promise<void> {
  await tx.deleteFrom('conversation_members').where('conv_id', '=', convId).execute();
}

export async function setMembersRole(tx: WriteTx, convId: string, userIds: number[], role: 'moderator' | 'member'): Promise<void> {
  await tx.updateTable('conversation_members').set({ role }).where('conv_id', '=', convId).where('user_id', 'in', userIds).execute();
}

export async function promoteToModerator(tx: WriteTx, convId: string, userId: number): Promise<void> {
  await tx.updateTable('conversation_members').set({ role: 'moderator' }).where('conv_id', '=', convId).where('user_id', '=', userId).execute();
}

// ---------------------------------------------------------------------------------------------------
// Device cursors

/** Inserts cursors (new ones only: the device has none in these conversations). */
export async function insertCursors(tx: WriteTx, rows: readonly { device_id: string; conv_id: string; seq: number }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await tx.insertInto('device_cursors').values(rows.slice(i, i + CHUNK)).execute();
}

/** Inserts cursors, leaving a device's existing cursor in a conversation as it is. */
export async function insertCursorsIfAbsent(tx: WriteTx, rows: readonly { device_id: string; conv_id: string; seq: number }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insertInto('device_cursors')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['device_id', 'conv_id']).doNothing())
      .execute();
  }
}

/** How far a device has received a conversation (no cursor: it does not follow it). */
export async function findCursor(tx: ReadTx, deviceId: string, convId: string): Promise<number | undefined> {
  return (await tx.selectFrom('device_cursors').select('seq').where('device_id', '=', deviceId).where('conv_id', '=', convId).executeTakeFirst())?.seq;
}

/** Every conversation a device follows, with its position. */
export async function listCursors(tx: ReadTx, deviceId: string): Promise<{ conv_id: string; seq: number }[]> {
  return tx.selectFrom('device_cursors').select(['conv_id', 'seq']).where('device_id', '=', deviceId).execute();
}

/** Moves a device's cursor forward (never back). */
export async function advanceCursor(tx: WriteTx, deviceId: string, convId: string, seq: number): Promise<void> {
  await tx.updateTable('device_cursors').set({ seq }).where('device_id', '=', deviceId).where('conv_id', '=', convId).where('seq', '<', seq).execute();
}

export async function deleteCursorsOfDevice(tx: WriteTx, deviceId: string): Promise<void> {
  await tx.deleteFrom('device_cursors').where('device_id', '=', deviceId).execute();
}

export async function deleteCursorsOfDevices(tx: WriteTx, deviceIds: string[]): Promise<void> {
  await tx.deleteFrom('device_cursors').where('device_id', 'in', deviceIds).execute();
}

export async function deleteCursorsInConversation(tx: WriteTx, convId: string, deviceIds: string[]): Promise<void> {
  await tx.deleteFrom('device_cursors').where('conv_id', '=', convId).where('device_id', 'in', deviceIds).execute();
}

/** Deletes the cursors of a conversation except the retention devices'. */
export async function deleteMemberCursors(tx: WriteTx, convId: string): Promise<void> {
  const retentionDevices = tx.selectFrom('device_keys').select('device_id').where('user_id', '=', RETENTION_BOT_USER_ID);
  await tx.deleteFrom('device_cursors').where('conv_id', '=', convId).where('device_id', 'not in', retentionDevices).execute();
}
