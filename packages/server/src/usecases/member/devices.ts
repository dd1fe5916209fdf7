// Member devices and their public keys: creation at registration / sign-in, prekey uploads, bundle
// claims (one one-time prekey consumed per claim), approval of a new device under account takeover
// protection, sign-out of a device. Holds public keys only; private keys never leave the device.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fromBase64Url, utf8Encode, verifyDetached, type DeviceInfo, type NewDevice, type PrekeyBundleWire } from '@enclave/protocol';
import { DEVICE_ACTIVE, DEVICE_RESET } from '../../domain/users/users.js';
import type { Database } from '../../infra/schema.js';
import { federationRefusal, federationSettings } from '../../domain/federation/federation.js';

type Db = Kysely<Database>;

/** Detached-signature context of the sign-in proof of an existing device. */
export const LOGIN_SIGNATURE_CONTEXT = 'enclave-login-v1';
export const LOGIN_SIGNATURE_WINDOW_MS = 5 * 60_000;
export const APPROVAL_CODE_TTL_MS = 10 * 60_000;

export const newDeviceId = () => `d${randomBytes(12).toString('base64url')}`;
export const codeHash = (purpose: string, code: string) => createHash('sha256').update(`${purpose}\0${code.trim().toUpperCase()}`).digest('base64url');

export async function createDevice(db: Db, m: { networkId: string; userId: number }, device: NewDevice, approved: boolean, now: number): Promise<string> {
  const deviceId = newDeviceId();
  const k = device.keys;
  await db
    .insertInto('device_keys')
    .values({
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
    })
    .execute();
  await db
    .insertInto('devices')
    .values({ network_id: m.networkId, user_id: m.userId, app_id: deviceId, type: device.type, status: DEVICE_ACTIVE, created_at: now, last_login: now })
    .execute();
  await addOneTimePrekeys(db, deviceId, k.oneTimePrekeys);
  // The new device starts reading each of the member's conversations from now on.
  const convs = await db.selectFrom('conversation_members as cm').innerJoin('conversations as c', 'c.conv_id', 'cm.conv_id')
    .select(['c.conv_id', 'c.last_seq']).where('cm.network_id', '=', m.networkId).where('cm.user_id', '=', m.userId).execute();
  for (let i = 0; i < convs.length; i += 200) {
    await db.insertInto('device_cursors').values(convs.slice(i, i + 200).map((c) => ({ device_id: deviceId, conv_id: c.conv_id, seq: c.last_seq }))).execute();
  }
  return deviceId;
}

export async function addOneTimePrekeys(db: Db, deviceId: string, keys: readonly { id: number; dhPub: string }[]): Promise<void> {
  if (keys.length === 0) return;
  const existing = await db.selectFrom('one_time_prekeys').select('key_id').where('device_id', '=', deviceId).where('key_id', 'in', keys.map((k) => k.id)).execute();
  const taken = new Set(existing.map((e) => e.key_id));
  const fresh = [...new Map(keys.filter((k) => !taken.has(k.id)).map((k) => [k.id, k])).values()];
  if (fresh.length > 0) await db.insertInto('one_time_prekeys').values(fresh.map((k) => ({ device_id: deviceId, key_id: k.id, dh_pub: k.dhPub }))).execute();
}

