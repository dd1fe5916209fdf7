// Local federation and the classification boundary (docs/messaging.md "Federation"), as rules over
// rows already read. Every network of this server is in the server's region, so the guide's local
// federation (本機聯合) is what applies between them: a member may talk to a member of another
// network when BOTH members' security groups allow it: federationMode 1 (all networks in the
// region), or 2 (restricted) with the other network in permittedNetworks. Global federation and
// guest users concern other regions and Wickr's guest accounts, which have no accounts here.
//
// The classification boundary (GovCloud 跨邊界分類) of a network is GOVCLOUD or COMMERCIAL: the
// administrator's choice (UpdateNetworkSettings classificationBoundary, an extension), else GOVCLOUD
// when the server's region is a us-gov-* region. A GOVCLOUD viewer sees members of COMMERCIAL
// networks as outside the boundary; COMMERCIAL viewers see no marks.
import type { ClassificationBoundary, Member as WireMember } from '@enclave/protocol';
import { FEDERATION_ALL, FEDERATION_RESTRICTED } from '../security-groups/rules.js';
import { storedSettings } from '../security-groups/security-groups.js';

export interface UserRef {
  networkId: string;
  userId: number;
}

/** Local federation settings of one member's security group. */
export interface FederationSettings {
  mode: number;
  permitted: readonly string[];
}

/** The boundary a network is in when its administrator chose none: the region's. */
export const regionBoundary = (region: string): ClassificationBoundary => (region.startsWith('us-gov-') ? 'GOVCLOUD' : 'COMMERCIAL');

/** A network's effective boundary from its stored value ('' = the region's). */
export function effectiveBoundary(stored: string, region: string): ClassificationBoundary {
  return stored === 'GOVCLOUD' || stored === 'COMMERCIAL' ? stored : regionBoundary(region);
}

/** Does a group with these settings allow its members to talk to members of `otherNetworkId`? */
export function allowsNetwork(s: FederationSettings, otherNetworkId: string): boolean {
  if (s.mode === FEDERATION_ALL) return true;
  if (s.mode === FEDERATION_RESTRICTED) return s.permitted.includes(otherNetworkId);
  return false;
}

/** The federation settings of a security group row. */
export function federationSettingsOf(row: { settings: string }): FederationSettings {
  const s = storedSettings(row);
  return { mode: s.federationMode, permitted: s.permittedNetworks };
}

/** The key of a user in a map of federation settings. */
export const settingsKey = (u: UserRef) => `${u.networkId}:${u.userId}`;

/**
 * Why `a` and `b` may not talk (undefined when they may), given both users' settings (undefined:
 * no settings known): members of one network always may; across networks both security groups must
 * allow local federation with the other's network.
 */
export function refusalBetween(a: UserRef, b: UserRef & { email?: string }, mine: FederationSettings | undefined, theirs: FederationSettings | undefined): string | undefined {
  if (a.networkId === b.networkId) return undefined;
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

/** What a conversation (and a send in it) says while federation with one of its members is refused. */
export const noLongerAllowed = (email: string, refusal: string) => `Federation with ${email} is no longer allowed, so nothing can be sent in this conversation while they are in it. ${refusal}`;

/**
 * Adds to members what the viewer's clients show, given the networks' boundaries: their network,
 * whether they are external (another network) and whether they are outside the viewer's boundary.
 */
export function markMembersWith<M extends WireMember>(boundaries: ReadonlyMap<string, ClassificationBoundary>, region: string, viewerNetworkId: string, members: M[]): M[] {
  const viewer = boundaries.get(viewerNetworkId) ?? regionBoundary(region);
  return members.map((m) => {
    const networkId = m.networkId ?? viewerNetworkId;
    const external = networkId !== viewerNetworkId;
    const outside = viewer === 'GOVCLOUD' && (boundaries.get(networkId) ?? regionBoundary(region)) !== 'GOVCLOUD';
    return { ...m, networkId, ...(external ? { external: true } : {}), ...(outside ? { outsideBoundary: true } : {}) };
  });
}

/** What of a network marks its members' conversations for any viewer: its boundary and its groups' federation settings. */
export function networkMarksOf(boundary: ClassificationBoundary, groups: readonly { group_id: string; settings: string }[]): string {
  const federation = groups.map((g) => {
    const s = storedSettings(g);
    return [g.group_id, s.federationMode, [...s.permittedNetworks].sort()];
  });
  return JSON.stringify([boundary, federation]);
}
