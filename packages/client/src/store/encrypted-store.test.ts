// Unit tests of encryption at rest: EncryptedStore over MemoryStore and the Node FileStore.
import { mkdtempSync, rmSync, statSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptedStore, useNativeScrypt } from './encrypted-store.js';
import { nodePlatform } from '../node/platform.js';
import { MemoryStore } from './local-store.js';
import { FileStore } from '../node/file-store.js';
import { SqliteStore } from '../node/sqlite-store.js';
import type { StoreOp } from './local-store.js';
import { EnclaveError } from '../errors.js';

const kdf = { N: 2 ** 10, r: 8, p: 1 };
const enc = (s: string) => new TextEncoder().encode(s);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('EncryptedStore', () => {
  it('round-trips records and lists a folder', async () => {
    const s = await EncryptedStore.open(new MemoryStore(), 'pw', kdf);
    await s.put('msg/c1/a', enc('hello'));
    await s.put('msg/c1/b', enc('world'));
    await s.put('msg/c2/a', enc('other'));
    await s.putJson('profile', { x: 1 });
    expect(new TextDecoder().decode(await s.get('msg/c1/a'))).toBe('hello');
    expect(await s.list('msg/c1/')).toEqual(['msg/c1/a', 'msg/c1/b']);
    expect(await s.getJson('profile')).toEqual({ x: 1 });
    await s.delete('msg/c1/a');
    expect(await s.get('msg/c1/a')).toBeUndefined();
    expect(await s.list('msg/c1/')).toEqual(['msg/c1/b']);
  });

  it('writes neither values nor names in clear', async () => {
    const backend = new MemoryStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    await s.put('sess/SECRETDEVICE', enc('PLAINTEXT-SECRET'));
    await s.flush();
    expect(backend.rawEntries().length).toBeGreaterThanOrEqual(2);
    for (const [k, v] of backend.rawEntries()) {
      expect(k).not.toContain('SECRETDEVICE');
      expect(Buffer.from(v).toString('latin1')).not.toContain('PLAINTEXT-SECRET');
      expect(Buffer.from(v).toString('latin1')).not.toContain('SECRETDEVICE');
    }
  });

  it('opens a profile made with the pure-JS scrypt and AES-GCM with the native ones, and back', async () => {
    const backend = new MemoryStore();
    useNativeScrypt(undefined);
    const { useNativeCrypto } = await import('@enclave/protocol');
    useNativeCrypto(undefined);
    const a = await EncryptedStore.open(backend, 'pässword', kdf);
    await a.put('k', enc('made by noble + WebCrypto'));
    await a.close();
    nodePlatform(); // installs node:crypto scrypt and AES-GCM
    const b = await EncryptedStore.open(backend, 'pässword', kdf);
    expect(new TextDecoder().decode(await b.get('k'))).toBe('made by noble + WebCrypto');
    await b.put('k2', enc('made by OpenSSL'));
    await b.close();
    await expect(EncryptedStore.open(backend, 'wrong', kdf)).rejects.toMatchObject({ code: 'invalid_credentials' });
    useNativeScrypt(undefined);
    useNativeCrypto(undefined);
    const c = await EncryptedStore.open(backend, 'pässword', kdf);
    expect(new TextDecoder().decode(await c.get('k2'))).toBe('made by OpenSSL');
  });

  it('refuses a wrong password with the guide text', async () => {
    const backend = new MemoryStore();
    await EncryptedStore.open(backend, 'right', kdf);
    const err = await EncryptedStore.open(backend, 'wrong', kdf).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect((err as EnclaveError).code).toBe('invalid_credentials');
    expect((err as EnclaveError).message).toBe('Incorrect password');
    await expect(EncryptedStore.open(backend, 'right', kdf)).resolves.toBeDefined();
  });

  it('detects a tampered or swapped record', async () => {
    const backend = new MemoryStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    await s.put('a', enc('1'));
    await s.put('b', enc('2'));
    await s.flush();
    const raw = backend.rawEntries().filter(([k]) => k.startsWith('r.'));
    // Swap the two records' bytes: the additional data binds each to its name.
    await backend.put(raw[0]![0], raw[1]![1]);
    await expect(Promise.all([s.get('a'), s.get('b')])).rejects.toMatchObject({ code: 'integrity' });
  });

  it('clear() wipes everything, metadata included', async () => {
    const backend = new MemoryStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    await s.put('x', enc('1'));
    await s.flush();
    await s.put('y', enc('2'));
    await s.clear();
    await s.flush();
    expect(backend.rawEntries()).toHaveLength(0);
    expect(await EncryptedStore.exists(backend)).toBe(false);
  });
});

