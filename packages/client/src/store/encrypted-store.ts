/**
 * store/encrypted-store.ts — owns encryption at rest of the SDK's local records. A key is derived
 * from the password with scrypt (salt and cost parameters in clear in the backend's `meta` record);
 * every record is AES-256-GCM (WebCrypto) with a fresh nonce, its additional data binding the
 * backend key so records cannot be swapped. Record names are hidden too: the backend key is an
 * HMAC of the logical key, grouped by an HMAC of its folder (everything before the last '/'), and
 * the logical key travels inside the ciphertext. Must never write a plaintext byte or name to the
 * backend, nor keep the password.
 *
 * Writes are write-behind with group commit: put/delete change an in-memory overlay that reads see
 * at once, and `flush()` seals the overlay's latest values and hands them to the backend as one
 * atomic `commit` (one fsync for many records). A flush is scheduled after every write, so nothing
 * waits long; callers that need durability before an effect outside the device (sending a frame
 * or acknowledgement, publishing keys, returning a new profile) await `flush()` first. `atomic(fn)`
 * marks a unit of changes (one received message: ratchet step, decrypted message, cursor) that a
 * flush never splits: a flush waits for running units to finish, and new units wait for the flush's
 * snapshot. Code inside `atomic` must never await `flush()` (it would wait for itself).
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { aesGcmDecrypt, aesGcmEncrypt, fromBase64Url, hmacSha256, toBase64Url, utf8Decode, utf8Encode } from '@enclave/protocol';
import { EnclaveError, enclaveError } from '../errors.js';
import { commitTo, type LocalStore, type StoreOp } from './local-store.js';

export const META_KEY = 'meta';
/**
 * Writes not followed by an explicit flush become durable within this many ms (group commit).
 * Whatever must be durable before an effect outside the device flushes explicitly; this only
 * bounds how long the rest waits, and sets how many commits (fsyncs) a busy receiver makes.
 */
const AUTO_FLUSH_MS = 40;
/**
 * A flush whose snapshot holds records written with putNewJson (a receiver's kept copies of
 * decrypted messages, deleted once the app has them) waits up to this many ms for them to be deleted
 * before sealing: a copy deleted in time never reaches the backend (no insert, no delete). The rest
 * of the snapshot waits with them, so a unit is still committed whole.
 */
const KEPT_HOLD_MS = 50;
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


/** A platform scrypt (Node: OpenSSL's, whose 128 MiB work area is freed at once); same output as noble's. */
export type ScryptImpl = (password: Uint8Array, salt: Uint8Array, kdf: KdfParams, dkLen: number) => Promise<Uint8Array>;
let nativeScrypt: ScryptImpl | undefined;

/** Installs (or removes) the platform scrypt; nodePlatform() installs node:crypto's. */
export function useNativeScrypt(impl: ScryptImpl | undefined): void {
  nativeScrypt = impl;
}

export class EncryptedStore implements LocalStore {
  /** Logical key → latest plaintext value (null = deleted), not yet handed to a flush. */
  private overlay = new Map<string, Uint8Array | null>();
  /**
   * Keys written with putNewJson (the caller knows the backend has no such record) and not yet handed
   * to a flush: deleting one only forgets the overlay's value, nothing goes to the backend.
   */
  private readonly fresh = new Set<string>();
  /** Hidden folder names by folder (an HMAC each, computed once). */
  private readonly buckets = new Map<string, string>();
  /** The snapshot a running flush is committing (read after the overlay). */
  private committing?: Map<string, Uint8Array | null>;
  /** While a flush waits before sealing: the snapshot's fresh keys not yet deleted (KEPT_HOLD_MS). */
  private holding?: { keys: Set<string>; done: () => void };
  private flushTail: Promise<void> = Promise.resolve();
  private queuedFlush?: Promise<void>;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private soon?: Promise<void>;
  private active = 0;
  private idle?: { promise: Promise<void>; resolve: () => void };
  private gate?: { promise: Promise<void>; resolve: () => void };

  private constructor(
    private readonly backend: LocalStore,
    private readonly aes: Uint8Array,
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
    const pw = utf8Encode(password.normalize('NFKC'));
    const okm = nativeScrypt ? await nativeScrypt(pw, salt, kdf, 64) : await scryptAsync(pw, salt, { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 64, maxmem: 2 ** 30 });
    pw.fill(0);
    const aes = okm.slice(0, 32);
    const nameKey = okm.slice(32);
    okm.fill(0);
    return new EncryptedStore(backend, aes, nameKey);
  }

  private folderOf(key: string): string {
    const i = key.lastIndexOf('/');
    return i < 0 ? '' : key.slice(0, i + 1);
  }

