// Message records of conversations: `conv_messages` (one row per record: messages, receipts and
// system records, in the conversation's sequence; withdrawn ones kept for retention devices) and
// `conv_message_parts` (a pairwise message's ciphertext per recipient device). Ciphertext only.
// The hot paths (send, range reads, the hub's page reads) are one statement each.
import { sql, type Insertable, type SqlBool } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { ConvMessagesTable } from '../../infra/schema.js';
import { retentionBehind } from '../conversations/repo.js';

/** Rows per multi-row insert of parts. */
const CHUNK = 200;

/** A message some data retention device of its conversation has not received yet (over `m`). */
const owedToRetention = () => retentionBehind(sql.ref('m.conv_id'), sql.ref('m.seq'));

export async function insertRecord(tx: WriteTx, row: Insertable<ConvMessagesTable>): Promise<void> {
  await tx.insertInto('conv_messages').values(row).execute();
}

/** Stores a pairwise message's parts: [recipient device, ciphertext]. */
export async function insertParts(tx: WriteTx, convId: string, seq: number, parts: readonly [string, string][]): Promise<void> {
  for (let i = 0; i < parts.length; i += CHUNK) {
    await tx.insertInto('conv_message_parts').values(parts.slice(i, i + CHUNK).map(([device_id, b]) => ({ conv_id: convId, seq, device_id, body: b }))).execute();
  }
}

/** A message already stored under this ID (a resent message is answered from it). */
export async function findSentMessage(tx: ReadTx, convId: string, messageId: string) {
  return tx.selectFrom('conv_messages').select(['seq', 'sender_device_id', 'expires_at']).where('conv_id', '=', convId).where('message_id', '=', messageId).executeTakeFirst();
}

/** A record by its message ID, with what deleting it for everyone checks. */
export async function findMessageToDelete(tx: ReadTx, convId: string, messageId: string) {
  return tx.selectFrom('conv_messages').select(['seq', 'sender_user_id', 'kind', 'expires_at']).where('conv_id', '=', convId).where('message_id', '=', messageId).executeTakeFirst();
}

/** Sets a record's expiry (a tombstone expires with the message it replaced). */
export async function setExpiry(tx: WriteTx, convId: string, seq: number, expiresAt: number): Promise<void> {
  await tx.updateTable('conv_messages').set({ expires_at: expiresAt }).where('conv_id', '=', convId).where('seq', '=', seq).execute();
}

/** The expiries of the messages with these IDs (a read receipt lives as long as the longest of them). */
export async function expiriesOf(tx: ReadTx, convId: string, messageIds: readonly string[]): Promise<(number | null)[]> {
  if (messageIds.length === 0) return [];
  const rows = await tx.selectFrom('conv_messages').select('expires_at').where('conv_id', '=', convId).where('message_id', 'in', messageIds).execute();
  return rows.map((r) => r.expires_at);
}

/** Records after `after` as one device reads them: its own part of pairwise messages beside each. */
export async function readRangeRows(tx: ReadTx, deviceId: string, convId: string, after: number, limit: number) {
  return tx
    .selectFrom('conv_messages as m')
    .leftJoin('conv_message_parts as p', (j) => j.onRef('p.conv_id', '=', 'm.conv_id').onRef('p.seq', '=', 'm.seq').on('p.device_id', '=', deviceId))
    .select(['m.seq', 'm.message_id', 'm.kind', 'm.sender_user_id', 'm.sender_device_id', 'm.sent_at', 'm.expires_at', 'm.bor', 'm.body', 'm.files', 'm.deleted_at', 'p.body as part'])
    .where('m.conv_id', '=', convId)
    .where('m.seq', '>', after)
    .orderBy('m.seq')
    .limit(limit)
    .execute();
}

