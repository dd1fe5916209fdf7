// Messages: stored once per conversation with its next sequence number (pairwise parts per device
// beside them), idempotent by message ID, read by range from a device's cursor. Enforces what the
// server can: membership, the security group's expiry and burn-on-read caps (a message without a
// timer expires at the sender's group maximum: expiry.ts), files only when the group allows them,
// read receipts only in 1:1 and only where the network allows them. Deletion (for everyone,
// expiry, burn-on-read) releases the files nobody references any more; a message a
// data retention device has not received yet is kept for it until it has.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { DeliveredMessage, Policy, SendMessage } from '@enclave/protocol';
import type { Database } from '../../infra/schema.js';
import { collectRetired, conversationDevices, nextSeq, requireMembership, retentionBehind, appendSystem } from './conversations.js';
import { fail } from '../../kernel/member-errors.js';
import { requireFederatedPeers } from '../../domain/federation/federation.js';
import type { Member } from './member-auth.js';
import { messageExpiry, receiptExpiry } from '../../domain/messages/expiry.js';

type Db = Kysely<Database>;

export interface SendResult {
  seq: number;
  duplicate: boolean;
  /** The message's effective expiry as stored (epoch ms, null: never): see expiry.ts. */
  expiresAt: number | null;
}

export async function sendMessage(db: Db, member: Member, msg: SendMessage, policy: Policy, now: number): Promise<SendResult> {
  const me = await requireMembership(db, member, msg.conv);
  const prior = await db.selectFrom('conv_messages').select(['seq', 'sender_device_id', 'expires_at']).where('conv_id', '=', msg.conv).where('message_id', '=', msg.messageId).executeTakeFirst();
  if (prior) {
    if (prior.sender_device_id !== member.deviceId) throw fail('conflict', 'This message ID is already used in this conversation.');
    return { seq: prior.seq, duplicate: true, expiresAt: prior.expires_at };
  }
  await requireFederatedPeers(db, member, msg.conv);
  if (msg.ttl !== undefined && msg.ttl > policy.maxTtl) throw fail('policy_violation', `Your security group allows an expiration timer of at most ${policy.maxTtl} seconds.`, [{ field: 'ttl', reason: `at most ${policy.maxTtl}` }]);
  if (msg.bor !== undefined && msg.bor > policy.maxBor) throw fail('policy_violation', `Your security group allows a burn-on-read timer of at most ${policy.maxBor} seconds.`, [{ field: 'bor', reason: `at most ${policy.maxBor}` }]);
  let body = '';
  let parts: [string, string][] = [];
  if (msg.kind === 'sk') {
    if (!msg.body || msg.parts) throw fail('bad_request', 'A sender-key message has one body and no parts.');
    body = msg.body;
  } else {
    if (!msg.parts || msg.body || Object.keys(msg.parts).length === 0) throw fail('bad_request', 'A pairwise message has one part per recipient device and no body.');
    parts = Object.entries(msg.parts);
    if (parts.length > 2000) throw fail('too_large', 'At most 2000 recipient devices per message.');
    const allowed = new Set((await conversationDevices(db, member, msg.conv)).map((d) => d.deviceId));
    const strangers = parts.map(([d]) => d).filter((d) => !allowed.has(d));
    // A device reset or a member removed since the sender listed the devices: the sender refreshes
    // the list (GET .../devices) and sends again; nothing is stored for anyone.
    if (strangers.length > 0) throw fail('conflict', `The devices of this conversation changed (not a device of it: ${strangers.slice(0, 5).join(', ')}). Refresh the device list and send again.`, strangers.slice(0, 20).map((d) => ({ field: `parts.${d}`, reason: 'not a device of this conversation' })));
  }
  const files = [...new Set(msg.files ?? [])];
  if (files.length > 0) {
    if (!policy.filesEnabled) throw fail('files_disabled');
    const rows = await db.selectFrom('files').select(['file_id', 'complete', 'uploader_user_id', 'network_id']).where('file_id', 'in', files).execute();
    const ok = new Set(rows.filter((r) => r.complete === 1 && r.uploader_user_id === member.userId && r.network_id === member.networkId).map((r) => r.file_id));
    const bad = files.filter((f) => !ok.has(f));
    if (bad.length > 0) throw fail('bad_request', `File not uploaded completely by you: ${bad.join(', ')}.`, bad.map((f) => ({ field: 'files', reason: `${f} not complete` })));
  }
  const seq = await nextSeq(db, msg.conv);
  const expiresAt = messageExpiry(msg, me.kind, policy, now);
  await db
    .insertInto('conv_messages')
    .values({
      conv_id: msg.conv,
      seq,
      message_id: msg.messageId,
      kind: msg.kind,
      sender_user_id: member.userId,
      sender_device_id: member.deviceId,
      sent_at: now,
      expires_at: expiresAt,
      bor: msg.bor ?? null,
      body,
      files: JSON.stringify(files),
    })
    .execute();
  for (let i = 0; i < parts.length; i += 200) {
    await db.insertInto('conv_message_parts').values(parts.slice(i, i + 200).map(([device_id, b]) => ({ conv_id: msg.conv, seq, device_id, body: b }))).execute();
  }
  if (files.length > 0) {
    await db.insertInto('file_refs').values(files.map((f) => ({ file_id: f, conv_id: msg.conv, seq }))).execute();
    await db.updateTable('files').set({ referenced: 1 }).where('file_id', 'in', files).execute();
  }
  return { seq, duplicate: false, expiresAt };
}

