// Conversations: direct messages (one per pair of members), group conversations and rooms (name,
// description, moderators, ≤ 500 members). Membership changes are recorded in the conversation's
// own sequence as `sys` records, so every member device sees them in order with the messages.
// Knows who is in a conversation; never what is said.
import { randomBytes } from 'node:crypto';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { MAX_ROOM_MEMBERS, type Conversation, type ConversationKind, type SystemEvent } from '@enclave/protocol';
import type { Database } from '../../infra/schema.js';
import { activeDevices } from './devices.js';
import { fail } from '../../kernel/member-errors.js';
import { resolveUsers } from '../../domain/federation/federation.js';
import type { Member } from './member-auth.js';
import { isRetentionBot, RETENTION_BOT_USER_ID, retentionDevices } from './retention.js';

type Db = Kysely<Database>;

export const newConversationId = () => `c${randomBytes(12).toString('base64url')}`;

export interface MembershipChange {
  convId: string;
  networkId: string;
  added: number[];
  removed: number[];
  deleted: boolean;
  seq: number | undefined;
}

/** Appends a record to a conversation's sequence and returns its number (callers hold a transaction). */
export async function nextSeq(db: Db, convId: string): Promise<number> {
  const row = await db.updateTable('conversations').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('conv_id', '=', convId).returning('last_seq').executeTakeFirst();
  if (!row) throw fail('not_found', 'Conversation not found.');
  return Number(row.last_seq);
}

export async function appendSystem(db: Db, convId: string, member: Pick<Member, 'userId' | 'deviceId'>, event: SystemEvent, now: number): Promise<number> {
  const seq = await nextSeq(db, convId);
  await db
    .insertInto('conv_messages')
    .values({ conv_id: convId, seq, message_id: `sys${seq}`, kind: 'sys', sender_user_id: member.userId, sender_device_id: member.deviceId, sent_at: now, expires_at: null, bor: null, body: JSON.stringify(event), files: '[]' })
    .execute();
  return seq;
}

/** Active devices of users given with their networks (members of a conversation may come from several). */
export async function devicesOfUsers(db: Db, users: ReadonlyMap<number, string>): Promise<Awaited<ReturnType<typeof activeDevices>>> {
  const byNetwork = new Map<string, number[]>();
  for (const [userId, networkId] of users) byNetwork.set(networkId, [...(byNetwork.get(networkId) ?? []), userId]);
  const out: Awaited<ReturnType<typeof activeDevices>> = [];
  for (const [networkId, userIds] of byNetwork) out.push(...(await activeDevices(db, networkId, userIds)));
  return out;
}

/** The retention bots' devices of every network with a member in the conversation (or that created it). */
async function retentionDevicesOf(db: Db, networkIds: Iterable<string>) {
  const out: Awaited<ReturnType<typeof retentionDevices>> = [];
  for (const n of new Set(networkIds)) out.push(...(await retentionDevices(db, n)));
  return out;
}

/** Starts every device of the given users at the conversation's current position. */
async function startCursors(db: Db, convId: string, users: ReadonlyMap<number, string>, seq: number): Promise<void> {
  const devices = await devicesOfUsers(db, users);
  for (let i = 0; i < devices.length; i += 200) {
    await db
      .insertInto('device_cursors')
      .values(devices.slice(i, i + 200).map((d) => ({ device_id: d.deviceId, conv_id: convId, seq })))
      .onConflict((oc) => oc.columns(['device_id', 'conv_id']).doNothing())
      .execute();
  }
}

