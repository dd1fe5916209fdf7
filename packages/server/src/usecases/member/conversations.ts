// Conversations: direct messages (one per pair of members), group conversations and rooms (name,
// description, moderators, ≤ 500 members). Membership changes are recorded in the conversation's
// own sequence as `sys` records, so every member device sees them in order with the messages, and
// announced after commit (members-changed). Knows who is in a conversation; never what is said.
import { randomBytes } from 'node:crypto';
import { MAX_ROOM_MEMBERS, type Conversation, type ConversationKind, type SystemEvent } from '@enclave/protocol';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import * as repo from '../../domain/conversations/repo.js';
import { insertRecord, sendersAfter } from '../../domain/messages/repo.js';
import { isRetentionBot } from '../../domain/retention/rules.js';
import { deviceIdsOfUsers, type DeviceIdentity } from '../../domain/devices/repo.js';
import type { DomainEvent, DomainEvents } from '../../kernel/events.js';
import { fail } from '../../kernel/member-errors.js';
import { activeDevices } from './devices.js';
import { resolveUsers } from './federation.js';
import type { Member } from './member-auth.js';
import { retentionDevicesOf } from './retention-devices.js';

export const newConversationId = () => `c${randomBytes(12).toString('base64url')}`;

/** A change of who is in a conversation, announced after commit. */
export type MembershipChange = Omit<Extract<DomainEvent, { type: 'members-changed' }>, 'type'>;

const membersChanged = (change: MembershipChange): DomainEvent => ({ type: 'members-changed', ...change });

/** Appends a record to a conversation's sequence and returns its number (callers hold a transaction). */
export async function nextSeq(tx: WriteTx, convId: string): Promise<number> {
  const seq = await repo.bumpSeq(tx, convId);
  if (seq === undefined) throw fail('not_found', 'Conversation not found.');
  return seq;
}

export async function appendSystem(tx: WriteTx, convId: string, member: Pick<Member, 'userId' | 'deviceId'>, event: SystemEvent, now: number): Promise<number> {
  const seq = await nextSeq(tx, convId);
  await insertRecord(tx, { conv_id: convId, seq, message_id: `sys${seq}`, kind: 'sys', sender_user_id: member.userId, sender_device_id: member.deviceId, sent_at: now, expires_at: null, bor: null, body: JSON.stringify(event), files: '[]' });
  return seq;
}

/** Active devices of users given with their networks (members of a conversation may come from several). */
export async function devicesOfUsers(tx: ReadTx, users: ReadonlyMap<number, string>): Promise<DeviceIdentity[]> {
  const byNetwork = new Map<string, number[]>();
  for (const [userId, networkId] of users) byNetwork.set(networkId, [...(byNetwork.get(networkId) ?? []), userId]);
  const out: DeviceIdentity[] = [];
  for (const [networkId, userIds] of byNetwork) out.push(...(await activeDevices(tx, networkId, userIds)));
  return out;
}

/** Starts every device of the given users at the conversation's current position. */
async function startCursors(tx: WriteTx, convId: string, users: ReadonlyMap<number, string>, seq: number): Promise<void> {
  const devices = await devicesOfUsers(tx, users);
  await repo.insertCursorsIfAbsent(tx, devices.map((d) => ({ device_id: d.deviceId, conv_id: convId, seq })));
}

/** Starts the retention devices of these networks at `seq` (one insert per device). */
async function startRetentionCursors(tx: WriteTx, convId: string, networkIds: Iterable<string>, seq: number): Promise<void> {
  for (const d of await retentionDevicesOf(tx, networkIds)) await repo.insertCursorsIfAbsent(tx, [{ device_id: d.deviceId, conv_id: convId, seq }]);
}

