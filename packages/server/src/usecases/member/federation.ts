// Local federation and the classification boundary as members meet them (the rules are in
// domain/federation/rules.ts): whether two members of different networks may talk, which users a
// member may add to a conversation, refusing sends while federation is no longer allowed, and the
// marks (external, outside the boundary, federation refused) a viewer's clients show.
import type { ClassificationBoundary, Conversation, Member as WireMember } from '@enclave/protocol';
import type { ReadTx } from '../../infra/db.js';
import { STATUS_ACTIVE } from '../../domain/users/users.js';
import * as repo from '../../domain/federation/repo.js';
import { effectiveBoundary, federationSettingsOf, markMembersWith, networkMarksOf, noLongerAllowed, refusalBetween, settingsKey, type FederationSettings, type UserRef } from '../../domain/federation/rules.js';
import { fail } from '../../kernel/member-errors.js';

export type { UserRef } from '../../domain/federation/rules.js';

export async function boundariesOf(tx: ReadTx, region: string, networkIds: readonly string[]): Promise<Map<string, ClassificationBoundary>> {
  const out = new Map<string, ClassificationBoundary>();
  const ids = [...new Set(networkIds)];
  if (ids.length === 0) return out;
  for (const r of await repo.networkBoundaries(tx, ids)) out.set(r.network_id, effectiveBoundary(r.classification_boundary, region));
  return out;
}

/** Federation settings of the given users' security groups (users without a row are left out). */
export async function federationSettings(tx: ReadTx, users: readonly UserRef[]): Promise<Map<string, FederationSettings>> {
  const out = new Map<string, FederationSettings>();
  const byNetwork = new Map<string, number[]>();
  for (const u of users) byNetwork.set(u.networkId, [...(byNetwork.get(u.networkId) ?? []), u.userId]);
  for (const [networkId, userIds] of byNetwork) {
    for (const r of await repo.groupSettingsOfUsers(tx, networkId, [...new Set(userIds)])) out.set(settingsKey({ networkId, userId: r.user_id }), federationSettingsOf(r));
  }
  return out;
}

/**
 * Why `a` and `b` may not talk (undefined when they may): members of one network always may;
 * across networks both security groups must allow local federation with the other's network.
 */
export async function federationRefusal(tx: ReadTx, a: UserRef, b: UserRef & { email?: string }, known?: Map<string, FederationSettings>): Promise<string | undefined> {
  if (a.networkId === b.networkId) return undefined;
  const settings = known ?? (await federationSettings(tx, [a, b]));
  return refusalBetween(a, b, settings.get(settingsKey(a)), settings.get(settingsKey(b)));
}

/**
 * The networks of the given users as `member` may add them to a conversation: registered (ACTIVE)
 * users of the member's network, or of another network when local federation allows both ways.
 * Throws user_not_found or federation_not_allowed.
 */
export async function resolveUsers(tx: ReadTx, member: UserRef, userIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (userIds.length === 0) return out;
  const rows = await repo.findUsersByIds(tx, [...new Set(userIds)]);
  const active = new Map(rows.filter((r) => r.status === STATUS_ACTIVE && r.user_id !== 0).map((r) => [r.user_id, r]));
  const missing = userIds.filter((u) => !active.has(u));
  if (missing.length > 0) throw fail('user_not_found', `User not found: ${missing.join(', ')} (members must have registered).`, missing.map((u) => ({ field: 'members', reason: `user ${u} not found` })));
  const external = [...active.values()].filter((r) => r.network_id !== member.networkId);
  const settings = external.length > 0 ? await federationSettings(tx, [member, ...external.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
  for (const r of active.values()) {
    if (r.network_id !== member.networkId) {
      const refusal = await federationRefusal(tx, member, { networkId: r.network_id, userId: r.user_id, email: r.username }, settings);
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
export async function requireFederatedPeers(tx: ReadTx, member: UserRef, convId: string): Promise<void> {
  const others = await repo.membersFromOtherNetworks(tx, convId, member.networkId);
  if (others.length === 0) return;
  const refs = others.map((o) => ({ networkId: o.network_id, userId: o.user_id, email: o.username }));
  const settings = await federationSettings(tx, [member, ...refs]);
  for (const o of refs) {
    const refusal = await federationRefusal(tx, member, o, settings);
    if (refusal) throw fail('federation_not_allowed', noLongerAllowed(o.email, refusal), [{ field: 'conv', reason: refusal }]);
  }
}

/**
 * Adds to members what the viewer's clients show: their network, whether they are external
 * (another network) and whether they are outside the viewer's classification boundary.
 */
export async function markMembers<M extends WireMember>(tx: ReadTx, region: string, viewerNetworkId: string, members: M[]): Promise<M[]> {
  const boundaries = await boundariesOf(tx, region, [viewerNetworkId, ...members.map((m) => m.networkId ?? viewerNetworkId)]);
  return markMembersWith(boundaries, region, viewerNetworkId, members);
}

/**
 * A conversation as one viewer sees it: members marked, `crossBoundary` when any is outside the
 * viewer's boundary, `federationRefused` (the reason) while the viewer and an external member may
 * not talk.
 */
export async function markConversation(tx: ReadTx, region: string, viewer: UserRef, c: Conversation): Promise<Conversation> {
  const members = await markMembers(tx, region, viewer.networkId, c.members);
  const external = members.filter((m) => m.external === true).map((m) => ({ networkId: m.networkId!, userId: m.userId, email: m.email }));
  let federationRefused: string | undefined;
  if (external.length > 0) {
    const settings = await federationSettings(tx, [viewer, ...external]);
    for (const o of external) {
      const refusal = await federationRefusal(tx, viewer, o, settings);
      if (refusal) {
        federationRefused = noLongerAllowed(o.email, refusal);
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
export async function networkMarks(tx: ReadTx, region: string, networkId: string): Promise<string | undefined> {
  const boundary = (await boundariesOf(tx, region, [networkId])).get(networkId);
  if (boundary === undefined) return undefined;
  return networkMarksOf(boundary, await repo.groupSettingsOfNetwork(tx, networkId));
}
