// Networks as operations look them up: every lookup is scoped to the caller's account (another
// account's network is "not found", never visible), by ID or by network ARN (tagging), and the seats a
// running premium free trial has left. The queries are in repo.ts, the rules in rules.ts.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { notFound } from '../../kernel/errors.js';
import { countMembers, findNetwork, lockNetwork } from './repo.js';
import { parseNetworkArn, TRIAL_MAX_USERS, type NetworkRow } from './rules.js';

export async function requireNetwork(tx: ReadTx, accountId: string, networkId: string): Promise<NetworkRow> {
  const row = await findNetwork(tx, accountId, networkId);
  if (!row) throw notFound('Network not found');
  return row;
}

/** The network a tagging ARN names, in the server's region and the caller's account; NotFound otherwise. */
export async function networkFromArn(tx: ReadTx, accountId: string, region: string, arn: string): Promise<NetworkRow> {
  const parsed = parseNetworkArn(arn);
  if (parsed.region !== region || parsed.accountId !== accountId) throw notFound(`Resource not found: ${arn}`);
  return requireNetwork(tx, accountId, parsed.networkId);
}

/**
 * Seats left in a premium free trial network (30 minus pending and active users). Takes the network
 * row's write lock first, so concurrent batches on PostgreSQL count one after the other and cannot
 * overfill the trial together.
 */
export async function trialSeatsLeft(tx: WriteTx, networkId: string): Promise<number> {
  await lockNetwork(tx, networkId);
  return Math.max(0, TRIAL_MAX_USERS - (await countMembers(tx, networkId)));
}