export async function getConversation(tx: ReadTx, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<Conversation> {
  const conv = await repo.findConversation(tx, convId);
  // A retired conversation (deleted, kept for a retention device) exists for that device only.
  if (!conv || (conv.deleted_at !== null && !isRetentionBot(member))) throw fail('not_found', 'Conversation not found.');
  const members = await repo.listMembersWithNames(tx, convId);
  // The retention bot reads every conversation of its network (created there or with a member of it); it is a member of none.
  const reader = isRetentionBot(member)
    ? conv.network_id === member.networkId || members.some((m) => m.network_id === member.networkId)
    : members.some((m) => m.user_id === member.userId && m.network_id === member.networkId);
  if (!reader) throw conv.network_id === member.networkId || members.some((m) => m.network_id === member.networkId) ? fail('not_member') : fail('not_found', 'Conversation not found.');
  return {
    id: conv.conv_id,
    kind: conv.kind as ConversationKind,
    name: conv.name,
    description: conv.description,
    members: members.map((m) => ({ userId: m.user_id, email: m.username, firstName: m.first_name, lastName: m.last_name, networkId: m.network_id, role: m.role === 'moderator' ? 'moderator' : 'member' })),
    lastSeq: conv.last_seq,
    createdAt: conv.created_at,
    createdBy: conv.created_by,
  };
}

export async function listConversations(tx: ReadTx, member: Pick<Member, 'networkId' | 'userId'>): Promise<Conversation[]> {
  const ids = isRetentionBot(member) ? await networkConversationIds(tx, member.networkId) : await repo.memberConversationIds(tx, member.networkId, member.userId);
  const out: Conversation[] = [];
  for (const convId of ids) out.push(await getConversation(tx, member, convId));
  return out.sort((a, b) => b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
}

/** Conversations of a network: created there, or with a member of it (federation). */
export async function networkConversationIds(tx: ReadTx, networkId: string): Promise<string[]> {
  const own = await repo.conversationIdsCreatedIn(tx, networkId);
  const joined = await repo.conversationIdsWithMembersOf(tx, networkId);
  return [...new Set([...own, ...joined])];
}

/** A member of the conversation, or the network's retention bot (which may read, never write). */
export async function requireReader(tx: ReadTx, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<void> {
  if (!isRetentionBot(member)) {
    await requireMembership(tx, member, convId);
    return;
  }
  const networkId = await repo.findConversationNetwork(tx, convId);
  const ours = networkId !== undefined && (networkId === member.networkId || (await repo.hasMemberOfNetwork(tx, convId, member.networkId)));
  if (!ours) throw fail('not_found', 'Conversation not found.');
}

/** Role of a member in a conversation, or throws not_member. */
export async function requireMembership(tx: ReadTx, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<{ role: string; kind: ConversationKind; createdBy: number }> {
  const row = await repo.findMembership(tx, convId, member);
  if (!row) {
    const exists = await repo.findConversationState(tx, convId);
    throw exists && exists.deleted_at === null ? fail('not_member') : fail('not_found', 'Conversation not found.');
  }
  return { role: row.role, kind: row.kind as ConversationKind, createdBy: row.created_by };
}

/** Creates a conversation (a DM that exists already is answered as it is: `created` false). */
export async function createConversation(
  tx: WriteTx,
  events: DomainEvents,
  member: Member,
  req: { kind: ConversationKind; name?: string | undefined; description?: string | undefined; members: number[] },
  now: number,
): Promise<{ conversation: Conversation; created: boolean }> {
  const others = [...new Set(req.members)].filter((u) => u !== member.userId);
  if (req.kind === 'dm') {
    if (others.length !== 1) throw fail('bad_request', 'A direct message has exactly one other member.', [{ field: 'members', reason: 'exactly one user ID' }]);
    const users = await resolveUsers(tx, member, others);
    const peer = others[0]!;
    const peerNetwork = users.get(peer)!;
    // User IDs are unique across networks: a DM across networks has one key whoever opens it.
    const dmKey = `${peerNetwork === member.networkId ? member.networkId : 'fed'}:${Math.min(member.userId, peer)}:${Math.max(member.userId, peer)}`;
    const existing = await repo.findDmConversationId(tx, dmKey);
    if (existing) return { conversation: await getConversation(tx, member, existing), created: false };
    return insertConversation(tx, events, member, { kind: 'dm', name: '', description: '', members: users, dmKey }, now);
  }
  if (others.length + 1 > MAX_ROOM_MEMBERS) throw fail('room_full');
  if (req.kind === 'room' && !req.name?.trim()) throw fail('bad_request', 'A room needs a name.', [{ field: 'name', reason: 'required for rooms' }]);
  const users = await resolveUsers(tx, member, others);
  return insertConversation(tx, events, member, { kind: req.kind, name: req.name?.trim() ?? '', description: req.description?.trim() ?? '', members: users, dmKey: null }, now);
}

async function insertConversation(
  tx: WriteTx,
  events: DomainEvents,
  member: Member,
  c: { kind: ConversationKind; name: string; description: string; members: Map<number, string>; dmKey: string | null },
  now: number,
): Promise<{ conversation: Conversation; created: true }> {
  const convId = newConversationId();
  await repo.insertConversation(tx, { conv_id: convId, network_id: member.networkId, kind: c.kind, name: c.name, description: c.description, created_by: member.userId, created_at: now, last_seq: 0, dm_key: c.dmKey });
  const users = new Map([[member.userId, member.networkId], ...c.members]);
  const all = [...users.keys()];
  await repo.insertMembers(tx, all.map((u) => ({ conv_id: convId, network_id: users.get(u)!, user_id: u, role: c.kind === 'room' && u === member.userId ? 'moderator' : 'member', joined_at: now })));
  await startCursors(tx, convId, users, 0);
  await startRetentionCursors(tx, convId, users.values(), 0);
  const seq = await appendSystem(tx, convId, member, { event: 'created', by: member.userId, members: all }, now);
  const conversation = await getConversation(tx, member, convId);
  events.emit(membersChanged({ convId, networkId: member.networkId, added: all, removed: [], deleted: false, seq }));
  return { conversation, created: true };
}

export async function updateConversation(
  tx: WriteTx,
  events: DomainEvents,
  member: Member,
  convId: string,
  req: { name?: string | undefined; description?: string | undefined; addMembers?: number[] | undefined; removeMembers?: number[] | undefined; addModerators?: number[] | undefined; removeModerators?: number[] | undefined },
  now: number,
): Promise<Conversation> {
  const me = await requireMembership(tx, member, convId);
  if (me.kind === 'dm') throw fail('bad_request', 'A direct message cannot be renamed or change members.');
  const isModerator = me.role === 'moderator';
  const changesModeration = (req.addModerators?.length ?? 0) + (req.removeModerators?.length ?? 0) > 0;
  if (me.kind === 'room' && !isModerator) throw fail('not_moderator');
  if (me.kind === 'group' && (req.removeMembers?.length ?? 0) > 0 && me.createdBy !== member.userId) throw fail('forbidden', 'Only the creator of a group conversation can remove members.');
  if (me.kind === 'group' && changesModeration) throw fail('bad_request', 'Group conversations have no moderators; use a room.');
  const current = await repo.listMemberRoles(tx, convId);
  const currentIds = new Set(current.map((c) => c.user_id));
  const add = [...new Set(req.addMembers ?? [])].filter((u) => !currentIds.has(u));
  const remove = [...new Set(req.removeMembers ?? [])].filter((u) => currentIds.has(u));
  if (currentIds.size + add.length - remove.length > MAX_ROOM_MEMBERS) throw fail('room_full');
  const addUsers = await resolveUsers(tx, member, add);
  if (req.name !== undefined || req.description !== undefined) {
    const name = req.name?.trim();
    if (name !== undefined && name.length === 0) throw fail('bad_request', 'A room needs a name.', [{ field: 'name', reason: 'must not be empty' }]);
    await repo.updateConversationDetails(tx, convId, { ...(name !== undefined ? { name } : {}), ...(req.description !== undefined ? { description: req.description.trim() } : {}) });
    await appendSystem(tx, convId, member, { event: 'updated', by: member.userId, ...(name !== undefined ? { name } : {}), ...(req.description !== undefined ? { description: req.description.trim() } : {}) }, now);
  }
  let seq: number | undefined;
  if (add.length > 0) {
    await repo.insertMembers(tx, add.map((u) => ({ conv_id: convId, network_id: addUsers.get(u)!, user_id: u, role: 'member', joined_at: now })));
    const last = await repo.lastSeqOf(tx, convId);
    await startCursors(tx, convId, addUsers, last);
    // A member of a network with data retention on brings that network's retention bot along.
    await startRetentionCursors(tx, convId, addUsers.values(), last);
    seq = await appendSystem(tx, convId, member, { event: 'members_added', by: member.userId, members: add }, now);
  }
  if (remove.length > 0) {
    await removeMembers(tx, convId, remove);
    seq = await appendSystem(tx, convId, member, { event: 'members_removed', by: member.userId, members: remove }, now);
  }
  if (changesModeration) {
    const members = new Set(await repo.listMemberIds(tx, convId));
    const addM = [...new Set(req.addModerators ?? [])];
    const removeM = [...new Set(req.removeModerators ?? [])];
    const notMembers = [...addM, ...removeM].filter((u) => !members.has(u));
    if (notMembers.length > 0) throw fail('bad_request', `Not a member of this room: ${notMembers.join(', ')}.`);
    if (addM.length > 0) await repo.setMembersRole(tx, convId, addM, 'moderator');
    if (removeM.length > 0) await repo.setMembersRole(tx, convId, removeM, 'member');
    const mods = await repo.listModeratorIds(tx, convId);
    if (mods.length === 0) throw fail('bad_request', 'A room needs at least one moderator.');
    await appendSystem(tx, convId, member, { event: 'moderators', by: member.userId, added: addM, removed: removeM }, now);
  }
  const conversation = await getConversation(tx, member, convId);
  events.emit(membersChanged({ convId, networkId: member.networkId, added: add, removed: remove, deleted: false, seq: seq ?? conversation.lastSeq }));
  return conversation;
}

/**
 * Removes members and stops delivery to all their devices. User IDs are unique across networks, so a
 * member of another network (federation) is removed by its ID as well.
 */
export async function removeMembers(tx: WriteTx, convId: string, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await repo.findMembersAmong(tx, convId, userIds);
  if (rows.length === 0) return;
  await repo.deleteMembers(tx, convId, userIds);
  const devices = await deviceIdsOfUsers(tx, rows.map((r) => r.user_id), [...new Set(rows.map((r) => r.network_id))]);
  if (devices.length > 0) await repo.deleteCursorsInConversation(tx, convId, devices);
}

/**
 * A member leaves (or is removed by a full account reset). A room whose last moderator leaves gets the
 * longest-standing member as moderator; a conversation nobody is left in is deleted.
 */
export async function leaveConversation(tx: WriteTx, events: DomainEvents, member: Pick<Member, 'networkId' | 'userId' | 'deviceId'>, convId: string, now: number): Promise<void> {
  const me = await requireMembership(tx, member, convId);
  await removeMembers(tx, convId, [member.userId]);
  const left = await repo.listMembersBySeniority(tx, convId);
  if (left.length === 0) {
    await removeConversation(tx, convId, now);
    events.emit(membersChanged({ convId, networkId: member.networkId, added: [], removed: [member.userId], deleted: true, seq: undefined }));
    return;
  }
  if (me.kind === 'room' && !left.some((m) => m.role === 'moderator')) await repo.promoteToModerator(tx, convId, left[0]!.user_id);
  const seq = await appendSystem(tx, convId, member, { event: 'left', by: member.userId }, now);
  events.emit(membersChanged({ convId, networkId: member.networkId, added: [], removed: [member.userId], deleted: false, seq }));
}

/** Deletes a room (a moderator) or a group conversation (its creator) with all its messages. */
export async function deleteConversation(tx: WriteTx, events: DomainEvents, member: Member, convId: string, now: number): Promise<void> {
  const me = await requireMembership(tx, member, convId);
  if (me.kind === 'room' && me.role !== 'moderator') throw fail('not_moderator');
  if (me.kind === 'group' && me.createdBy !== member.userId) throw fail('forbidden', 'Only the creator of a group conversation can delete it.');
  if (me.kind === 'dm') throw fail('bad_request', 'A direct message cannot be deleted for everyone; leave it instead.');
  const members = await repo.listMemberIds(tx, convId);
  await removeConversation(tx, convId, now);
  events.emit(membersChanged({ convId, networkId: member.networkId, added: [], removed: members, deleted: true, seq: undefined }));
}

/**
 * Deletes a conversation (deleted for everyone, or nobody is left in it) with all its messages. While
 * a data retention device has not read it to its end, it is retired instead: no members and no
 * members' cursors (members see it gone), no DM key (a new DM of the same two is a new conversation),
 * still read by the retention device; collectRetired deletes it once every retention device is past
 * its last record.
 */
export async function removeConversation(tx: WriteTx, convId: string, now: number): Promise<void> {
  const lastSeq = await repo.findLastSeq(tx, convId);
  if (lastSeq === undefined) return;
  if (!(await repo.isRetentionBehind(tx, convId, lastSeq))) {
    await repo.deleteConversation(tx, convId);
    return;
  }
  await repo.deleteAllMembers(tx, convId);
  await repo.deleteMemberCursors(tx, convId);
  await repo.markRetired(tx, convId, now);
}

/** Deletes retired conversations every retention device has read to the end (the expiry job). */
export async function collectRetired(tx: WriteTx, limit = 100): Promise<string[]> {
  const ids = await repo.listRetiredReadToEnd(tx, limit);
  for (const convId of ids) await repo.deleteConversation(tx, convId);
  return ids;
}

/**
 * Every device a sender encrypts to: active devices of every member, and the retention bot's while
 * retention is on. A retention device also gets the devices that sent what it has not received yet
 * (a member who left since, a retired conversation): it verifies and decrypts their messages.
 */
export async function conversationDevices(tx: ReadTx, member: Pick<Member, 'networkId' | 'userId' | 'deviceId'>, convId: string): Promise<DeviceIdentity[]> {
  await requireReader(tx, member, convId);
  const convNetwork = await repo.conversationNetwork(tx, convId);
  const members = await repo.listMembers(tx, convId);
  const users = new Map(members.map((m) => [m.user_id, m.network_id]));
  const devices = [...(await devicesOfUsers(tx, users)), ...(await retentionDevicesOf(tx, [convNetwork, ...users.values()]))];
  if (!isRetentionBot(member)) return devices;
  const known = new Set(devices.map((d) => d.deviceId));
  return [...devices, ...(await sendersAfterCursor(tx, convId, member.deviceId)).filter((d) => !known.has(d.deviceId))];
}

/** Devices that sent the records after a device's cursor (the ones it has still to receive). */
async function sendersAfterCursor(tx: ReadTx, convId: string, deviceId: string): Promise<DeviceIdentity[]> {
  const cursor = await repo.findCursor(tx, deviceId, convId);
  if (cursor === undefined) return [];
  const rows = await sendersAfter(tx, convId, cursor);
  return rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, identitySignPub: r.identity_sign_pub, identityDhPub: r.identity_dh_pub }));
}

/**
 * Removes users from every conversation they are in (an administrator deleted them): each
 * conversation records the removal; a conversation nobody is left in is deleted.
 */
export async function removeUsersEverywhere(tx: WriteTx, networkId: string, userIds: readonly number[], now: number): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await repo.membershipsOfUsers(tx, networkId, userIds);
  const byConv = new Map<string, number[]>();
  for (const r of rows) byConv.set(r.conv_id, [...(byConv.get(r.conv_id) ?? []), r.user_id]);
  for (const [convId, users] of byConv) {
    await removeMembers(tx, convId, users);
    const left = await repo.listMembersBySeniority(tx, convId);
    if (left.length === 0) {
      await removeConversation(tx, convId, now);
      continue;
    }
    const kind = await repo.conversationKind(tx, convId);
    if (kind === 'room' && !left.some((m) => m.role === 'moderator')) await repo.promoteToModerator(tx, convId, left[0]!.user_id);
    await appendSystem(tx, convId, { userId: 0, deviceId: 'admin' }, { event: 'members_removed', by: 0, members: users }, now);
  }
}

/**
 * Records in each of a user's conversations that the user's devices changed (a device added,
 * approved, signed out or reset), so senders refresh the device list they encrypt to. Returns the
 * records' sequence numbers, to announce after commit (records-added).
 */
export async function recordDevicesChanged(tx: WriteTx, networkId: string, userId: number, now: number): Promise<{ convId: string; seq: number }[]> {
  const convs = await repo.memberConversationIds(tx, networkId, userId);
  const out: { convId: string; seq: number }[] = [];
  for (const convId of convs) out.push({ convId, seq: await appendSystem(tx, convId, { userId, deviceId: 'server' }, { event: 'devices_changed', userId }, now) });
  return out;
}
