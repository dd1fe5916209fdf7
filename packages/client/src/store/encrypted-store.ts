/**
 * store/encrypted-store.ts — owns encryption at rest of the SDK's local records. A key is derived
 * from the password with scrypt (salt and cost parameters in clear in the backend's `meta` record);
 * every record is AES-256-GCM (WebCrypto) with a fresh nonce, its additional data binding the
 * backend key so records cannot be swapped. Record names are hidden too: the backend key is an
 * HMAC of the logical key, grouped by an HMAC of its folder (everything before the last '/'), and
 * the logical key travels inside the ciphertext. Must never write a plaintext byte or name to the
 * backend, nor keep the password.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromBase64Url, toBase64Url, utf8Decode, utf8Encode } from '@enclave/protocol';
import { EnclaveError, enclaveError } from '../errors.js';
import type { LocalStore } from './local-store.js';

export const META_KEY = 'meta';
const CHECK_TEXT = 'enclave-local-store-v1';
const VERSION = 1;

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** scrypt cost for new stores: N = 2^17, r = 8, p = 1 (128 MiB, about half a second). */
export const DEFAULT_KDF: KdfParams = { N: 2 ** 17, r: 8, p: 1 };

interface Meta {
  v: number;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  check: string;
}

function buf(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

export class EncryptedStore implements LocalStore {
  private constructor(
    private readonly backend: LocalStore,
    private readonly aes: CryptoKey,
    private readonly nameKey: Uint8Array,
  ) {}

  /** True when the backend already holds an encrypted store (a profile exists). */
  static async exists(backend: LocalStore): Promise<boolean> {
    return (await backend.get(META_KEY)) !== undefined;
  }

  /**
   * Opens the store with `password`, creating it when the backend is empty. A wrong password is
   * `invalid_credentials` ("Incorrect password").
   */
  static async open(backend: LocalStore, password: string, kdf: KdfParams = DEFAULT_KDF): Promise<EncryptedStore> {
    const raw = await backend.get(META_KEY);
    if (!raw) {
      const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
      const store = await EncryptedStore.derive(backend, password, salt, kdf);
      const check = await store.seal(META_KEY, utf8Encode(CHECK_TEXT));
      const meta: Meta = { v: VERSION, kdf: 'scrypt', ...kdf, salt: toBase64Url(salt), check: toBase64Url(check) };
      await backend.put(META_KEY, utf8Encode(JSON.stringify(meta)));
      return store;
    }
    let meta: Meta;
    try {
      meta = JSON.parse(utf8Decode(raw)) as Meta;
    } catch {
      throw new EnclaveError('internal', 'The local store is damaged (unreadable metadata).');
    }
    if (meta.v !== VERSION || meta.kdf !== 'scrypt') throw new EnclaveError('internal', 'The local store has an unknown format.');
    const store = await EncryptedStore.derive(backend, password, fromBase64Url(meta.salt), meta);
    try {
      const check = await store.unseal(META_KEY, fromBase64Url(meta.check));
      if (utf8Decode(check) !== CHECK_TEXT) throw new Error('check');
    } catch {
      throw enclaveError('invalid_credentials');
    }
    return store;
  }

  private static async derive(backend: LocalStore, password: string, salt: Uint8Array, kdf: KdfParams): Promise<EncryptedStore> {
    const okm = await scryptAsync(utf8Encode(password.normalize('NFKC')), salt, { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 64, maxmem: 2 ** 30 });
    const aes = await globalThis.crypto.subtle.importKey('raw', buf(okm.slice(0, 32)), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    const nameKey = okm.slice(32);
    okm.fill(0);
    return new EncryptedStore(backend, aes, nameKey);
  }

  private folderOf(key: string): string {
    const i = key.lastIndexOf('/');
    return i < 0 ? '' : key.slice(0, i + 1);
  }

  private bucket(folder: string): string {
    return bytesToHex(hmac(sha256, this.nameKey, utf8Encode('folder|' + folder))).slice(0, 24);
  }

  private physical(key: string): string {
    const leaf = bytesToHex(hmac(sha256, this.nameKey, utf8Encode('key|' + key))).slice(0, 40);
    return `r.${this.bucket(this.folderOf(key))}.${leaf}`;
  }

  private async seal(physical: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ad = utf8Encode('enclave-store-v1|' + physical);
    const ct = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: buf(ad) }, this.aes, buf(plaintext)));
    const out = new Uint8Array(1 + 12 + ct.length);
    out[0] = VERSION;
    out.set(nonce, 1);
    out.set(ct, 13);
    return out;
  }

  private async unseal(physical: string, sealed: Uint8Array): Promise<Uint8Array> {
    if (sealed.length < 29 || sealed[0] !== VERSION) throw new EnclaveError('integrity', 'A local record is damaged.');
    const ad = utf8Encode('enclave-store-v1|' + physical);
    try {
      const pt = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: buf(sealed.subarray(1, 13)), additionalData: buf(ad) },
        this.aes,
        buf(sealed.subarray(13)),
      );
      return new Uint8Array(pt);
    } catch {
      throw new EnclaveError('integrity', 'A local record is damaged or was encrypted with another password.');
    }
  }

  private async readRecord(physical: string): Promise<{ key: string; value: Uint8Array } | undefined> {
    const sealed = await this.backend.get(physical);
    if (!sealed) return undefined;
    const pt = await this.unseal(physical, sealed);
    const len = (pt[0]! << 8) | pt[1]!;
    return { key: utf8Decode(pt.subarray(2, 2 + len)), value: pt.slice(2 + len) };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const rec = await this.readRecord(this.physical(key));
    return rec && rec.key === key ? rec.value : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const name = utf8Encode(key);
    if (name.length > 0xffff) throw new EnclaveError('bad_request', 'Local record key too long.');
    const pt = new Uint8Array(2 + name.length + value.length);
    pt[0] = name.length >> 8;
    pt[1] = name.length & 0xff;
    pt.set(name, 2);
    pt.set(value, 2 + name.length);
    const physical = this.physical(key);
    await this.backend.put(physical, await this.seal(physical, pt));
  }

  async delete(key: string): Promise<void> {
    await this.backend.delete(this.physical(key));
  }

  /**
   * Keys starting with `prefix`. The prefix must be a folder (end with '/'); only records directly
   * in that folder are listed (not sub-folders), because names are hidden per folder.
   */
  async list(prefix: string): Promise<string[]> {
    const folder = this.folderOf(prefix);
    const out: string[] = [];
    for (const physical of await this.backend.list(`r.${this.bucket(folder)}.`)) {
      const rec = await this.readRecord(physical);
      if (rec && rec.key.startsWith(prefix) && this.folderOf(rec.key) === folder) out.push(rec.key);
    }
    return out.sort();
  }

  /**
   * Re-encrypts every record under a key from `password` (a new salt) and returns the store to use
   * from now on. Crash-safe: the new records are written beside the old ones (their names differ),
   * then the metadata is replaced in one write (the switch), then the old records are removed. A
   * crash before the switch leaves the old store intact, after it the new one.
   */
  async rekey(password: string, kdf: KdfParams = DEFAULT_KDF): Promise<EncryptedStore> {
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const next = await EncryptedStore.derive(this.backend, password, salt, kdf);
    const old = await this.backend.list('r.');
    const written = new Set<string>();
    for (const physical of old) {
      const rec = await this.readRecord(physical);
      if (!rec) continue;
      await next.put(rec.key, rec.value);
      written.add(next.physical(rec.key));
    }
    const check = await next.seal(META_KEY, utf8Encode(CHECK_TEXT));
    const meta: Meta = { v: VERSION, kdf: 'scrypt', ...kdf, salt: toBase64Url(salt), check: toBase64Url(check) };
    await this.backend.put(META_KEY, utf8Encode(JSON.stringify(meta)));
    for (const physical of old) if (!written.has(physical)) await this.backend.delete(physical);
    this.nameKey.fill(0);
    return next;
  }

  /** Removes every record, the metadata included: the next open creates a new store. */
  async clear(): Promise<void> {
    await this.backend.clear();
  }

  async close(): Promise<void> {
    this.nameKey.fill(0);
    await this.backend.close?.();
  }

  // JSON helpers used throughout the SDK.
  async getJson<T>(key: string): Promise<T | undefined> {
    const v = await this.get(key);
    return v ? (JSON.parse(utf8Decode(v)) as T) : undefined;
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, utf8Encode(JSON.stringify(value)));
  }
}
