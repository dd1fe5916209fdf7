/**
 * keys.ts — owns this device's long-term keys in the local store: the identity key pair, signed
 * prekeys and one-time prekeys; generation for a new device, lookups for session setup, deletion
 * of used one-time prekeys, and replenishment on the server (`GET /v1/keys/count`, `PUT /v1/keys`).
 * Uploads only public halves; private keys never leave the encrypted store.
 */
import {
  KeysUpload,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type IdentityKeyPair,
  type OneTimePrekeyPair,
  type PrekeyStore,
  type SignedPrekeyPair,
} from '@enclave/protocol';
import {
  deviceKeysWire,
  identityFromRecord,
  identityToRecord,
  otpkFromRecord,
  otpkToRecord,
  spkFromRecord,
  spkToRecord,
  type IdentityRecord,
  type OneTimePrekeyRecord,
  type SignedPrekeyRecord,
} from './codec.js';
import type { Context } from './context.js';
import { PrekeyCount } from './schemas.js';
import type { EncryptedStore } from './store/encrypted-store.js';
import type { NewDevice } from '@enclave/protocol';

/** One-time prekeys uploaded with a new device and topped up to. */
export const PREKEY_BATCH = 100;
/** Replenish when the server holds fewer than this. */
export const PREKEY_LOW_WATER = 25;

interface KeyMeta {
  nextOneTimeId: number;
  currentSignedPrekeyId: number;
}

const K = {
  identity: 'keys/identity',
  meta: 'keys/meta',
  spk: (id: number) => `keys/spk/${id}`,
  otpk: (id: number) => `keys/otpk/${id}`,
};

/** Keys of a device that is about to register (not stored until the server accepts the device). */
export interface NewDeviceKeys {
  identity: IdentityKeyPair;
  signedPrekey: SignedPrekeyPair;
  oneTimePrekeys: OneTimePrekeyPair[];
}

export function generateDeviceKeys(): NewDeviceKeys {
  const identity = generateIdentity();
  return { identity, signedPrekey: generateSignedPrekey(identity, 1), oneTimePrekeys: generateOneTimePrekeys(1, PREKEY_BATCH) };
}

export function newDeviceWire(keys: NewDeviceKeys, type: NewDevice['type'], client: string): NewDevice {
  return { type, client, keys: deviceKeysWire(keys.identity, keys.signedPrekey, keys.oneTimePrekeys) };
}

/** Persists a new device's keys (after the server accepted it). */
export async function saveDeviceKeys(store: EncryptedStore, keys: NewDeviceKeys, now: number): Promise<void> {
  await store.putJson(K.identity, identityToRecord(keys.identity));
  await store.putJson(K.spk(keys.signedPrekey.id), spkToRecord(keys.signedPrekey, now));
  for (const k of keys.oneTimePrekeys) await store.putJson(K.otpk(k.id), otpkToRecord(k));
  const meta: KeyMeta = { nextOneTimeId: keys.oneTimePrekeys.length + 1, currentSignedPrekeyId: keys.signedPrekey.id };
  await store.putJson(K.meta, meta);
}

export async function loadIdentity(store: EncryptedStore): Promise<IdentityKeyPair | undefined> {
  const r = await store.getJson<IdentityRecord>(K.identity);
  return r ? identityFromRecord(r) : undefined;
}

/** Wipes every key of this device (device reset, re-registration). */
export async function deleteDeviceKeys(store: EncryptedStore): Promise<void> {
  for (const folder of ['keys/', 'keys/spk/', 'keys/otpk/']) for (const k of await store.list(folder)) await store.delete(k);
}

export class KeyManager {
  private spks = new Map<number, SignedPrekeyPair>();
  private otpks = new Map<number, OneTimePrekeyPair>();

  private constructor(
    private readonly ctx: Context,
    readonly identity: IdentityKeyPair,
  ) {}

  static async load(ctx: Context): Promise<KeyManager> {
    const identity = await loadIdentity(ctx.store);
    if (!identity) throw new Error('this profile has no device keys');
    const km = new KeyManager(ctx, identity);
    for (const key of await ctx.store.list('keys/spk/')) {
      const r = await ctx.store.getJson<SignedPrekeyRecord>(key);
      if (r) km.spks.set(r.id, spkFromRecord(r));
    }
    for (const key of await ctx.store.list('keys/otpk/')) {
      const r = await ctx.store.getJson<OneTimePrekeyRecord>(key);
      if (r) km.otpks.set(r.id, otpkFromRecord(r));
    }
    return km;
  }

  /** Synchronous lookups for sessionAcceptInitial. */
  prekeyStore(): PrekeyStore {
    return { signedPrekey: (id) => this.spks.get(id), oneTimePrekey: (id) => this.otpks.get(id) };
  }

  /** A one-time prekey is used once: delete it for good. */
  async consumeOneTimePrekey(id: number): Promise<void> {
    this.otpks.delete(id);
    await this.ctx.store.delete(K.otpk(id));
  }

  /** Tops the server's one-time prekeys up to PREKEY_BATCH when it holds fewer than PREKEY_LOW_WATER. */
  async replenish(): Promise<number> {
    const { oneTimePrekeys } = await this.ctx.http.json('GET', '/v1/keys/count', PrekeyCount);
    if (oneTimePrekeys >= PREKEY_LOW_WATER) return 0;
    const count = Math.min(200, PREKEY_BATCH - oneTimePrekeys);
    const uploaded = await this.ctx.crypto.run(async () => {
      const meta = (await this.ctx.store.getJson<KeyMeta>(K.meta)) ?? { nextOneTimeId: 1, currentSignedPrekeyId: 1 };
      const fresh = generateOneTimePrekeys(meta.nextOneTimeId, count);
      for (const k of fresh) {
        await this.ctx.store.putJson(K.otpk(k.id), otpkToRecord(k));
        this.otpks.set(k.id, k);
      }
      await this.ctx.store.putJson(K.meta, { ...meta, nextOneTimeId: meta.nextOneTimeId + count });
      return fresh;
    });
    const body = KeysUpload.parse({ oneTimePrekeys: uploaded.map((k) => ({ id: k.id, dhPub: otpkToRecord(k).dhPub })) });
    // Private halves are durable before the public halves are handed out.
    await this.ctx.store.flush();
    await this.ctx.http.json('PUT', '/v1/keys', PrekeyCount, { body });
    this.ctx.logger.log('info', 'keys.replenished', { count });
    return count;
  }
}
