// Member devices and their public keys: the rows of `device_keys` (identity and signed prekey,
// approval, revocation), `devices` (the member-side device list the console also shows) and
// `one_time_prekeys`. Registration, sign-in, prekey uploads and claims, approval and revocation read
// and write them here. Public keys only; private keys never leave a device.
import type { Insertable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { DeviceKeysTable, DevicesTable } from '../../infra/schema.js';
import { DEVICE_RESET } from '../users/users.js';

/** The public identity of a device others encrypt to. */
export interface DeviceIdentity {
  userId: number;
  deviceId: string;
  identitySignPub: string;
  identityDhPub: string;
}

export async function insertDeviceKeys(tx: WriteTx, row: Insertable<DeviceKeysTable>): Promise<void> {
  await tx.insertInto('device_keys').values(row).execute();
}

export async function insertDevice(tx: WriteTx, row: Insertable<DevicesTable>): Promise<void> {
  await tx.insertInto('devices').values(row).execute();
}

/** Which of these one-time prekey IDs the device has already. */
export async function existingPrekeyIds(tx: ReadTx, deviceId: string, keyIds: number[]): Promise<number[]> {
  const rows = await tx.selectFrom('one_time_prekeys').select('key_id').where('device_id', '=', deviceId).where('key_id', 'in', keyIds).execute();
  return rows.map((r) => r.key_id);
}

export async function insertPrekeys(tx: WriteTx, deviceId: string, keys: readonly { id: number; dhPub: string }[]): Promise<void> {
  await tx.insertInto('one_time_prekeys').values(keys.map((k) => ({ device_id: deviceId, key_id: k.id, dh_pub: k.dhPub }))).execute();
}

export async function countPrekeys(tx: ReadTx, deviceId: string): Promise<number> {
  const r = await tx.selectFrom('one_time_prekeys').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', '=', deviceId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The device's oldest one-time prekey, if any is left. */
export async function firstPrekey(tx: ReadTx, deviceId: string): Promise<{ key_id: number; dh_pub: string } | undefined> {
  return tx.selectFrom('one_time_prekeys').select(['key_id', 'dh_pub']).where('device_id', '=', deviceId).orderBy('key_id').limit(1).executeTakeFirst();
}

/** Consumes one one-time prekey; false when another claim took it first. */
export async function deletePrekey(tx: WriteTx, deviceId: string, keyId: number): Promise<boolean> {
  const del = await tx.deleteFrom('one_time_prekeys').where('device_id', '=', deviceId).where('key_id', '=', keyId).executeTakeFirst();
  return Number(del.numDeletedRows) === 1;
}

export async function deletePrekeysOfDevice(tx: WriteTx, deviceId: string): Promise<void> {
  await tx.deleteFrom('one_time_prekeys').where('device_id', '=', deviceId).execute();
}

export async function deletePrekeysOfDevices(tx: WriteTx, deviceIds: string[]): Promise<void> {
  await tx.deleteFrom('one_time_prekeys').where('device_id', 'in', deviceIds).execute();
}

export async function updateSignedPrekey(tx: WriteTx, deviceId: string, s: { id: number; dhPub: string; kemPublic: string; signature: string }): Promise<void> {
  await tx.updateTable('device_keys').set({ spk_id: s.id, spk_pub: s.dhPub, spk_kem_pub: s.kemPublic, spk_signature: s.signature }).where('device_id', '=', deviceId).execute();
}

/** Devices of these users of one network that others encrypt to: approved, not revoked, not reset by an admin. */
export async function listActiveDevices(tx: ReadTx, networkId: string, userIds: readonly number[]): Promise<DeviceIdentity[]> {
  const rows = await tx
    .selectFrom('device_keys as k')
    .innerJoin('devices as d', (j) => j.onRef('d.network_id', '=', 'k.network_id').onRef('d.user_id', '=', 'k.user_id').onRef('d.app_id', '=', 'k.device_id'))
    .select(['k.user_id', 'k.device_id', 'k.identity_sign_pub', 'k.identity_dh_pub'])
    .where('k.network_id', '=', networkId)
    .where('k.user_id', 'in', [...userIds])
    .where('k.approved', '=', 1)
    .where('k.revoked', '=', 0)
    .where('d.status', '!=', DEVICE_RESET)
    .orderBy('k.user_id')
    .orderBy('k.device_id')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, identitySignPub: r.identity_sign_pub, identityDhPub: r.identity_dh_pub }));
}

/** The key rows of these devices that can be claimed: approved, not revoked, not reset (any network). */
export async function findClaimableDevices(tx: ReadTx, deviceIds: readonly string[]) {
  return tx
    .selectFrom('device_keys as k')
    .innerJoin('devices as d', (j) => j.onRef('d.network_id', '=', 'k.network_id').onRef('d.user_id', '=', 'k.user_id').onRef('d.app_id', '=', 'k.device_id'))
    .selectAll('k')
    .where('k.device_id', 'in', [...deviceIds])
    .where('k.approved', '=', 1)
    .where('k.revoked', '=', 0)
    .where('d.status', '!=', DEVICE_RESET)
    .execute();
}

