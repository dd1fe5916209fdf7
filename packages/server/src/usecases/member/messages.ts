// Messages: stored once per conversation with its next sequence number (pairwise parts per device
// beside them), idempotent by message ID, read by range from a device's cursor. Enforces what the
// server can: membership, the security group's expiry and burn-on-read caps (a message without a
// timer expires at the sender's group maximum: expiry.ts), files only when the group allows them,
// read receipts only in 1:1 and only where the network allows them. Deletion (for everyone,
// expiry, burn-on-read) releases the files nobody references any more; a message a
// data retention device has not received yet is kept for it until it has.
import type { Kysely } from 'kysely';
import type { DeliveredMessage, Policy, SendMessage } from '@enclave/protocol';
import { readTx, type WriteTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import * as repo from '../../domain/messages/repo.js';
import { findPeerReadReceiptStatus, advanceCursor } from '../../domain/conversations/repo.js';
import { addFileRefs, deleteFileRefs, findFilesToSend } from '../../domain/files/repo.js';
import { hiddenFrom, toDelivered } from '../../domain/messages/rules.js';
import { fail } from '../../kernel/member-errors.js';
import { collectRetired, conversationDevices, nextSeq, requireMembership, appendSystem } from './conversations.js';
import { requireFederatedPeers } from './federation.js';
import type { Member } from './member-auth.js';
import { messageExpiry, receiptExpiry } from '../../domain/messages/expiry.js';

export interface SendResult {
  seq: number;
  duplicate: boolean;
  /** The message's effective expiry as stored (epoch ms, null: never): see expiry.ts. */
  expiresAt: number | null;
}

export async function sendMessage(tx: WriteTx, member: Member, msg: SendMessage, policy: Policy, now: number): Promise<SendResult> {
  const me = await requireMembership(tx, member, msg.conv);
  const prior = await repo.findSentMessage(tx, msg.conv, msg.messageId);
  if (prior) {
    if (prior.sender_device_id !== member.deviceId) throw fail('conflict', 'This message ID is already used in this conversation.');
    return { seq: prior.seq, duplicate: true, expiresAt: prior.expires_at };
  }
  await requireFederatedPeers(tx, member, msg.conv);
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
    const allowed = new Set((await conversationDevices(tx, member, msg.conv)).map((d) => d.deviceId));
    const strangers = parts.map(([d]) => d).filter((d) => !allowed.has(d));
    // A device reset or a member removed since the sender listed the devices: the sender refreshes
    // the list (GET .../devices) and sends again; nothing is stored for anyone.
    if (strangers.length > 0) throw fail('conflict', `The devices of this conversation changed (not a device of it: ${strangers.slice(0, 5).join(', ')}). Refresh the device list and send again.`, strangers.slice(0, 20).map((d) => ({ field: `parts.${d}`, reason: 'not a device of this conversation' })));
  }
  const files = [...new Set(msg.files ?? [])];
  if (files.length > 0) {
    if (!policy.filesEnabled) throw fail('files_disabled');
    const rows = await findFilesToSend(tx, files);
    const ok = new Set(rows.filter((r) => r.complete === 1 && r.uploader_user_id === member.userId && r.network_id === member.networkId).map((r) => r.file_id));
    const bad = files.filter((f) => !ok.has(f));
    if (bad.length > 0) throw fail('bad_request', `File not uploaded completely by you: ${bad.join(', ')}.`, bad.map((f) => ({ field: 'files', reason: `${f} not complete` })));
  }
  const seq = await nextSeq(tx, msg.conv);
  const expiresAt = messageExpiry(msg, me.kind, policy, now);
  await repo.insertRecord(tx, {
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
  });
  await repo.insertParts(tx, msg.conv, seq, parts);
  if (files.length > 0) await addFileRefs(tx, files, msg.conv, seq);
  return { seq, duplicate: false, expiresAt };
}

/**
 * Records after `after` as one device sees them: its own part of pairwise messages (a pairwise
 * message without a part for it is skipped), expired and deleted ones left out (except for a data
 * retention device: hiddenFrom). `upTo` is the last sequence examined, so a cursor can move past
 * skipped records. `db`: the store or any transaction.
 */
