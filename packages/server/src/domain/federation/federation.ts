// Local federation and the classification boundary (docs/messaging.md "Federation"). Every network
// of this server is in the server's region, so the guide's local federation (本機聯合) is what
// applies between them: a member may talk to a member of another network when BOTH members'
// security groups allow it: federationMode 1 (all networks in the region), or 2 (restricted) with
// the other network in permittedNetworks. Global federation and guest users concern other regions
// and Wickr's guest accounts, which have no accounts on this server.
//
// The classification boundary (GovCloud 跨邊界分類) of a network is GOVCLOUD or COMMERCIAL: the
// administrator's choice (UpdateNetworkSettings classificationBoundary, an extension), else GOVCLOUD
// when the server's region is a us-gov-* region. A GOVCLOUD viewer sees members of COMMERCIAL
// networks as outside the boundary; COMMERCIAL viewers see no marks.
import type { Kysely } from 'kysely';
import type { ClassificationBoundary, Conversation, Member as WireMember } from '@enclave/protocol';
import { FEDERATION_ALL, FEDERATION_RESTRICTED } from '../security-groups/settings.js';
import { storedSettings } from '../security-groups/security-groups.js';
import { STATUS_ACTIVE } from '../users/users.js';
import type { Database } from '../../infra/schema.js';
import { fail } from '../../kernel/member-errors.js';

type Db = Kysely<Database>;

export interface UserRef {
  networkId: string;
  userId: number;
}

/** The boundary a network is in when its administrator chose none: the region's. */
export const regionBoundary = (region: string): ClassificationBoundary => (region.startsWith('us-gov-') ? 'GOVCLOUD' : 'COMMERCIAL');

/** A network's effective boundary from its stored value ('' = the region's). */
export function effectiveBoundary(stored: string, region: string): ClassificationBoundary {
  return stored === 'GOVCLOUD' || stored === 'COMMERCIAL' ? stored : regionBoundary(region);
}

export async function boundariesOf(db: Db, region: string, networkIds: readonly string[]): Promise<Map<string, ClassificationBoundary>> {
  const out = new Map<string, ClassificationBoundary>();
  const ids = [...new Set(networkIds)];
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('networks').select(['network_id', 'classification_boundary']).where('network_id', 'in', ids).execute();
  for (const r of rows) out.set(r.network_id, effectiveBoundary(r.classification_boundary, region));
  return out;
}

/** Local federation settings of one member's security group. */
interface FederationSettings {
  mode: number;
  permitted: readonly string[];
}

/** Does a group with these settings allow its members to talk to members of `otherNetworkId`? */
export function allowsNetwork(s: FederationSettings, otherNetworkId: string): boolean {
  if (s.mode === FEDERATION_ALL) return true;
  if (s.mode === FEDERATION_RESTRICTED) return s.permitted.includes(otherNetworkId);
  return false;
}

/** Federation settings of the given users' security groups (users without a row are left out). */
export async function federationSettings(db: Db, users: readonly UserRef[]): Promise<Map<string, FederationSettings>> {
  const out = new Map<string, FederationSettings>();
  const byNetwork = new Map<string, number[]>();
  for (const u of users) byNetwork.set(u.networkId, [...(byNetwork.get(u.networkId) ?? []), u.userId]);
  for (const [networkId, userIds] of byNetwork) {
    const rows = await db
      .selectFrom('users as u')
      .innerJoin('security_groups as g', (j) => j.onRef('g.network_id', '=', 'u.network_id').onRef('g.group_id', '=', 'u.security_group_id'))
      .select(['u.user_id', 'g.settings'])
      .where('u.network_id', '=', networkId)
      .where('u.user_id', 'in', [...new Set(userIds)])
      .execute();
    for (const r of rows) {
      const s = storedSettings(r);
      out.set(key({ networkId, userId: r.user_id }), { mode: s.federationMode, permitted: s.permittedNetworks });
    }
  }
  return out;
}

const key = (u: UserRef) => `${u.networkId}:${u.userId}`;

/**
 * Why `a` and `b` may not talk (undefined when they may): members of one network always may;
 * across networks both security groups must allow local federation with the other's network.
 */
export async function federationRefusal(db: Db, a: UserRef, b: UserRef & { email?: string }, known?: Map<string, FederationSettings>): Promise<string | undefined> {
  if (a.networkId === b.networkId) return undefined;
  const settings = known ?? (await federationSettings(db, [a, b]));
  const mine = settings.get(key(a));
  const theirs = settings.get(key(b));
  if (!mine || !allowsNetwork(mine, b.networkId)) {
    return mine && mine.mode === FEDERATION_RESTRICTED
      ? `Your security group restricts local federation to its permitted networks, and network ${b.networkId} is not one of them.`
      : `Your security group does not allow local federation with other networks (network ${b.networkId}).`;
  }
  if (!theirs || !allowsNetwork(theirs, a.networkId)) {
    const who = b.email ?? `user ${b.userId}`;
    return theirs && theirs.mode === FEDERATION_RESTRICTED
      ? `The security group of ${who} (network ${b.networkId}) restricts local federation to its permitted networks, and your network ${a.networkId} is not one of them.`
      : `The security group of ${who} (network ${b.networkId}) does not allow local federation with other networks.`;
  }
  return undefined;
}