  private bucket(folder: string): string {
    let name = this.buckets.get(folder);
    if (name === undefined) {
      name = bytesToHex(hmacSha256(this.nameKey, utf8Encode('folder|' + folder))).slice(0, 24);
      // Folders are few (sessions/, sender-keys/, cursors/…); the cap only guards odd callers.
      if (this.buckets.size >= 256) this.buckets.clear();
      this.buckets.set(folder, name);
    }
    return name;
  }

  private physical(key: string): string {
    const leaf = bytesToHex(hmacSha256(this.nameKey, utf8Encode('key|' + key))).slice(0, 40);
    return `r.${this.bucket(this.folderOf(key))}.${leaf}`;
  }

  private async seal(physical: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ad = utf8Encode('enclave-store-v1|' + physical);
    const ct = await aesGcmEncrypt(this.aes, nonce, plaintext, ad);
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
      return await aesGcmDecrypt(this.aes, sealed.subarray(1, 13), sealed.subarray(13), ad);
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
    const v = await this.read(key);
    return v && Uint8Array.from(v);
  }

  /** The current value, not copied (the overlay's own bytes): for callers that only decode it. */
  private async read(key: string): Promise<Uint8Array | undefined> {
    const pending = this.overlay.has(key) ? this.overlay.get(key) : this.committing?.get(key);
    if (pending !== undefined) return pending === null ? undefined : pending;
    const rec = await this.readRecord(this.physical(key));
    return rec && rec.key === key ? rec.value : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.unfresh(key);
    this.write(key, this.checkKey(key, Uint8Array.from(value)));
  }

  async delete(key: string): Promise<void> {
    if (this.fresh.has(key) && !this.overlay.has(key) && this.holding?.keys.has(key)) {
      // Still in the snapshot of a flush that has not sealed it: it never reaches the backend.
      this.committing!.delete(key);
      this.unfresh(key);
      return;
    }
    if (this.unfresh(key) && this.overlay.has(key) && !this.committing?.has(key)) {
      this.overlay.delete(key);
      return;
    }
    this.write(key, null);
  }

  /** Forgets that `key` is fresh (true if it was). */
  private unfresh(key: string): boolean {
    const h = this.holding;
    if (h?.keys.delete(key) && h.keys.size === 0) h.done();
    return this.fresh.delete(key);
  }

  private checkKey(key: string, value: Uint8Array): Uint8Array {
    if (key.length > 0x3fff && utf8Encode(key).length > 0xffff) throw new EnclaveError('bad_request', 'Local record key too long.');
    return value;
  }