describe('EncryptedStore write-behind', () => {
  /** A backend whose commits can be held open or made to fail. */
  class GatedStore extends MemoryStore {
    commits: StoreOp[][] = [];
    failNext = false;
    hold?: Promise<void>;
    override async commit(ops: StoreOp[]): Promise<void> {
      await this.hold;
      if (this.failNext) {
        this.failNext = false;
        throw new Error('disk full');
      }
      this.commits.push(ops);
      await super.commit(ops);
    }
  }

  it('a new record deleted before a flush never reaches the backend; once flushed, its deletion does', async () => {
    const backend = new GatedStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    const before = backend.rawEntries().length;
    // Kept and released within one commit window (a message handed over before the next flush).
    await s.putNewJson('pending/c.m1', { id: 'm1' });
    expect(await s.getJson('pending/c.m1')).toEqual({ id: 'm1' });
    await s.putJson('cursor/c', { seq: 1 });
    await s.delete('pending/c.m1');
    expect(await s.get('pending/c.m1')).toBeUndefined();
    await s.flush();
    expect(backend.commits.at(-1)).toHaveLength(1); // the cursor only: no write, no delete for m1
    expect(backend.rawEntries()).toHaveLength(before + 1);

    // Flushed first, deleted after: the deletion is committed.
    await s.putNewJson('pending/c.m2', { id: 'm2' });
    await s.flush();
    expect(backend.rawEntries()).toHaveLength(before + 2);
    await s.delete('pending/c.m2');
    await s.flush();
    expect(backend.commits.at(-1)).toEqual([expect.objectContaining({ value: null })]);
    expect(backend.rawEntries()).toHaveLength(before + 1);

    // Overwritten with an ordinary put: no longer known to be new, its deletion is written.
    await s.putNewJson('pending/c.m3', { id: 'm3' });
    await s.putJson('pending/c.m3', { id: 'm3', v: 2 });
    await s.delete('pending/c.m3');
    await s.flush();
    expect(backend.commits.at(-1)).toEqual([expect.objectContaining({ value: null })]);

    // Deleted while a flush waits for its kept copies (a receiver's archive finishing): it never
    // reaches the backend, and the rest of the snapshot is committed with the wait.
    await s.putNewJson('pending/c.m4', { id: 'm4' });
    await s.putJson('cursor/c', { seq: 4 });
    const waiting = s.flush();
    await new Promise((r) => setTimeout(r, 5));
    await s.delete('pending/c.m4');
    await waiting;
    expect(backend.commits.at(-1)).toHaveLength(1); // the cursor only
    expect(backend.rawEntries()).toHaveLength(before + 1);
    expect(await s.get('pending/c.m4')).toBeUndefined();

    // Deleted while a flush is committing it (the wait is over): the deletion follows in the next flush.
    let release!: () => void;
    backend.hold = new Promise<void>((r) => (release = r));
    await s.putNewJson('pending/c.m5', { id: 'm5' });
    const committing = s.flush();
    await new Promise((r) => setTimeout(r, 150));
    await s.delete('pending/c.m5');
    release();
    await committing;
    backend.hold = undefined;
    expect(backend.rawEntries()).toHaveLength(before + 2);
    await s.flush();
    expect(backend.rawEntries()).toHaveLength(before + 1);
    expect(await s.get('pending/c.m5')).toBeUndefined();
    await s.close();
  });

  it('keeps writes in memory until a flush commits them together', async () => {
    const backend = new GatedStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    const before = backend.rawEntries().length;
    await s.put('sess/d1', enc('ratchet-1'));
    await s.put('sess/d1', enc('ratchet-2'));
    await s.put('cursor/c', enc('7'));
    expect(backend.rawEntries()).toHaveLength(before);
    expect(new TextDecoder().decode(await s.get('sess/d1'))).toBe('ratchet-2');
    await s.flush();
    expect(backend.commits).toHaveLength(1);
    expect(backend.commits[0]).toHaveLength(2); // the latest value of each key, once
    const reopened = await EncryptedStore.open(backend, 'pw', kdf);
    expect(new TextDecoder().decode(await reopened.get('sess/d1'))).toBe('ratchet-2');
    expect(new TextDecoder().decode(await reopened.get('cursor/c'))).toBe('7');
  });

  it('never splits an atomic unit across commits', async () => {
    const backend = new GatedStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    let release!: () => void;
    const unitRunning = new Promise<void>((r) => (release = r));
    const unit = s.atomic(async () => {
      await s.put('sess/d', enc('step'));
      await unitRunning;
      await s.put('pending/c.m1', enc('decrypted'));
    });
    await new Promise((r) => setTimeout(r, 5));
    const flushed = s.flush();
    await new Promise((r) => setTimeout(r, 5));
    expect(backend.commits).toHaveLength(0); // the flush waits for the unit
    release();
    await unit;
    await flushed;
    const keys = backend.commits.flatMap((ops) => ops.map((o) => o.key));
    expect(backend.commits).toHaveLength(1);
    expect(keys).toHaveLength(2);
  });

  it('keeps the changes of a failed commit and commits them with the next flush', async () => {
    const backend = new GatedStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    await s.put('a', enc('1'));
    backend.failNext = true;
    await expect(s.flush()).rejects.toThrow('disk full');
    await s.put('b', enc('2'));
    expect(new TextDecoder().decode(await s.get('a'))).toBe('1');
    await s.flush();
    const reopened = await EncryptedStore.open(backend, 'pw', kdf);
    expect(new TextDecoder().decode(await reopened.get('a'))).toBe('1');
    expect(new TextDecoder().decode(await reopened.get('b'))).toBe('2');
  });

  it('lists pending writes and deletions with the committed records', async () => {
    const s = await EncryptedStore.open(new MemoryStore(), 'pw', kdf);
    await s.put('msg/c/1', enc('x'));
    await s.put('msg/c/2', enc('y'));
    await s.flush();
    await s.delete('msg/c/1');
    await s.put('msg/c/3', enc('z'));
    expect(await s.list('msg/c/')).toEqual(['msg/c/2', 'msg/c/3']);
  });
});