export async function getConversation(db: Db, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<Conversation> {
  const conv = await db.selectFrom('conversations').selectAll().where('conv_id', '=', convId).executeTakeFirst();
  // A retired conversation (deleted, kept for a retention device) exists for that device only.
  if (!conv || (conv.deleted_at !== null && !isRetentionBot(member))) throw fail('not_found', 'Conversation not found.');
  const members = await db
    .selectFrom('conversation_members as cm')
    .innerJoin('users as u', (j) => j.onRef('u.network_id', '=', 'cm.network_id').onRef('u.user_id', '=', 'cm.user_id'))
    .select(['cm.network_id', 'cm.user_id', 'cm.role', 'u.username', 'u.first_name', 'u.last_name'])
    .where('cm.conv_id', '=', convId)
    .orderBy('cm.joined_at')
    .orderBy('cm.user_id')
    .execute();
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

export async function listConversations(db: Db, member: Pick<Member, 'networkId' | 'userId'>): Promise<Conversation[]> {
  const ids = isRetentionBot(member)
    ? (await networkConversationIds(db, member.networkId)).map((conv_id) => ({ conv_id }))
    : await db.selectFrom('conversation_members').select('conv_id').where('network_id', '=', member.networkId).where('user_id', '=', member.userId).execute();
  const out: Conversation[] = [];
  for (const { conv_id } of ids) out.push(await getConversation(db, member, conv_id));
  return out.sort((a, b) => b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
}

/** Conversations of a network: created there, or with a member of it (federation). */
export async function networkConversationIds(db: Db, networkId: string): Promise<string[]> {
  const own = await db.selectFrom('conversations').select('conv_id').where('network_id', '=', networkId).execute();
  const joined = await db.selectFrom('conversation_members').select('conv_id').distinct().where('network_id', '=', networkId).execute();
  return [...new Set([...own, ...joined].map((r) => r.conv_id))];
}

/** A member of the conversation, or the network's retention bot (which may read, never write). */
export async function requireReader(db: Db, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<void> {
  if (!isRetentionBot(member)) {
    await requireMembership(db, member, convId);
    return;
  }
  const conv = await db.selectFrom('conversations').select('network_id').where('conv_id', '=', convId).executeTakeFirst();
  const ours =
    conv !== undefined &&
    (conv.network_id === member.networkId ||
      (await db.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).where('network_id', '=', member.networkId).executeTakeFirst()) !== undefined);
  if (!ours) throw fail('not_found', 'Conversation not found.');
}

/** Role of a member in a conversation, or throws not_member. */
export async function requireMembership(db: Db, member: Pick<Member, 'networkId' | 'userId'>, convId: string): Promise<{ role: string; kind: ConversationKind; createdBy: number }> {
  const row = await db
    .selectFrom('conversation_members as cm')
    .innerJoin('conversations as c', 'c.conv_id', 'cm.conv_id')
    .select(['cm.role', 'c.kind', 'c.created_by'])
    .where('cm.conv_id', '=', convId)
    .where('cm.network_id', '=', member.networkId)
    .where('cm.user_id', '=', member.userId)
    .executeTakeFirst();
  if (!row) {
    const exists = await db.selectFrom('conversations').select(['conv_id', 'deleted_at']).where('conv_id', '=', convId).executeTakeFirst();
    throw exists && exists.deleted_at === null ? fail('not_member') : fail('not_found', 'Conversation not found.');
  }
  return { role: row.role, kind: row.kind as ConversationKind, createdBy: row.created_by };
}

export async function createConversation(
  db: Db,
  member: Member,
  req: { kind: ConversationKind; name?: string | undefined; description?: string | undefined; members: number[] },
  now: number,
): Promise<{ conversation: Conversation; change: MembershipChange | undefined }> {
  const others = [...new Set(req.members)].filter((u) => u !== member.userId);
  if (req.kind === 'dm') {
    if (others.length !== 1) throw fail('bad_request', 'A direct message has exactly one other member.', [{ field: 'members', reason: 'exactly one user ID' }]);
    const users = await resolveUsers(db, member, others);
    const peer = others[0]!;
    const peerNetwork = users.get(peer)!;
    // User IDs are unique across networks: a DM across networks has one key whoever opens it.
    const dmKey = `${peerNetwork === member.networkId ? member.networkId : 'fed'}:${Math.min(member.userId, peer)}:${Math.max(member.userId, peer)}`;
    const existing = await db.selectFrom('conversations').select('conv_id').where('dm_key', '=', dmKey).executeTakeFirst();
    if (existing) return { conversation: await getConversation(db, member, existing.conv_id), change: undefined };
    return insertConversation(db, member, { kind: 'dm', name: '', description: '', members: users, dmKey }, now);
  }
  if (others.length + 1 > MAX_ROOM_MEMBERS) throw fail('room_full');
  if (req.kind === 'room' && !req.name?.trim()) throw fail('bad_request', 'A room needs a name.', [{ field: 'name', reason: 'required for rooms' }]);
  const users = await resolveUsers(db, member, others);
  return insertConversation(db, member, { kind: req.kind, name: req.name?.trim() ?? '', description: req.description?.trim() ?? '', members: users, dmKey: null }, now);
}

async function insertConversation(db: Db, member: Member, c: { kind: ConversationKind; name: string; description: string; members: Map<number, string>; dmKey: string | null }, now: number) {
  const convId = newConversationId();
  await db.insertInto('conversations').values({ conv_id: convId, network_id: member.networkId, kind: c.kind, name: c.name, description: c.description, created_by: member.userId, created_at: now, last_seq: 0, dm_key: c.dmKey }).execute();
  const users = new Map([[member.userId, member.networkId], ...c.members]);
  const all = [...users.keys()];
  await db
    .insertInto('conversation_members')
    .values(all.map((u) => ({ conv_id: convId, network_id: users.get(u)!, user_id: u, role: c.kind === 'room' && u === member.userId ? 'moderator' : 'member', joined_at: now })))
    .execute();
  await startCursors(db, convId, users, 0);
  for (const d of await retentionDevicesOf(db, users.values())) await db.insertInto('device_cursors').values({ device_id: d.deviceId, conv_id: convId, seq: 0 }).onConflict((oc) => oc.columns(['device_id', 'conv_id']).doNothing()).execute();
  const seq = await appendSystem(db, convId, member, { event: 'created', by: member.userId, members: all }, now);
  return { conversation: await getConversation(db, member, convId), change: { convId, networkId: member.networkId, added: all, removed: [], deleted: false, seq } };
}

export async function updateConversation(
  db: Db,
  member: Member,
  convId: string,
  req: { name?: string | undefined; description?: string | undefined; addMembers?: number[] | undefined; removeMembers?: number[] | undefined; addModerators?: number[] | undefined; removeModerators?: number[] | undefined },
  now: number,
): Promise<{ conversation: Conversation; change: MembershipChange }> {
  const me = await requireMembership(db, member, convId);
  if (me.kind === 'dm') throw fail('bad_request', 'A direct message cannot be renamed or change members.');
  const isModerator = me.role === 'moderator';
  const changesModeration = (req.addModerators?.length ?? 0) + (req.removeModerators?.length ?? 0) > 0;
  if (me.kind === 'room' && !isModerator) throw fail('not_moderator');
  if (me.kind === 'group' && (req.removeMembers?.length ?? 0) > 0 && me.createdBy !== member.userId) throw fail('forbidden', 'Only the creator of a group conversation can remove members.');
  if (me.kind === 'group' && changesModeration) throw fail('bad_request', 'Group conversations have no moderators; use a room.');
  const current = await db.selectFrom('conversation_members').select(['user_id', 'role']).where('conv_id', '=', convId).execute();
  const currentIds = new Set(current.map((c) => c.user_id));
  const add = [...new Set(req.addMembers ?? [])].filter((u) => !currentIds.has(u));
  const remove = [...new Set(req.removeMembers ?? [])].filter((u) => currentIds.has(u));
  if (currentIds.size + add.length - remove.length > MAX_ROOM_MEMBERS) throw fail('room_full');
  const addUsers = await resolveUsers(db, member, add);
  if (req.name !== undefined || req.description !== undefined) {
    const name = req.name?.trim();
    if (name !== undefined && name.length === 0) throw fail('bad_request', 'A room needs a name.', [{ field: 'name', reason: 'must not be empty' }]);
    await db.updateTable('conversations').set({ ...(name !== undefined ? { name } : {}), ...(req.description !== undefined ? { description: req.description.trim() } : {}) }).where('conv_id', '=', convId).execute();
    await appendSystem(db, convId, member, { event: 'updated', by: member.userId, ...(name !== undefined ? { name } : {}), ...(req.description !== undefined ? { description: req.description.trim() } : {}) }, now);
  }
  let seq: number | undefined;
  if (add.length > 0) {
    await db.insertInto('conversation_members').values(add.map((u) => ({ conv_id: convId, network_id: addUsers.get(u)!, user_id: u, role: 'member', joined_at: now }))).execute();
    const last = await db.selectFrom('conversations').select('last_seq').where('conv_id', '=', convId).executeTakeFirstOrThrow();
    await startCursors(db, convId, addUsers, last.last_seq);
    // A member of a network with data retention on brings that network's retention bot along.
    for (const d of await retentionDevicesOf(db, addUsers.values())) {
      await db.insertInto('device_cursors').values({ device_id: d.deviceId, conv_id: convId, seq: last.last_seq }).onConflict((oc) => oc.columns(['device_id', 'conv_id']).doNothing()).execute();
    }
    seq = await appendSystem(db, convId, member, { event: 'members_added', by: member.userId, members: add }, now);
  }
  if (remove.length > 0) {
    await removeMembers(db, convId, remove);
    seq = await appendSystem(db, convId, member, { event: 'members_removed', by: member.userId, members: remove }, now);
  }
  if (changesModeration) {
    const members = new Set((await db.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).execute()).map((r) => r.user_id));
    const addM = [...new Set(req.addModerators ?? [])];
    const removeM = [...new Set(req.removeModerators ?? [])];
    const notMembers = [...addM, ...removeM].filter((u) => !members.has(u));
    if (notMembers.length > 0) throw fail('bad_request', `Not a member of this room: ${notMembers.join(', ')}.`);
    if (addM.length > 0) await db.updateTable('conversation_members').set({ role: 'moderator' }).where('conv_id', '=', convId).where('user_id', 'in', addM).execute();
    if (removeM.length > 0) await db.updateTable('conversation_members').set({ role: 'member' }).where('conv_id', '=', convId).where('user_id', 'in', removeM).execute();
    const mods = await db.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).where('role', '=', 'moderator').execute();
    if (mods.length === 0) throw fail('bad_request', 'A room needs at least one moderator.');
    await appendSystem(db, convId, member, { event: 'moderators', by: member.userId, added: addM, removed: removeM }, now);
  }
  const conversation = await getConversation(db, member, convId);
  return { conversation, change: { convId, networkId: member.networkId, added: add, removed: remove, deleted: false, seq: seq ?? conversation.lastSeq } };
}

/**
 * Removes members and stops delivery to all their devices. User IDs are unique across networks, so a
 * member of another network (federation) is removed by its ID as well.
 */
export async function removeMembers(db: Db, convId: string, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await db.selectFrom('conversation_members').select(['network_id', 'user_id']).where('conv_id', '=', convId).where('user_id', 'in', [...userIds]).execute();
  if (rows.length === 0) return;
  await db.deleteFrom('conversation_members').where('conv_id', '=', convId).where('user_id', 'in', [...userIds]).execute();
  const devices = await db
    .selectFrom('device_keys')
    .select('device_id')
    .where('user_id', 'in', rows.map((r) => r.user_id))
    .where('network_id', 'in', [...new Set(rows.map((r) => r.network_id))])
    .execute();
  if (devices.length > 0) await db.deleteFrom('device_cursors').where('conv_id', '=', convId).where('device_id', 'in', devices.map((d) => d.device_id)).execute();
}

/**
 * A member leaves (or is removed by a full account reset). A room whose last moderator leaves gets the
 * longest-standing member as moderator; a conversation nobody is left in is deleted.
 */
export async function leaveConversation(db: Db, member: Pick<Member, 'networkId' | 'userId' | 'deviceId'>, convId: string, now: number): Promise<MembershipChange> {
  const me = await requireMembership(db, member, convId);
  await removeMembers(db, convId, [member.userId]);
  const left = await db.selectFrom('conversation_members').select(['user_id', 'role']).where('conv_id', '=', convId).orderBy('joined_at').orderBy('user_id').execute();
  if (left.length === 0) {
    await removeConversation(db, convId, now);
    return { convId, networkId: member.networkId, added: [], removed: [member.userId], deleted: true, seq: undefined };
  }
  if (me.kind === 'room' && !left.some((m) => m.role === 'moderator')) {
    await db.updateTable('conversation_members').set({ role: 'moderator' }).where('conv_id', '=', convId).where('user_id', '=', left[0]!.user_id).execute();
  }
  const seq = await appendSystem(db, convId, member, { event: 'left', by: member.userId }, now);
  return { convId, networkId: member.networkId, added: [], removed: [member.userId], deleted: false, seq };
}

/** Deletes a room (a moderator) or a group conversation (its creator) with all its messages. */
export async function deleteConversation(db: Db, member: Member, convId: string, now: number): Promise<MembershipChange> {
  const me = await requireMembership(db, member, convId);
  if (me.kind === 'room' && me.role !== 'moderator') throw fail('not_moderator');
  if (me.kind === 'group' && me.createdBy !== member.userId) throw fail('forbidden', 'Only the creator of a group conversation can delete it.');
  if (me.kind === 'dm') throw fail('bad_request', 'A direct message cannot be deleted for everyone; leave it instead.');
  const members = await db.selectFrom('conversation_members').select('user_id').where('conv_id', '=', convId).execute();
  await removeConversation(db, convId, now);
  return { convId, networkId: member.networkId, added: [], removed: members.map((m) => m.user_id), deleted: true, seq: undefined };
}

/**
 * A data retention device's cursor in the conversation `conv` is before `seq` (it has not received
 * that record): SQL over column references (e.g. `m.conv_id`, `m.seq`) or values.
 */
export function retentionBehind(conv: string | Expression<string>, seq: number | Expression<number>) {
  const ref = <T,>(v: T | Expression<T>) => (typeof v === 'object' ? v : sql.val(v));
  return sql<SqlBool>`exists (select 1 from device_cursors c inner join device_keys k on k.device_id = c.device_id where c.conv_id = ${ref(conv)} and c.seq < ${ref(seq)} and k.user_id = ${RETENTION_BOT_USER_ID})`;
}

/**
 * Deletes a conversation (deleted for everyone, or nobody is left in it) with all its messages. While
 * a data retention device has not read it to its end, it is retired instead: no members and no
 * members' cursors (members see it gone), no DM key (a new DM of the same two is a new conversation),
 * still read by the retention device; collectRetired deletes it once every retention device is past
 * its last record.
 */
export async function removeConversation(db: Db, convId: string, now: number): Promise<void> {
  const conv = await db.selectFrom('conversations').select('last_seq').where('conv_id', '=', convId).executeTakeFirst();
  if (!conv) return;
  const { behind } = await db.selectNoFrom(retentionBehind(convId, conv.last_seq).as('behind')).executeTakeFirstOrThrow();
  if (!behind) {
    await db.deleteFrom('conversations').where('conv_id', '=', convId).execute();
    return;
  }
  await db.deleteFrom('conversation_members').where('conv_id', '=', convId).execute();
  const retentionDevices = db.selectFrom('device_keys').select('device_id').where('user_id', '=', RETENTION_BOT_USER_ID);
  await db.deleteFrom('device_cursors').where('conv_id', '=', convId).where('device_id', 'not in', retentionDevices).execute();
  await db.updateTable('conversations').set({ deleted_at: now, dm_key: null }).where('conv_id', '=', convId).execute();
}

/** Deletes retired conversations every retention device has read to the end (the expiry job). */
export async function collectRetired(db: Db, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations as v')
    .select('v.conv_id')
    .where('v.deleted_at', 'is not', null)
    .where(sql<SqlBool>`not ${retentionBehind(sql.ref('v.conv_id'), sql.ref('v.last_seq'))}`)
    .limit(limit)
    .execute();
  for (const r of rows) await db.deleteFrom('conversations').where('conv_id', '=', r.conv_id).execute();
  return rows.map((r) => r.conv_id);
}

/**
 * Every device a sender encrypts to: active devices of every member, and the retention bot's while
 * retention is on. A retention device also gets the devices that sent what it has not received yet
 * (a member who left since, a retired conversation): it verifies and decrypts their messages.
 */
export async function conversationDevices(db: Db, member: Pick<Member, 'networkId' | 'userId' | 'deviceId'>, convId: string) {
  await requireReader(db, member, convId);
  const conv = await db.selectFrom('conversations').select('network_id').where('conv_id', '=', convId).executeTakeFirstOrThrow();
  const members = await db.selectFrom('conversation_members').select(['network_id', 'user_id']).where('conv_id', '=', convId).execute();
  const users = new Map(members.map((m) => [m.user_id, m.network_id]));
  const devices = [...(await devicesOfUsers(db, users)), ...(await retentionDevicesOf(db, [conv.network_id, ...users.values()]))];
  if (!isRetentionBot(member)) return devices;
  const known = new Set(devices.map((d) => d.deviceId));
  return [...devices, ...(await sendersAfterCursor(db, convId, member.deviceId)).filter((d) => !known.has(d.deviceId))];
}

/** Devices that sent the records after a device's cursor (the ones it has still to receive). */
async function sendersAfterCursor(db: Db, convId: string, deviceId: string) {
  const cursor = await db.selectFrom('device_cursors').select('seq').where('device_id', '=', deviceId).where('conv_id', '=', convId).executeTakeFirst();
  if (!cursor) return [];
  const rows = await db
    .selectFrom('conv_messages as m')
    .innerJoin('device_keys as k', 'k.device_id', 'm.sender_device_id')
    .select(['k.user_id', 'k.device_id', 'k.identity_sign_pub', 'k.identity_dh_pub'])
    .distinct()
    .where('m.conv_id', '=', convId)
    .where('m.seq', '>', cursor.seq)
    .where('m.kind', 'in', ['pw', 'sk'])
    .execute();
  return rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, identitySignPub: r.identity_sign_pub, identityDhPub: r.identity_dh_pub }));
}