type Row = { seq: number; message_id: string; kind: string; sender_user_id: number; sender_device_id: string; sent_at: number; expires_at: number | null; bor: number | null; body: string; files: string; part: string | null };

/**
 * Is a stored record hidden from a device? Members' devices never get a message past its expiry or
 * one deleted for everyone; a data retention device gets both (they are kept for it until it has
 * them: see collectExpired), so what was said reaches the archive whatever happened to it since.
 */
export function hiddenFrom(r: { expires_at: number | null; deleted_at: number | null }, now: number, retention: boolean): boolean {
  if (retention) return false;
  return r.deleted_at !== null || (r.expires_at !== null && r.expires_at <= now);
}

/** A message some data retention device of its conversation has not received yet. */
const owedToRetention = () => retentionBehind(sql.ref('m.conv_id'), sql.ref('m.seq'));

export function toDelivered(convId: string, r: Row): DeliveredMessage {
  return {
    conv: convId,
    seq: r.seq,
    messageId: r.message_id,
    kind: r.kind as DeliveredMessage['kind'],
    senderUserId: r.sender_user_id,
    senderDeviceId: r.sender_device_id,
    sentAt: r.sent_at,
    expiresAt: r.expires_at,
    bor: r.bor,
    body: r.kind === 'pw' ? (r.part ?? '') : r.body,
    files: JSON.parse(r.files) as string[],
  };
}

/**
 * Records after `after` as one device sees them: its own part of pairwise messages (a pairwise
 * message without a part for it is skipped), expired and deleted ones left out (except for a data
 * retention device: hiddenFrom). `upTo` is the last sequence examined, so a cursor can move past
 * skipped records.
 */
export async function readRange(db: Db, deviceId: string, convId: string, after: number, limit: number, now: number, retention = false): Promise<{ messages: DeliveredMessage[]; upTo: number }> {
  const rows = await db
    .selectFrom('conv_messages as m')
    .leftJoin('conv_message_parts as p', (j) => j.onRef('p.conv_id', '=', 'm.conv_id').onRef('p.seq', '=', 'm.seq').on('p.device_id', '=', deviceId))
    .select(['m.seq', 'm.message_id', 'm.kind', 'm.sender_user_id', 'm.sender_device_id', 'm.sent_at', 'm.expires_at', 'm.bor', 'm.body', 'm.files', 'm.deleted_at', 'p.body as part'])
    .where('m.conv_id', '=', convId)
    .where('m.seq', '>', after)
    .orderBy('m.seq')
    .limit(limit)
    .execute();
  const messages: DeliveredMessage[] = [];
  for (const r of rows) {
    if (hiddenFrom(r, now, retention)) continue;
    if (r.kind === 'pw' && r.part === null) continue;
    messages.push(toDelivered(convId, r));
  }
  return { messages, upTo: rows.length > 0 ? rows[rows.length - 1]!.seq : after };
}

/**
 * Delete for everyone: only the member who sent it; the record is gone and a tombstone says so. While
 * a data retention device has not received it, it is withdrawn instead (members no longer get it, the
 * retention device does; collectExpired deletes it once every retention device is past it).
 */
export async function deleteForEveryone(db: Db, member: Member, convId: string, messageId: string, now: number): Promise<{ seq: number }> {
  await requireMembership(db, member, convId);
  const row = await db.selectFrom('conv_messages').select(['seq', 'sender_user_id', 'kind', 'expires_at']).where('conv_id', '=', convId).where('message_id', '=', messageId).executeTakeFirst();
  if (!row || row.kind === 'sys') throw fail('not_found', 'Message not found.');
  if (row.sender_user_id !== member.userId) throw fail('forbidden', 'Only the sender can delete a message for everyone.');
  const owed = await db
    .selectFrom('conv_messages as m')
    .select('m.seq')
    .where('m.conv_id', '=', convId)
    .where('m.seq', '=', row.seq)
    .where(owedToRetention())
    .executeTakeFirst();
  if (owed) {
    await db.updateTable('conv_messages').set({ deleted_at: now }).where('conv_id', '=', convId).where('seq', '=', row.seq).execute();
  } else {
    await db.deleteFrom('conv_messages').where('conv_id', '=', convId).where('seq', '=', row.seq).execute();
    await releaseFileRefs(db, [{ conv_id: convId, seq: row.seq }]);
  }
  const seq = await appendSystem(db, convId, member, { event: 'deleted_message', by: member.userId, messageId }, now);
  // The tombstone is needed only while a copy of the message may be kept: it expires with it.
  if (row.expires_at !== null) await db.updateTable('conv_messages').set({ expires_at: row.expires_at }).where('conv_id', '=', convId).where('seq', '=', seq).execute();
  return { seq };
}

