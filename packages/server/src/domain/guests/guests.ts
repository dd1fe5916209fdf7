// Guest users as operations look them up: the network when guest users are available on it (not
// while it is on the premium free trial, the guide's 高級免費試用限制) and a guest the network has
// seen, with its block if any. The queries are in repo.ts, the rules in rules.ts.
import type { ReadTx } from '../../infra/db.js';
import { badRequest, notFound } from '../../kernel/errors.js';
import { requireNetwork } from '../networks/networks.js';
import { trialActive, type NetworkRow } from '../networks/rules.js';
import { findGuestBlock, lastSeenGuestUsername } from './repo.js';
import type { GuestBlockRow } from './rules.js';

/** The network, when guest users are available on it. */
export async function requireGuestNetwork(tx: ReadTx, accountId: string, networkId: string, now: number): Promise<NetworkRow> {
  const network = await requireNetwork(tx, accountId, networkId);
  if (trialActive(network, now)) throw badRequest('Guest users are not available during the premium free trial.');
  return network;
}

/** The guest's username as last recorded for this network; 404 when the network never saw the guest. */
export async function requireKnownGuest(tx: ReadTx, networkId: string, usernameHash: string): Promise<{ username: string; block: GuestBlockRow | undefined }> {
  const seen = await lastSeenGuestUsername(tx, networkId, usernameHash);
  const block = await findGuestBlock(tx, networkId, usernameHash);
  // A blocked guest stays known (and can be unblocked) even if its usage rows are gone.
  if (seen === undefined && !block) throw notFound('Guest user not found');
  return { username: seen ?? block!.username, block };
}
