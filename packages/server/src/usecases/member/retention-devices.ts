// Which of the retention bot's devices a network's conversations deliver to: all its approved
// devices while the network's data retention is on and the bot is active, else none.
import type { ReadTx } from '../../infra/db.js';
import { findRetentionState, listRetentionBotDevices } from '../../domain/retention/repo.js';
import { RETENTION_BOT_USER_ID } from '../../domain/retention/rules.js';
import type { DeviceIdentity } from '../../domain/devices/repo.js';

/** Is data retention on, with an active bot? */
export async function retentionOn(tx: ReadTx, networkId: string): Promise<boolean> {
  const row = await findRetentionState(tx, networkId);
  return row?.data_retention === 1 && row.active === 1;
}

/** The bot's approved devices, whether or not retention is on (callers decide that from their own read). */
export async function retentionBotDevices(tx: ReadTx, networkId: string): Promise<DeviceIdentity[]> {
  const rows = await listRetentionBotDevices(tx, networkId);
  return rows.map((r) => ({ userId: RETENTION_BOT_USER_ID, deviceId: r.device_id, identitySignPub: r.identity_sign_pub, identityDhPub: r.identity_dh_pub }));
}

/** The bot's devices every conversation encrypts to while retention is on (else none). */
export async function retentionDevices(tx: ReadTx, networkId: string): Promise<DeviceIdentity[]> {
  return (await retentionOn(tx, networkId)) ? await retentionBotDevices(tx, networkId) : [];
}

/** The retention bots' devices of every network with a member in a conversation (or that created it). */
export async function retentionDevicesOf(tx: ReadTx, networkIds: Iterable<string>): Promise<DeviceIdentity[]> {
  const out: DeviceIdentity[] = [];
  for (const n of new Set(networkIds)) out.push(...(await retentionDevices(tx, n)));
  return out;
}
