// The data retention repository: the network's one `retention_bots` row that the admin side
// provisions, arms with an initial password, acknowledges, switches on and off, and removes; the
// messaging layer marks it registered.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { RetentionBotRow } from './rules.js';

export async function findRetentionBot(tx: ReadTx, networkId: string): Promise<RetentionBotRow | undefined> {
  return tx.selectFrom('retention_bots').selectAll().where('network_id', '=', networkId).executeTakeFirst();
}

export async function insertRetentionBot(tx: WriteTx, row: RetentionBotRow): Promise<void> {
  await tx.insertInto('retention_bots').values(row).execute();
}

/** Stores the hash of a new initial password (the previous one stops working). */
export async function setRetentionBotChallenge(tx: WriteTx, networkId: string, challengeHash: string): Promise<void> {
  await tx.updateTable('retention_bots').set({ challenge_hash: challengeHash }).where('network_id', '=', networkId).execute();
}

export async function setRetentionBotPubkeyAcked(tx: WriteTx, networkId: string): Promise<void> {
  await tx.updateTable('retention_bots').set({ pubkey_acked: 1 }).where('network_id', '=', networkId).execute();
}

/** Marks the bot active or inactive (no-op when no bot is provisioned). */
export async function setRetentionBotActive(tx: WriteTx, networkId: string, active: boolean): Promise<void> {
  await tx.updateTable('retention_bots').set({ active: active ? 1 : 0 }).where('network_id', '=', networkId).execute();
}

/** Marks the bot registered; false when no bot is provisioned. */
export async function setRetentionBotRegistered(tx: WriteTx, networkId: string): Promise<boolean> {
  const r = await tx.updateTable('retention_bots').set({ registered: 1 }).where('network_id', '=', networkId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteRetentionBot(tx: WriteTx, networkId: string): Promise<void> {
  await tx.deleteFrom('retention_bots').where('network_id', '=', networkId).execute();
}