/** Read receipts: 1:1 only, only when the network's readReceiptConfig is not DISABLED. */
export async function sendReceipt(db: Db, member: Member, convId: string, messageIds: string[], policy: Policy, now: number): Promise<{ seq: number }> {
  const me = await requireMembership(db, member, convId);
  if (me.kind !== 'dm') throw fail('bad_request', 'Read receipts are only for direct messages.');
  await requireFederatedPeers(db, member, convId);
  if (policy.readReceipts === 'DISABLED') throw fail('policy_violation', 'Read receipts are turned off for your network.');
  const peer = await db.selectFrom('conversation_members as cm').innerJoin('networks as n', 'n.network_id', 'cm.network_id').select(['n.read_receipt_status']).where('cm.conv_id', '=', convId).where('cm.user_id', '!=', member.userId).executeTakeFirst();
  if (peer && peer.read_receipt_status === 'DISABLED') throw fail('policy_violation', "Read receipts are turned off for the other member's network.");
  const ids = [...new Set(messageIds)];
  const reported = await db.selectFrom('conv_messages').select('expires_at').where('conv_id', '=', convId).where('message_id', 'in', ids).execute();
  const seq = await nextSeq(db, convId);
  await db
    .insertInto('conv_messages')
    .values({ conv_id: convId, seq, message_id: `rcpt${seq}`, kind: 'rcpt', sender_user_id: member.userId, sender_device_id: member.deviceId, sent_at: now, expires_at: receiptExpiry(reported.map((r) => r.expires_at), policy, now), bor: null, body: JSON.stringify({ messageIds: ids, state: 'read' }), files: '[]' })
    .execute();
  return { seq };
}

/** Moves a device's cursor forward (never back). */
export async function advanceCursors(db: Db, entries: readonly { deviceId: string; convId: string; seq: number }[]): Promise<void> {
  for (const e of entries) {
    await db.updateTable('device_cursors').set({ seq: e.seq }).where('device_id', '=', e.deviceId).where('conv_id', '=', e.convId).where('seq', '<', e.seq).execute();
  }
}

/** Drops the file references of deleted records; files nobody references any more become garbage. */
export async function releaseFileRefs(db: Db, records: readonly { conv_id: string; seq: number }[]): Promise<void> {
  for (const r of records) await db.deleteFrom('file_refs').where('conv_id', '=', r.conv_id).where('seq', '=', r.seq).execute();
}

/**
 * Deletes what has expired: messages past their expiry timer, and burn-on-read messages every
 * recipient device (every member device but the sending one) has acknowledged; and messages deleted
 * for everyone that were kept for a data retention device, and retired conversations it has read to
 * their end. A message a retention device has not received yet is kept for it. Returns the expired message IDs per conversation (members' devices
 * drop them; withdrawn ones were announced by their tombstone).
 */
export async function collectExpired(db: Db, now: number, limit = 1000): Promise<Map<string, string[]>> {
  const expired = await db
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq', 'm.message_id'])
    .where('m.expires_at', '<=', now)
    .where(sql<SqlBool>`not ${owedToRetention()}`)
    .limit(limit)
    .execute();
  const withdrawn = await db
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq'])
    .where('m.deleted_at', 'is not', null)
    .where(sql<SqlBool>`not ${owedToRetention()}`)
    .limit(limit)
    .execute();
  for (const r of withdrawn) await db.deleteFrom('conv_messages').where('conv_id', '=', r.conv_id).where('seq', '=', r.seq).execute();
  await releaseFileRefs(db, withdrawn);
  await collectRetired(db, limit);
  const burned = await db
    .selectFrom('conv_messages as m')
    .select(['m.conv_id', 'm.seq', 'm.message_id'])
    .where('m.bor', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('device_cursors as c').select('c.device_id').whereRef('c.conv_id', '=', 'm.conv_id').whereRef('c.seq', '<', 'm.seq').whereRef('c.device_id', '!=', 'm.sender_device_id'))),
    )
    .limit(limit)
    .execute();
  const all = [...expired, ...burned];
  const out = new Map<string, string[]>();
  if (all.length === 0) return out;
  for (const r of all) {
    await db.deleteFrom('conv_messages').where('conv_id', '=', r.conv_id).where('seq', '=', r.seq).execute();
    const list = out.get(r.conv_id) ?? [];
    if (!list.includes(r.message_id)) list.push(r.message_id);
    out.set(r.conv_id, list);
  }
  await releaseFileRefs(db, all);
  return out;
}
