// The member directory: searching the registered members of one's network (and, by a search only,
// those of other networks that local federation allows both ways), and looking a member up by email
// address to start a conversation with them. Members are marked for the viewer (external, outside
// the classification boundary).
import { ERROR_TEXTS, type Member as WireMember } from '@enclave/protocol';
import type { ReadTx } from '../../infra/db.js';
import { findMembersForLookup, searchMembers } from '../../domain/users/repo.js';
import { normalizeEmail, STATUS_ACTIVE } from '../../domain/users/users.js';
import { settingsKey } from '../../domain/federation/rules.js';
import { fail } from '../../kernel/member-errors.js';
import type { DeviceIdentity } from '../../domain/devices/repo.js';
import { activeDevices } from './devices.js';
import { federationRefusal, federationSettings, markMembers } from './federation.js';
import type { Member } from './member-auth.js';

type DirectoryMember = WireMember & { networkId: string };

/**
 * Members whose email or names start with `q` (lower case; '' for all of the member's network),
 * by email, at most `limit`: the member's network first, then other networks' members local
 * federation allows (found by a search only: another network's directory is never listed whole).
 */
export async function searchDirectory(tx: ReadTx, region: string, m: Member, q: string, limit: number): Promise<WireMember[]> {
  const rows = await searchMembers(tx, STATUS_ACTIVE, [m.networkId], m.networkId, q, limit);
  if (q && rows.length < limit) {
    const mine = (await federationSettings(tx, [m])).get(settingsKey(m));
    if (mine && mine.mode !== 0) {
      const candidates = await (mine.mode === 2 ? (mine.permitted.length > 0 ? searchMembers(tx, STATUS_ACTIVE, mine.permitted, m.networkId, q, limit) : Promise.resolve([])) : searchMembers(tx, STATUS_ACTIVE, 'others', m.networkId, q, limit));
      const settings = await federationSettings(tx, [m, ...candidates.map((c) => ({ networkId: c.network_id, userId: c.user_id }))]);
      for (const c of candidates) {
        if (rows.length >= limit) break;
        if (!(await federationRefusal(tx, m, { networkId: c.network_id, userId: c.user_id }, settings))) rows.push(c);
      }
    }
  }
  const members: DirectoryMember[] = rows.map((r) => ({ userId: r.user_id, email: r.username, firstName: r.first_name, lastName: r.last_name, networkId: r.network_id }));
  return markMembers(tx, region, m.networkId, members);
}

/**
 * The registered member with this email address, in the member's network or (local federation
 * allowing it both ways) another, with the devices to encrypt to. Throws user_not_found, or
 * different_network with the reason federation refuses.
 */
export async function lookupMember(tx: ReadTx, region: string, m: Member, rawEmail: string): Promise<{ member: WireMember; devices: DeviceIdentity[] }> {
  const email = normalizeEmail(rawEmail);
  if (!email) throw fail('bad_request', 'Enter a valid email address.');
  const rows = await findMembersForLookup(tx, email);
  let found = rows.find((r) => r.network_id === m.networkId && r.status === STATUS_ACTIVE);
  if (!found && !rows.some((r) => r.network_id === m.networkId)) {
    // A member of another network: local federation must allow it both ways.
    const others = rows.filter((r) => r.status === STATUS_ACTIVE && r.network_id !== m.networkId);
    const settings = others.length > 0 ? await federationSettings(tx, [m, ...others.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
    let refusal: string | undefined;
    for (const r of others) {
      const why = await federationRefusal(tx, m, { networkId: r.network_id, userId: r.user_id, email: r.username }, settings);
      if (!why) {
        found = r;
        break;
      }
      refusal ??= why;
    }
    if (!found && refusal) throw fail('different_network', `${ERROR_TEXTS.different_network} ${refusal}`, [{ field: 'email', reason: refusal }]);
  }
  if (!found) throw fail('user_not_found');
  const [marked] = await markMembers(tx, region, m.networkId, [{ userId: found.user_id, email: found.username, firstName: found.first_name, lastName: found.last_name, networkId: found.network_id }]);
  return { member: marked!, devices: await activeDevices(tx, found.network_id, [found.user_id]) };
}