/** Every device of one member, oldest first, with its key state and the device row's status. */
export async function listMemberDevices(tx: ReadTx, networkId: string, userId: number) {
  return tx
    .selectFrom('device_keys as k')
    .innerJoin('devices as d', (j) => j.onRef('d.network_id', '=', 'k.network_id').onRef('d.user_id', '=', 'k.user_id').onRef('d.app_id', '=', 'k.device_id'))
    .select(['k.device_id', 'k.user_id', 'd.type', 'k.client', 'k.approved', 'k.revoked', 'd.status', 'd.created_at', 'd.last_login', 'k.identity_sign_pub', 'k.identity_dh_pub'])
    .where('k.network_id', '=', networkId)
    .where('k.user_id', '=', userId)
    .orderBy('d.created_at')
    .execute();
}

/** A member's registered device as its sign-in checks it (identity key, approval, revocation, reset). */
export async function findSignInDevice(tx: ReadTx, m: { networkId: string; userId: number }, deviceId: string) {
  return tx
    .selectFrom('device_keys as k')
    .innerJoin('devices as dv', (j) => j.onRef('dv.network_id', '=', 'k.network_id').onRef('dv.user_id', '=', 'k.user_id').onRef('dv.app_id', '=', 'k.device_id'))
    .select(['k.identity_sign_pub', 'k.approved', 'k.revoked', 'dv.status'])
    .where('k.device_id', '=', deviceId)
    .where('k.network_id', '=', m.networkId)
    .where('k.user_id', '=', m.userId)
    .executeTakeFirst();
}

/** A member's approved devices still in use (they can approve a new one). */
export async function listApprovingDevices(tx: ReadTx, m: { networkId: string; userId: number }): Promise<{ device_id: string }[]> {
  return tx
    .selectFrom('device_keys as k')
    .innerJoin('devices as dv', (j) => j.onRef('dv.network_id', '=', 'k.network_id').onRef('dv.user_id', '=', 'k.user_id').onRef('dv.app_id', '=', 'k.device_id'))
    .select('k.device_id')
    .where('k.network_id', '=', m.networkId)
    .where('k.user_id', '=', m.userId)
    .where('k.approved', '=', 1)
    .where('k.revoked', '=', 0)
    .where('dv.status', '!=', 'Reset')
    .execute();
}

/** The device's last sign-in (the console's devices list shows it). */
export async function markDeviceSignedIn(tx: WriteTx, m: { networkId: string; userId: number }, deviceId: string, now: number): Promise<void> {
  await tx.updateTable('devices').set({ last_login: now }).where('network_id', '=', m.networkId).where('user_id', '=', m.userId).where('app_id', '=', deviceId).execute();
}

export async function approveDeviceKeys(tx: WriteTx, deviceId: string): Promise<void> {
  await tx.updateTable('device_keys').set({ approved: 1 }).where('device_id', '=', deviceId).execute();
}

/** Revokes one device of a member: its keys are no longer handed out and the device row reads Reset. */
export async function revokeMemberDevice(tx: WriteTx, networkId: string, userId: number, deviceId: string): Promise<void> {
  await tx.updateTable('device_keys').set({ revoked: 1 }).where('device_id', '=', deviceId).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  await tx.updateTable('devices').set({ status: DEVICE_RESET }).where('network_id', '=', networkId).where('user_id', '=', userId).where('app_id', '=', deviceId).execute();
}

export async function revokeDeviceKeys(tx: WriteTx, deviceIds: string[]): Promise<void> {
  await tx.updateTable('device_keys').set({ revoked: 1 }).where('device_id', 'in', deviceIds).execute();
}

/** IDs of every device key of one member (any state). */
export async function deviceIdsOfMember(tx: ReadTx, networkId: string, userId: number): Promise<string[]> {
  const rows = await tx.selectFrom('device_keys').select('device_id').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  return rows.map((r) => r.device_id);
}

/** IDs of the device keys of these users in these networks (user IDs are unique across networks). */
export async function deviceIdsOfUsers(tx: ReadTx, userIds: number[], networkIds: string[]): Promise<string[]> {
  const rows = await tx.selectFrom('device_keys').select('device_id').where('user_id', 'in', userIds).where('network_id', 'in', networkIds).execute();
  return rows.map((r) => r.device_id);
}

/** Deletes device keys (a full account reset; their prekeys and cursors cascade). */
export async function deleteDeviceKeys(tx: WriteTx, deviceIds: string[]): Promise<void> {
  await tx.deleteFrom('device_keys').where('device_id', 'in', deviceIds).execute();
}

/** Deletes every device row of one member (a full account reset). */
export async function deleteDevicesOfMember(tx: WriteTx, networkId: string, userId: number): Promise<void> {
  await tx.deleteFrom('devices').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}
