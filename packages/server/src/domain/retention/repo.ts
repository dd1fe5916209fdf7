// The data retention repository: the network's one `retention_bots` row that the admin side
// provisions, arms with an initial password, acknowledges, switches on and off, and removes; the
// messaging layer marks it registered.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { RetentionBotRow, RETENTION_BOT_USER_ID } from './rules.js';

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

// ---------------------------------------------------------------------------------------------------
// Member side: the bot as a device of its network (usecases/member/retention.ts). Its devices are
// `device_keys` rows of user 0; its cursors are in domain/conversations.

/** The network's data retention switch and its bot's active flag (undefined: no bot). */
export async function findRetentionState(tx: ReadTx, networkId: string): Promise<{ data_retention: number; active: number } | undefined> {
  return tx
    .selectFrom('networks as n')
    .innerJoin('retention_bots as b', 'b.network_id', 'n.network_id')
    .select(['n.data_retention', 'b.active'])
    .where('n.network_id', '=', networkId)
    .executeTakeFirst();
}

/** The bot's approved, unrevoked devices with their identity keys. */
export async function listRetentionBotDevices(tx: ReadTx, networkId: string): Promise<{ device_id: string; identity_sign_pub: string; identity_dh_pub: string }[]> {
  return tx
    .selectFrom('device_keys')
    .select(['device_id', 'identity_sign_pub', 'identity_dh_pub'])
    .where('network_id', '=', networkId)
    .where('user_id', '=', RETENTION_BOT_USER_ID)
    .where('approved', '=', 1)
    .where('revoked', '=', 0)
    .orderBy('device_id')
    .execute();
}

/** Every device the bot ever registered (any state). */
export async function retentionBotDeviceIds(tx: ReadTx, networkId: string): Promise<string[]> {
  return (await tx.selectFrom('device_keys').select('device_id').where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).execute()).map((d) => d.device_id);
}

/** One of the bot's devices as its sign-in checks it. */
export async function findRetentionBotDevice(tx: ReadTx, networkId: string, deviceId: string) {
  return tx.selectFrom('device_keys').select(['identity_sign_pub', 'revoked']).where('device_id', '=', deviceId).where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).executeTakeFirst();
}

/** The provisioned bot of this name. */
export async function findRetentionBotByName(tx: ReadTx, botName: string) {
  return tx.selectFrom('retention_bots').selectAll().where('bot_name', '=', botName).executeTakeFirst();
}

/** The initial password works once: it is forgotten at registration. */
export async function clearRetentionBotChallenge(tx: WriteTx, networkId: string): Promise<void> {
  await tx.updateTable('retention_bots').set({ challenge_hash: null }).where('network_id', '=', networkId).execute();
}