/**
 * The networks of the given users as `member` may add them to a conversation: registered (ACTIVE)
 * users of the member's network, or of another network when local federation allows both ways.
 * Throws user_not_found or federation_not_allowed.
 */
export async function resolveUsers(db: Db, member: UserRef, userIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (userIds.length === 0) return out;
  const rows = await db.selectFrom('users').select(['network_id', 'user_id', 'username', 'status']).where('user_id', 'in', [...new Set(userIds)]).execute();
  const active = new Map(rows.filter((r) => r.status === STATUS_ACTIVE && r.user_id !== 0).map((r) => [r.user_id, r]));
  const missing = userIds.filter((u) => !active.has(u));
  if (missing.length > 0) throw fail('user_not_found', `User not found: ${missing.join(', ')} (members must have registered).`, missing.map((u) => ({ field: 'members', reason: `user ${u} not found` })));
  const external = [...active.values()].filter((r) => r.network_id !== member.networkId);
  const settings = external.length > 0 ? await federationSettings(db, [member, ...external.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
  for (const r of active.values()) {
    if (r.network_id !== member.networkId) {
      const refusal = await federationRefusal(db, member, { networkId: r.network_id, userId: r.user_id, email: r.username }, settings);
      if (refusal) throw fail('federation_not_allowed', `Federation is not allowed with ${r.username}: ${refusal}`, [{ field: 'members', reason: refusal }]);
    }
    out.set(r.user_id, r.network_id);
  }
  return out;
}

/**
 * Refuses a send (message, receipt, file) in a conversation where the sender and another member are
 * in networks whose security groups no longer allow federation: nothing new passes between them
 * until an administrator allows it again or one of them leaves or is removed.
 */
export async function requireFederatedPeers(db: Db, member: UserRef, convId: string): Promise<void> {
  const others = await db
    .selectFrom('conversation_members as cm')
    .innerJoin('users as u', (j) => j.onRef('u.network_id', '=', 'cm.network_id').onRef('u.user_id', '=', 'cm.user_id'))
    .select(['cm.network_id', 'cm.user_id', 'u.username'])
    .where('cm.conv_id', '=', convId)
    .where('cm.network_id', '!=', member.networkId)
    .execute();
  if (others.length === 0) return;
  const refs = others.map((o) => ({ networkId: o.network_id, userId: o.user_id, email: o.username }));
  const settings = await federationSettings(db, [member, ...refs]);
  for (const o of refs) {
    const refusal = await federationRefusal(db, member, o, settings);
    if (refusal) throw fail('federation_not_allowed', `Federation with ${o.email} is no longer allowed, so nothing can be sent in this conversation while they are in it. ${refusal}`, [{ field: 'conv', reason: refusal }]);
  }
}

/**
 * Adds to members what the viewer's clients show: their network, whether they are external
 * (another network) and whether they are outside the viewer's classification boundary.
 */
export async function markMembers<M extends WireMember>(db: Db, region: string, viewerNetworkId: string, members: M[]): Promise<M[]> {
  const boundaries = await boundariesOf(db, region, [viewerNetworkId, ...members.map((m) => m.networkId ?? viewerNetworkId)]);
  const viewer = boundaries.get(viewerNetworkId) ?? regionBoundary(region);
  return members.map((m) => {
    const networkId = m.networkId ?? viewerNetworkId;
    const external = networkId !== viewerNetworkId;
    const outside = viewer === 'GOVCLOUD' && (boundaries.get(networkId) ?? regionBoundary(region)) !== 'GOVCLOUD';
    return { ...m, networkId, ...(external ? { external: true } : {}), ...(outside ? { outsideBoundary: true } : {}) };
  });
}

/**
 * A conversation as one viewer sees it: members marked, `crossBoundary` when any is outside the
 * viewer's boundary, `federationRefused` (the reason) while the viewer and an external member may
 * not talk.
 */
export async function markConversation(db: Db, region: string, viewer: UserRef, c: Conversation): Promise<Conversation> {
  const members = await markMembers(db, region, viewer.networkId, c.members);
  const external = members.filter((m) => m.external === true).map((m) => ({ networkId: m.networkId!, userId: m.userId, email: m.email }));
  let federationRefused: string | undefined;
  if (external.length > 0) {
    const settings = await federationSettings(db, [viewer, ...external]);
    for (const o of external) {
      const refusal = await federationRefusal(db, viewer, o, settings);
      if (refusal) {
        federationRefused = `Federation with ${o.email} is no longer allowed, so nothing can be sent in this conversation while they are in it. ${refusal}`;
        break;
      }
    }
  }
  return { ...c, members, crossBoundary: members.some((m) => m.outsideBoundary === true), ...(federationRefused ? { federationRefused } : {}) };
}

/**
 * What of a network changes how its members' conversations are marked for any viewer: its
 * classification boundary and the local federation settings of its security groups.
 */
export async function networkMarks(db: Db, region: string, networkId: string): Promise<string | undefined> {
  const boundary = (await boundariesOf(db, region, [networkId])).get(networkId);
  if (boundary === undefined) return undefined;
  const groups = await db.selectFrom('security_groups').select(['group_id', 'settings']).where('network_id', '=', networkId).orderBy('group_id').execute();
  const federation = groups.map((g) => {
    const s = storedSettings(g);
    return [g.group_id, s.federationMode, [...s.permittedNetworks].sort()];
  });
  return JSON.stringify([boundary, federation]);
}