  private write(key: string, value: Uint8Array | null): void {
    this.overlay.set(key, value);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().catch(() => undefined);
    }, AUTO_FLUSH_MS);
  }

  /**
   * Keys starting with `prefix`. The prefix must be a folder (end with '/'); only records directly
   * in that folder are listed (not sub-folders), because names are hidden per folder.
   */
  async list(prefix: string): Promise<string[]> {
    const folder = this.folderOf(prefix);
    const keys = new Set<string>();
    for (const physical of await this.backend.list(`r.${this.bucket(folder)}.`)) {
      const rec = await this.readRecord(physical);
      if (rec && rec.key.startsWith(prefix) && this.folderOf(rec.key) === folder) keys.add(rec.key);
    }
    for (const layer of [this.committing, this.overlay]) {
      for (const [key, value] of layer ?? []) {
        if (!key.startsWith(prefix) || this.folderOf(key) !== folder) continue;
        if (value === null) keys.delete(key);
        else keys.add(key);
      }
    }
    return [...keys].sort();
  }

  /** Runs `fn` as one unit of changes: a flush commits all of it or none of it. */
  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate.promise;
    this.active++;
    try {
      return await fn();
    } finally {
      if (--this.active === 0) this.idle?.resolve();
    }
  }

  /**
   * Makes every write made so far durable. Calls arriving while a flush runs share the next one;
   * a failed commit keeps its changes pending (the next flush retries them) and rejects.
   */
  flush(): Promise<void> {
    if (this.queuedFlush) return this.queuedFlush;
    const run = this.flushTail.then(() => {
      this.queuedFlush = undefined;
      return this.commitPending();
    });
    this.queuedFlush = run;
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  /**
   * Like flush(), but lets a busy receiver batch: waits up to `ms` for more changes to join the
   * commit (acknowledgements use this; nothing outside the device depends on them sooner).
   */
  flushWithin(ms: number): Promise<void> {
    if (this.queuedFlush) return this.queuedFlush;
    this.soon ??= new Promise<void>((r) => setTimeout(r, ms)).then(() => {
      this.soon = undefined;
      return this.flush();
    });
    return this.soon;
  }

  private async commitPending(): Promise<void> {
    if (this.overlay.size === 0) return;
    if (this.active > 0) {
      let resolveGate!: () => void;
      this.gate = { promise: new Promise<void>((r) => (resolveGate = r)), resolve: () => resolveGate() };
      let resolveIdle!: () => void;
      this.idle = { promise: new Promise<void>((r) => (resolveIdle = r)), resolve: () => resolveIdle() };
      await this.idle.promise;
      this.idle = undefined;
    }
    const snapshot = this.overlay;
    this.overlay = new Map();
    this.committing = snapshot;
    const gate = this.gate;
    this.gate = undefined;
    gate?.resolve();
    try {
      await this.holdKept(snapshot);
      // What this flush takes is in the backend from now on (or, if it fails, back in the overlay as
      // ordinary writes).
      for (const key of snapshot.keys()) this.fresh.delete(key);
      const ops: StoreOp[] = [];
      for (const [key, value] of snapshot) {
        const physical = this.physical(key);
        ops.push(value === null ? { key: physical, value: null } : { key: physical, value: await this.seal(physical, this.recordBytes(key, value)) });
      }
      if (ops.length > 0) await commitTo(this.backend, ops);
    } catch (err) {
      // Keep the changes pending under anything written since (newer values win).
      for (const [key, value] of snapshot) if (!this.overlay.has(key)) this.overlay.set(key, value);
      throw err;
    } finally {
      this.committing = undefined;
    }
  }

  /** Waits (up to KEPT_HOLD_MS) for the snapshot's fresh records to be deleted; see delete(). */
  private async holdKept(snapshot: Map<string, Uint8Array | null>): Promise<void> {
    const keys = new Set<string>();
    for (const key of snapshot.keys()) if (this.fresh.has(key) && !this.overlay.has(key)) keys.add(key);
    if (keys.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.holding = { keys, done: resolve };
      timer = setTimeout(resolve, KEPT_HOLD_MS);
    });
    clearTimeout(timer);
    this.holding = undefined;
  }

  private recordBytes(key: string, value: Uint8Array): Uint8Array {
    const name = utf8Encode(key);
    const pt = new Uint8Array(2 + name.length + value.length);
    pt[0] = name.length >> 8;
    pt[1] = name.length & 0xff;
    pt.set(name, 2);
    pt.set(value, 2 + name.length);
    return pt;
  }

  /**
   * Re-encrypts every record under a key from `password` (a new salt) and returns the store to use
   * from now on. Crash-safe: the new records are written beside the old ones (their names differ),
   * then the metadata is replaced in one write (the switch), then the old records are removed. A
   * crash before the switch leaves the old store intact, after it the new one.
   */
  async rekey(password: string, kdf: KdfParams = DEFAULT_KDF): Promise<EncryptedStore> {
    await this.flush();
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
    await next.flush();
    const check = await next.seal(META_KEY, utf8Encode(CHECK_TEXT));
    const meta: Meta = { v: VERSION, kdf: 'scrypt', ...kdf, salt: toBase64Url(salt), check: toBase64Url(check) };
    await this.backend.put(META_KEY, utf8Encode(JSON.stringify(meta)));
    for (const physical of old) if (!written.has(physical)) await this.backend.delete(physical);
    this.nameKey.fill(0);
    this.aes.fill(0);
    return next;
  }

  /** Removes every record, the metadata included: the next open creates a new store. */
  async clear(): Promise<void> {
    this.overlay.clear();
    this.fresh.clear();
    await this.flushTail;
    this.overlay.clear();
    await this.backend.clear();
  }

  /** Flushes what is pending, then releases the backend. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
    this.nameKey.fill(0);
    this.aes.fill(0);
    await this.backend.close?.();
  }

  // JSON helpers used throughout the SDK.
  async getJson<T>(key: string): Promise<T | undefined> {
    const v = await this.read(key);
    return v ? (JSON.parse(utf8Decode(v)) as T) : undefined;
  }

  async putJson(key: string, value: unknown): Promise<void> {
    // Freshly encoded bytes nobody else holds: no copy needed.
    this.unfresh(key);
    this.write(key, this.checkKey(key, utf8Encode(JSON.stringify(value))));
  }

  /**
   * Like putJson, for a record the caller knows is not in the backend (a new, unique key): if it is
   * deleted again before a flush took it, it never reaches the backend at all. A wrong promise
   * only leaves the backend's older record in place.
   */
  async putNewJson(key: string, value: unknown): Promise<void> {
    this.write(key, this.checkKey(key, utf8Encode(JSON.stringify(value))));
    this.fresh.add(key);
  }
}