/**
 * Removes users from every conversation they are in (an administrator deleted them): each
 * conversation records the removal; a conversation nobody is left in is deleted.
 */
export async function removeUsersEverywhere(db: Db, networkId: string, userIds: readonly number[], now: number): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await db.selectFrom('conversation_members').select(['conv_id', 'user_id']).where('network_id', '=', networkId).where('user_id', 'in', [...userIds]).execute();
  const byConv = new Map<string, number[]>();
  for (const r of rows) byConv.set(r.conv_id, [...(byConv.get(r.conv_id) ?? []), r.user_id]);
  for (const [convId, users] of byConv) {
    await removeMembers(db, convId, users);
    const left = await db.selectFrom('conversation_members').select(['user_id', 'role']).where('conv_id', '=', convId).orderBy('joined_at').orderBy('user_id').execute();
    if (left.length === 0) {
      await removeConversation(db, convId, now);
      continue;
    }
    const conv = await db.selectFrom('conversations').select('kind').where('conv_id', '=', convId).executeTakeFirstOrThrow();
    if (conv.kind === 'room' && !left.some((m) => m.role === 'moderator')) {
      await db.updateTable('conversation_members').set({ role: 'moderator' }).where('conv_id', '=', convId).where('user_id', '=', left[0]!.user_id).execute();
    }
    await appendSystem(db, convId, { userId: 0, deviceId: 'admin' }, { event: 'members_removed', by: 0, members: users }, now);
  }
}

/**
 * Records in each of a user's conversations that the user's devices changed (a device added,
 * approved, signed out or reset), so senders refresh the device list they encrypt to. Returns the
 * records' sequence numbers, to announce after commit.
 */
export async function recordDevicesChanged(db: Db, networkId: string, userId: number, now: number): Promise<{ convId: string; seq: number }[]> {
  const convs = await db.selectFrom('conversation_members').select('conv_id').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  const out: { convId: string; seq: number }[] = [];
  for (const { conv_id } of convs) out.push({ convId: conv_id, seq: await appendSystem(db, conv_id, { userId, deviceId: 'server' }, { event: 'devices_changed', userId }, now) });
  return out;
}
