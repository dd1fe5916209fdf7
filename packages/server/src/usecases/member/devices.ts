// Member devices and their public keys: creation at registration / sign-in, prekey uploads, bundle
// claims (one one-time prekey consumed per claim), the device list, sign-out of a device. Holds
// public keys only; private keys never leave the device.
import type { DeviceInfo, NewDevice, PrekeyBundleWire } from '@enclave/protocol';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import * as devicesRepo from '../../domain/devices/repo.js';
import { newDeviceId } from '../../domain/devices/rules.js';
import { conversationPositionsOfMember, deleteCursorsOfDevice, findSharedConversation, insertCursors } from '../../domain/conversations/repo.js';
import { DEVICE_ACTIVE, DEVICE_RESET } from '../../domain/users/users.js';
import { federationRefusal, federationSettings } from './federation.js';

export async function createDevice(tx: WriteTx, m: { networkId: string; userId: number }, device: NewDevice, approved: boolean, now: number): Promise<string> {
  const deviceId = newDeviceId();
  const k = device.keys;
  await devicesRepo.insertDeviceKeys(tx, {
    device_id: deviceId,
    network_id: m.networkId,
    user_id: m.userId,
    client: device.client,
    approved: approved ? 1 : 0,
    revoked: 0,
    identity_sign_pub: k.identitySignPub,
    identity_dh_pub: k.identityDhPub,
    spk_id: k.signedPrekey.id,
    spk_pub: k.signedPrekey.dhPub,
    spk_kem_pub: k.signedPrekey.kemPublic,
    spk_signature: k.signedPrekey.signature,
    created_at: now,
  });
  await devicesRepo.insertDevice(tx, { network_id: m.networkId, user_id: m.userId, app_id: deviceId, type: device.type, status: DEVICE_ACTIVE, created_at: now, last_login: now });
  await addOneTimePrekeys(tx, deviceId, k.oneTimePrekeys);
  // The new device starts reading each of the member's conversations from now on.
  const convs = await conversationPositionsOfMember(tx, m.networkId, m.userId);
  await insertCursors(tx, convs.map((c) => ({ device_id: deviceId, conv_id: c.conv_id, seq: c.last_seq })));
  return deviceId;
}

export async function addOneTimePrekeys(tx: WriteTx, deviceId: string, keys: readonly { id: number; dhPub: string }[]): Promise<void> {
  if (keys.length === 0) return;
  const taken = new Set(await devicesRepo.existingPrekeyIds(tx, deviceId, keys.map((k) => k.id)));
  const fresh = [...new Map(keys.filter((k) => !taken.has(k.id)).map((k) => [k.id, k])).values()];
  if (fresh.length > 0) await devicesRepo.insertPrekeys(tx, deviceId, fresh);
}

/** A device uploads a new signed prekey and/or more one-time prekeys. */
export async function uploadKeys(tx: WriteTx, deviceId: string, body: { signedPrekey?: { id: number; dhPub: string; kemPublic: string; signature: string } | undefined; oneTimePrekeys: readonly { id: number; dhPub: string }[] }): Promise<void> {
  if (body.signedPrekey) await devicesRepo.updateSignedPrekey(tx, deviceId, body.signedPrekey);
  await addOneTimePrekeys(tx, deviceId, body.oneTimePrekeys);
}

/** How many one-time prekeys the device has left. */
export const countPrekeys = (tx: ReadTx, deviceId: string) => devicesRepo.countPrekeys(tx, deviceId);

/** Devices of one user that others encrypt to: approved, not revoked, not reset by an admin. */
export async function activeDevices(tx: ReadTx, networkId: string, userIds: readonly number[]): Promise<devicesRepo.DeviceIdentity[]> {
  if (userIds.length === 0) return [];
  return devicesRepo.listActiveDevices(tx, networkId, userIds);
}

/**
 * Prekey bundles for devices of this network, or of another network whose members federation
 * allows the claimant to talk to, consuming one one-time prekey each (when any is left).
 */
export async function claimBundles(tx: WriteTx, claimant: { networkId: string; userId: number }, deviceIds: readonly string[]): Promise<PrekeyBundleWire[]> {
  const found = await devicesRepo.findClaimableDevices(tx, deviceIds);
  const external = found.filter((r) => r.network_id !== claimant.networkId && r.user_id !== 0);
  const settings = external.length > 0 ? await federationSettings(tx, [claimant, ...external.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
  const rows = [];
  for (const r of found) {
    if (r.network_id === claimant.networkId) rows.push(r);
    else if (r.user_id !== 0) {
      if (!(await federationRefusal(tx, claimant, { networkId: r.network_id, userId: r.user_id }, settings))) rows.push(r);
    } else {
      // Another network's retention bot: when the claimant shares a conversation with a member of that network.
      if (await findSharedConversation(tx, claimant, r.network_id)) rows.push(r);
    }
  }
  const out: PrekeyBundleWire[] = [];
  for (const r of rows) {
    let otpk: { key_id: number; dh_pub: string } | undefined;
    for (let attempt = 0; attempt < 5 && !otpk; attempt++) {
      const candidate = await devicesRepo.firstPrekey(tx, r.device_id);
      if (!candidate) break;
      if (await devicesRepo.deletePrekey(tx, r.device_id, candidate.key_id)) otpk = candidate;
    }
    out.push({
      userId: r.user_id,
      deviceId: r.device_id,
      identitySignPub: r.identity_sign_pub,
      identityDhPub: r.identity_dh_pub,
      signedPrekey: { id: r.spk_id, dhPub: r.spk_pub, kemPublic: r.spk_kem_pub, signature: r.spk_signature },
      ...(otpk ? { oneTimePrekey: { id: otpk.key_id, dhPub: otpk.dh_pub } } : {}),
    });
  }
  return out;
}

export async function listDevices(tx: ReadTx, networkId: string, userId: number): Promise<DeviceInfo[]> {
  const rows = await devicesRepo.listMemberDevices(tx, networkId, userId);
  return rows.map((r) => ({
    deviceId: r.device_id,
    userId: r.user_id,
    type: r.type,
    client: r.client,
    status: r.revoked === 1 || r.status === DEVICE_RESET ? 'RESET' : r.approved === 1 ? 'ACTIVE' : 'PENDING_APPROVAL',
    created: r.created_at,
    lastLogin: r.last_login,
    identitySignPub: r.identity_sign_pub,
    identityDhPub: r.identity_dh_pub,
  }));
}

/** Signs a device out and revokes its keys: sessions ended, one-time prekeys gone, no more delivery. */
export async function revokeDevice(tx: WriteTx, networkId: string, userId: number, deviceId: string): Promise<void> {
  await devicesRepo.revokeMemberDevice(tx, networkId, userId, deviceId);
  // Its sessions stay (they now answer device_reset, so the client can say why), unusable.
  await devicesRepo.deletePrekeysOfDevice(tx, deviceId);
  await deleteCursorsOfDevice(tx, deviceId);
}
