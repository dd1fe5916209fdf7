// Data retention: the network's retention bot (`retention_bots`) and what delivery to it needs.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { RETENTION_BOT_USER_ID } from './rules.js';

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