/** A page of records after `from` (the delivery hub: one read per page for every follower). */
export async function recordsAfter(tx: ReadTx, convId: string, from: number, limit: number) {
  return tx
    .selectFrom('conv_messages')
    .select(['seq', 'message_id', 'kind', 'sender_user_id', 'sender_device_id', 'sent_at', 'expires_at', 'bor', 'body', 'files', 'deleted_at'])
    .where('conv_id', '=', convId)
    .where('seq', '>', from)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The parts of records in (from, last] for these devices. */
export async function partsFor(tx: ReadTx, convId: string, from: number, last: number, deviceIds: string[]): Promise<{ seq: number; device_id: string; body: string }[]> {
  return tx
    .selectFrom('conv_message_parts')
    .select(['seq', 'device_id', 'body'])
    .where('conv_id', '=', convId)
    .where('seq', '>', from)
    .where('seq', '<=', last)
    .where('device_id', 'in', deviceIds)
    .execute();
}

/** Devices (with their identity keys) that sent messages after `seq` in the conversation. */
export async function sendersAfter(tx: ReadTx, convId: string, seq: number) {
  return tx
    .selectFrom('conv_messages as m')
    .innerJoin('device_keys as k', 'k.device_id', 'm.sender_device_id')
    .select(['k.user_id', 'k.device_id', 'k.identity_sign_pub', 'k.identity_dh_pub'])
    .distinct()
    .where('m.conv_id', '=', convId)
    .where('m.seq', '>', seq)
    .where('m.kind', 'in', ['pw', 'sk'])
    .execute();
}

/** When a device last sent anything (epoch ms), if ever. */
export async function lastSentAt(tx: ReadTx, deviceId: string): Promise<number | undefined> {
  const sent = await tx.selectFrom('conv_messages').select((eb) => eb.fn.max('sent_at').as('at')).where('sender_device_id', '=', deviceId).executeTakeFirst();
  return sent?.at !== null && sent?.at !== undefined ? Number(sent.at) : undefined;
}

/** Is record `seq` owed to a retention device (not received by it yet)? */
export async function isOwedToRetention(tx: ReadTx, convId: string, seq: number): Promise<boolean> {
  const owed = await tx.selectFrom('conv_messages as m').select('m.seq').where('m.conv_id', '=', convId).where('m.seq', '=', seq).where(owedToRetention()).executeTakeFirst();
  return owed !== undefined;
}

/** Withdraws a record: members no longer get it; the retention devices still do. */
export async function withdrawRecord(tx: WriteTx, convId: string, seq: number, now: number): Promise<void> {
  await tx.updateTable('conv_messages').set({ deleted_at: now }).where('conv_id', '=', convId).where('seq', '=', seq).execute();
}

export async function deleteRecord(tx: WriteTx, convId: string, seq: number): Promise<void> {
  await tx.deleteFrom('conv_messages').where('conv_id', '=', convId).where('seq', '=', seq).execute();
}

/** Messages past their expiry that no retention device is owed. */
export async function listExpired(tx: ReadTx, now: number, limit: number): Promise<{ conv_id: string; seq: number; message_id: string }[]> {
  return tx
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq', 'm.message_id'])
    .where('m.expires_at', '<=', now)
    .where(sql<SqlBool>`not ${owedToRetention()}`)
    .limit(limit)
    .execute();
}

/** Withdrawn messages every retention device has received. */
export async function listWithdrawnDelivered(tx: ReadTx, limit: number): Promise<{ conv_id: string; seq: number }[]> {
  return tx
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq'])
    .where('m.deleted_at', 'is not', null)
    .where(sql<SqlBool>`not ${owedToRetention()}`)
    .limit(limit)
    .execute();
}

/** Burn-on-read messages every recipient device (every device but the sending one) has acknowledged. */
export async function listBurned(tx: ReadTx, limit: number): Promise<{ conv_id: string; seq: number; message_id: string }[]> {
  return tx
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq', 'm.message_id'])
    .where('m.bor', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('device_cursors as c').select('c.device_id').whereRef('c.conv_id', '=', 'm.conv_id').whereRef('c.seq', '<', 'm.seq').whereRef('c.device_id', '!=', 'm.sender_device_id'))),
    )
    .limit(limit)
    .execute();
}