describe('FileStore', () => {
  it('replays an interrupted multi-record commit on the next open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-fs-'));
    dirs.push(dir);
    const a = await FileStore.open(dir);
    await a.put('old', enc('gone soon'));
    await a.close();
    // A commit that crashed after its journal was written and before it was applied.
    const { writeFileSync } = await import('node:fs');
    const journal = Buffer.concat([
      Buffer.from([0, 1]), Buffer.from('x'), Buffer.from([0, 0, 0, 3]), Buffer.from('one'),
      Buffer.from([0, 3]), Buffer.from('old'), Buffer.from([0xff, 0xff, 0xff, 0xff]),
    ]);
    writeFileSync(join(dir, '.journal'), journal);
    const b = await FileStore.open(dir);
    expect(new TextDecoder().decode(await b.get('x'))).toBe('one');
    expect(await b.get('old')).toBeUndefined();
    expect(readdirSync(dir)).not.toContain('.journal');
    await b.commit([{ key: 'p', value: enc('1') }, { key: 'q', value: enc('2') }, { key: 'x', value: null }]);
    expect(await b.list('')).toEqual(['p', 'q']);
    await b.close();
  });

  it('keeps a 0700 directory of encrypted records and survives reopening', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'enclave-fs-')), 'profile');
    dirs.push(dir);
    const fs1 = await FileStore.open(dir);
    const s = await EncryptedStore.open(fs1, 'pw', kdf);
    await s.put('msg/c/1', enc('top secret text'));
    await s.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) {
      if (f === 'meta.rec' || !f.endsWith('.rec')) continue;
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, f)).toString('latin1')).not.toContain('top secret');
    }
    const s2 = await EncryptedStore.open(await FileStore.open(dir), 'pw', kdf);
    expect(new TextDecoder().decode(await s2.get('msg/c/1'))).toBe('top secret text');
    await s2.close();
  });

  it('lets one process hold a profile at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-fs-'));
    dirs.push(dir);
    const a = await FileStore.open(dir);
    // Same process, so simulate another holder by a lock file with a live foreign pid (pid 1).
    await a.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, '.lock'), '1');
    await expect(FileStore.open(dir, { lockWaitMs: 200 })).rejects.toMatchObject({ code: 'conflict' });
    writeFileSync(join(dir, '.lock'), '999999999');
    const b = await FileStore.open(dir, { lockWaitMs: 200 });
    await b.close();
  });
});

describe('SqliteStore', () => {
  it('commits atomically, survives reopening and keeps the profile private', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'enclave-sq-')), 'profile');
    dirs.push(dir);
    const st = await SqliteStore.open(dir);
    const s = await EncryptedStore.open(st, 'pw', kdf);
    await s.put('msg/c/1', enc('top secret text'));
    await s.put('sess/d', enc('state'));
    await s.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'profile.sqlite')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'profile.sqlite')).toString('latin1')).not.toContain('top secret');
    const again = await SqliteStore.open(dir);
    await expect(again.commit([{ key: 'k1', value: enc('1') }, { key: 'k2', value: enc('2') }])).resolves.toBeUndefined();
    // A failing commit (not a Uint8Array) changes nothing.
    await expect(again.commit([{ key: 'k3', value: enc('3') }, { key: 'k1', value: 42 as unknown as Uint8Array }])).rejects.toThrow();
    expect(await again.get('k3')).toBeUndefined();
    expect(await again.list('k')).toEqual(['k1', 'k2']);
    const s2 = await EncryptedStore.open(again, 'pw', kdf);
    expect(new TextDecoder().decode(await s2.get('msg/c/1'))).toBe('top secret text');
    await s2.close();
  });

  it('imports a FileStore profile from the same directory once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-sq-'));
    dirs.push(dir);
    const fs1 = await FileStore.open(dir);
    const s = await EncryptedStore.open(fs1, 'pw', kdf);
    await s.put('profile', enc('me'));
    await s.close();
    const st = await SqliteStore.open(dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.rec'))).toEqual([]);
    const s2 = await EncryptedStore.open(st, 'pw', kdf);
    expect(new TextDecoder().decode(await s2.get('profile'))).toBe('me');
    await s2.close();
  });
});
