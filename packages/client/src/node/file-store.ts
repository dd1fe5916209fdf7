/**
 * node/file-store.ts — owns the Node profile directory backend of LocalStore: one file per record
 * (`<name>.rec`), written atomically (temp file, fsync, rename), multi-record commits through a
 * journal, directory mode 0700 and files 0600, and the profile lock (profile-lock.ts) so two
 * processes never drive the same device (their ratchet states would diverge). Stores only the opaque bytes EncryptedStore gives it; never decrypts anything.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, chmodSync, statSync } from 'node:fs';
import { readdir, readFile, rename, rm, unlink, open } from 'node:fs/promises';
import { join } from 'node:path';
import { EnclaveError } from '../errors.js';
import type { LocalStore, StoreOp } from '../store/local-store.js';
import { ProfileLock } from './profile-lock.js';

/** Journal format: repeated [u16 key length][key][u32 value length or 0xffffffff = delete][value]. */
function encodeJournal(ops: StoreOp[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const op of ops) {
    const key = Buffer.from(op.key, 'utf8');
    const head = Buffer.alloc(6);
    head.writeUInt16BE(key.length, 0);
    head.writeUInt32BE(op.value === null ? 0xffffffff : op.value.length, 2);
    parts.push(head.subarray(0, 2), key, head.subarray(2), ...(op.value ? [Buffer.from(op.value)] : []));
  }
  return Buffer.concat(parts);
}

function decodeJournal(raw: Buffer): StoreOp[] {
  const ops: StoreOp[] = [];
  let off = 0;
  while (off < raw.length) {
    if (off + 6 > raw.length) throw new EnclaveError('internal', 'The profile journal is damaged.');
    const keyLen = raw.readUInt16BE(off);
    const key = raw.toString('utf8', off + 2, off + 2 + keyLen);
    const len = raw.readUInt32BE(off + 2 + keyLen);
    off += 6 + keyLen;
    if (len === 0xffffffff) ops.push({ key, value: null });
    else {
      if (off + len > raw.length) throw new EnclaveError('internal', 'The profile journal is damaged.');
      ops.push({ key, value: new Uint8Array(raw.subarray(off, off + len)) });
      off += len;
    }
  }
  return ops;
}

function encodeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')) + '.rec';
}

function decodeName(file: string): string | undefined {
  if (!file.endsWith('.rec')) return undefined;
  return decodeURIComponent(file.slice(0, -4));
}

export interface FileStoreOptions {
  /** Take the profile lock (default true). */
  lock?: boolean;
  /** How long to wait for another process to release the lock (default 15 s). */
  lockWaitMs?: number;
}

export class FileStore implements LocalStore {
  private lock?: ProfileLock;
  private tmpCounter = 0;

  private constructor(readonly dir: string) {}

  static async open(dir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    const store = new FileStore(dir);
    if (options.lock ?? true) store.lock = await ProfileLock.acquire(dir, options.lockWaitMs ?? 15_000);
    if (store.lock) await store.replayJournal();
    return store;
  }

  private get journalPath(): string {
    return join(this.dir, '.journal');
  }

  /**
   * Atomic multi-record commit: the changes are first written to `.journal` (fsynced, renamed into
   * place), then applied record by record, then the journal is removed. A crash in between is
   * repaired on the next open by applying the journal again (applying twice is harmless).
   */
  async commit(ops: StoreOp[]): Promise<void> {
    if (ops.length === 1) {
      const op = ops[0]!;
      return op.value === null ? this.delete(op.key) : this.put(op.key, op.value);
    }
    await this.writeDurably(this.journalPath, encodeJournal(ops));
    await this.apply(ops);
    await unlink(this.journalPath);
  }

  private async apply(ops: StoreOp[]): Promise<void> {
    for (const op of ops) {
      if (op.value === null) await this.delete(op.key);
      else await this.put(op.key, op.value);
    }
  }

  private async replayJournal(): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readFile(this.journalPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await this.apply(decodeJournal(raw));
    await unlink(this.journalPath);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.dir, encodeName(key))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.writeDurably(join(this.dir, encodeName(key)), value);
  }

  private async writeDurably(target: string, value: Uint8Array): Promise<void> {
    const tmp = join(this.dir, `.tmp-${process.pid}-${++this.tmpCounter}`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(value);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(join(this.dir, encodeName(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (const f of await readdir(this.dir)) {
      const k = decodeName(f);
      if (k !== undefined && k.startsWith(prefix)) out.push(k);
    }
    return out.sort();
  }

  async clear(): Promise<void> {
    for (const f of await readdir(this.dir)) {
      if (f.endsWith('.rec') || f.startsWith('.tmp-') || f === '.journal') await rm(join(this.dir, f), { force: true });
    }
    // Make the deletions durable before a new store is created in the same directory.
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } catch {
      /* directories cannot be fsynced on every platform */
    } finally {
      closeSync(fd);
    }
  }

  async close(): Promise<void> {
    this.lock?.release();
    this.lock = undefined;
  }
}