/** Devices of one user that others encrypt to: approved, not revoked, not reset by an admin. */
export async function activeDevices(db: Db, networkId: string, userIds: readonly number[]): Promise<{ userId: number; deviceId: string; identitySignPub: string; identityDhPub: string }[]> {
  if (userIds.length === 0) return [];
  const rows = await db
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

/**
 * Prekey bundles for devices of this network, or of another network whose members federation
 * allows the claimant to talk to, consuming one one-time prekey each (when any is left).
 */
export async function claimBundles(db: Db, claimant: { networkId: string; userId: number }, deviceIds: readonly string[]): Promise<PrekeyBundleWire[]> {
  const found = await db
    .selectFrom('device_keys as k')
    .innerJoin('devices as d', (j) => j.onRef('d.network_id', '=', 'k.network_id').onRef('d.user_id', '=', 'k.user_id').onRef('d.app_id', '=', 'k.device_id'))
    .selectAll('k')
    .where('k.device_id', 'in', [...deviceIds])
    .where('k.approved', '=', 1)
    .where('k.revoked', '=', 0)
    .where('d.status', '!=', DEVICE_RESET)
    .execute();
  const external = found.filter((r) => r.network_id !== claimant.networkId && r.user_id !== 0);
  const settings = external.length > 0 ? await federationSettings(db, [claimant, ...external.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
  const rows = [];
  for (const r of found) {
    if (r.network_id === claimant.networkId) rows.push(r);
    else if (r.user_id !== 0) {
      if (!(await federationRefusal(db, claimant, { networkId: r.network_id, userId: r.user_id }, settings))) rows.push(r);
    } else {
      // Another network's retention bot: when the claimant shares a conversation with a member of that network.
      const shared = await db
        .selectFrom('conversation_members as mine')
        .innerJoin('conversation_members as theirs', 'theirs.conv_id', 'mine.conv_id')
        .select('mine.conv_id')
        .where('mine.network_id', '=', claimant.networkId)
        .where('mine.user_id', '=', claimant.userId)
        .where('theirs.network_id', '=', r.network_id)
        .executeTakeFirst();
      if (shared) rows.push(r);
    }
  }
  const out: PrekeyBundleWire[] = [];
  for (const r of rows) {
    let otpk: { key_id: number; dh_pub: string } | undefined;
    for (let attempt = 0; attempt < 5 && !otpk; attempt++) {
      const candidate = await db.selectFrom('one_time_prekeys').select(['key_id', 'dh_pub']).where('device_id', '=', r.device_id).orderBy('key_id').limit(1).executeTakeFirst();
      if (!candidate) break;
      const del = await db.deleteFrom('one_time_prekeys').where('device_id', '=', r.device_id).where('key_id', '=', candidate.key_id).executeTakeFirst();
      if (Number(del.numDeletedRows) === 1) otpk = candidate;
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

export async function listDevices(db: Db, networkId: string, userId: number): Promise<DeviceInfo[]> {
  const rows = await db
    .selectFrom('device_keys as k')
    .innerJoin('devices as d', (j) => j.onRef('d.network_id', '=', 'k.network_id').onRef('d.user_id', '=', 'k.user_id').onRef('d.app_id', '=', 'k.device_id'))
    .select(['k.device_id', 'k.user_id', 'd.type', 'k.client', 'k.approved', 'k.revoked', 'd.status', 'd.created_at', 'd.last_login', 'k.identity_sign_pub', 'k.identity_dh_pub'])
    .where('k.network_id', '=', networkId)
    .where('k.user_id', '=', userId)
    .orderBy('d.created_at')
    .execute();
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
export async function revokeDevice(db: Db, networkId: string, userId: number, deviceId: string): Promise<void> {
  await db.updateTable('device_keys').set({ revoked: 1 }).where('device_id', '=', deviceId).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  await db.updateTable('devices').set({ status: DEVICE_RESET }).where('network_id', '=', networkId).where('user_id', '=', userId).where('app_id', '=', deviceId).execute();
  // Its sessions stay (they now answer device_reset, so the client can say why), unusable.
  await db.deleteFrom('one_time_prekeys').where('device_id', '=', deviceId).execute();
  await db.deleteFrom('device_cursors').where('device_id', '=', deviceId).execute();
}

/**
 * Checks the sign-in proof of an existing device: signDetached(identity, 'enclave-login-v1',
 * UTF-8 `<deviceId>|<timestamp>`), the timestamp within 5 minutes of the server's clock.
 */
export function verifyLoginSignature(identitySignPub: string, deviceId: string, timestamp: number, signature: string, now: number): boolean {
  if (Math.abs(now - timestamp) > LOGIN_SIGNATURE_WINDOW_MS) return false;
  try {
    verifyDetached(fromBase64Url(identitySignPub), LOGIN_SIGNATURE_CONTEXT, utf8Encode(`${deviceId}|${timestamp}`), fromBase64Url(signature));
    return true;
  } catch {
    return false;
  }
}

/** A short code a member types on the new device: 8 characters without look-alikes. */
export function newApprovalCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let s = '';
  for (let i = 0; i < 8; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