export async function readRange(db: Kysely<Database>, deviceId: string, convId: string, after: number, limit: number, now: number, retention = false): Promise<{ messages: DeliveredMessage[]; upTo: number }> {
  const rows = await repo.readRangeRows(readTx(db), deviceId, convId, after, limit);
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
export async function deleteForEveryone(tx: WriteTx, member: Member, convId: string, messageId: string, now: number): Promise<{ seq: number }> {
  await requireMembership(tx, member, convId);
  const row = await repo.findMessageToDelete(tx, convId, messageId);
  if (!row || row.kind === 'sys') throw fail('not_found', 'Message not found.');
  if (row.sender_user_id !== member.userId) throw fail('forbidden', 'Only the sender can delete a message for everyone.');
  if (await repo.isOwedToRetention(tx, convId, row.seq)) {
    await repo.withdrawRecord(tx, convId, row.seq, now);
  } else {
    await repo.deleteRecord(tx, convId, row.seq);
    await releaseFileRefs(tx, [{ conv_id: convId, seq: row.seq }]);
  }
  const seq = await appendSystem(tx, convId, member, { event: 'deleted_message', by: member.userId, messageId }, now);
  // The tombstone is needed only while a copy of the message may be kept: it expires with it.
  if (row.expires_at !== null) await repo.setExpiry(tx, convId, seq, row.expires_at);
  return { seq };
}

/** Read receipts: 1:1 only, only when the network's readReceiptConfig is not DISABLED. */
export async function sendReceipt(tx: WriteTx, member: Member, convId: string, messageIds: string[], policy: Policy, now: number): Promise<{ seq: number }> {
  const me = await requireMembership(tx, member, convId);
  if (me.kind !== 'dm') throw fail('bad_request', 'Read receipts are only for direct messages.');
  await requireFederatedPeers(tx, member, convId);
  if (policy.readReceipts === 'DISABLED') throw fail('policy_violation', 'Read receipts are turned off for your network.');
  const peerStatus = await findPeerReadReceiptStatus(tx, convId, member.userId);
  if (peerStatus === 'DISABLED') throw fail('policy_violation', "Read receipts are turned off for the other member's network.");
  const ids = [...new Set(messageIds)];
  const reported = await repo.expiriesOf(tx, convId, ids);
  const seq = await nextSeq(tx, convId);
  await repo.insertRecord(tx, { conv_id: convId, seq, message_id: `rcpt${seq}`, kind: 'rcpt', sender_user_id: member.userId, sender_device_id: member.deviceId, sent_at: now, expires_at: receiptExpiry(reported, policy, now), bor: null, body: JSON.stringify({ messageIds: ids, state: 'read' }), files: '[]' });
  return { seq };
}

/** Moves a device's cursor forward (never back). */
export async function advanceCursors(tx: WriteTx, entries: readonly { deviceId: string; convId: string; seq: number }[]): Promise<void> {
  for (const e of entries) await advanceCursor(tx, e.deviceId, e.convId, e.seq);
}

/** Drops the file references of deleted records; files nobody references any more become garbage. */
export async function releaseFileRefs(tx: WriteTx, records: readonly { conv_id: string; seq: number }[]): Promise<void> {
  for (const r of records) await deleteFileRefs(tx, r.conv_id, r.seq);
}

/**
 * Deletes what has expired: messages past their expiry timer, and burn-on-read messages every
 * recipient device (every member device but the sending one) has acknowledged; and messages deleted
 * for everyone that were kept for a data retention device, and retired conversations it has read to
 * their end. A message a retention device has not received yet is kept for it. Returns the expired
 * message IDs per conversation (members' devices drop them; withdrawn ones were announced by their
 * tombstone).
 */
export async function collectExpired(tx: WriteTx, now: number, limit = 1000): Promise<Map<string, string[]>> {
  const expired = await repo.listExpired(tx, now, limit);
  const withdrawn = await repo.listWithdrawnDelivered(tx, limit);
  for (const r of withdrawn) await repo.deleteRecord(tx, r.conv_id, r.seq);
  await releaseFileRefs(tx, withdrawn);
  await collectRetired(tx, limit);
  const burned = await repo.listBurned(tx, limit);
  const all = [...expired, ...burned];
  const out = new Map<string, string[]>();
  if (all.length === 0) return out;
  for (const r of all) {
    await repo.deleteRecord(tx, r.conv_id, r.seq);
    const list = out.get(r.conv_id) ?? [];
    if (!list.includes(r.message_id)) list.push(r.message_id);
    out.set(r.conv_id, list);
  }
  await releaseFileRefs(tx, all);
  return out;
}
