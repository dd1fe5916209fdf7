// Unit tests of encryption at rest: EncryptedStore over MemoryStore and the Node FileStore.
import { mkdtempSync, rmSync, statSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptedStore } from './encrypted-store.js';
import { MemoryStore } from './local-store.js';
import { FileStore } from '../node/file-store.js';
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
    for (const [k, v] of backend.rawEntries()) {
      expect(k).not.toContain('SECRETDEVICE');
      expect(Buffer.from(v).toString('latin1')).not.toContain('PLAINTEXT-SECRET');
      expect(Buffer.from(v).toString('latin1')).not.toContain('SECRETDEVICE');
    }
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
    const raw = backend.rawEntries().filter(([k]) => k.startsWith('r.'));
    // Swap the two records' bytes: the additional data binds each to its name.
    await backend.put(raw[0]![0], raw[1]![1]);
    await expect(Promise.all([s.get('a'), s.get('b')])).rejects.toMatchObject({ code: 'integrity' });
  });

  it('clear() wipes everything, metadata included', async () => {
    const backend = new MemoryStore();
    const s = await EncryptedStore.open(backend, 'pw', kdf);
    await s.put('x', enc('1'));
    await s.clear();
    expect(backend.rawEntries()).toHaveLength(0);
    expect(await EncryptedStore.exists(backend)).toBe(false);
  });
});

describe('FileStore', () => {
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
