/**
 * node/file-store.ts — owns the Node profile directory backend of LocalStore: one file per record
 * (`<name>.rec`), written atomically (temp file, fsync, rename), directory mode 0700 and files 0600,
 * and a `.lock` file so two processes never drive the same device (their ratchet states would
 * diverge). Stores only the opaque bytes EncryptedStore gives it; never decrypts anything.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, unlinkSync, chmodSync, statSync } from 'node:fs';
import { readdir, readFile, rename, rm, unlink, open } from 'node:fs/promises';
import { join } from 'node:path';
import { EnclaveError } from '../errors.js';
import type { LocalStore } from '../store/local-store.js';

function encodeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')) + '.rec';
}

function decodeName(file: string): string | undefined {
  if (!file.endsWith('.rec')) return undefined;
  return decodeURIComponent(file.slice(0, -4));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface FileStoreOptions {
  /** Take the profile lock (default true). */
  lock?: boolean;
  /** How long to wait for another process to release the lock (default 15 s). */
  lockWaitMs?: number;
}

export class FileStore implements LocalStore {
  private locked = false;
  private tmpCounter = 0;

  private constructor(readonly dir: string) {}

  static async open(dir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    const store = new FileStore(dir);
    if (options.lock ?? true) await store.acquire(options.lockWaitMs ?? 15_000);
    return store;
  }

  private get lockPath(): string {
    return join(this.dir, '.lock');
  }

  private async acquire(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const fd = openSync(this.lockPath, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.locked = true;
        const release = () => this.releaseSync();
        process.once('exit', release);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let holder = NaN;
      try {
        holder = Number(readFileSync(this.lockPath, 'utf8'));
      } catch {
        continue;
      }
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
        try {
          unlinkSync(this.lockPath);
        } catch {
          /* someone else removed it */
        }
        continue;
      }
      if (Date.now() >= deadline) throw new EnclaveError('conflict', `The profile ${this.dir} is in use by process ${holder}.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private releaseSync(): void {
    if (!this.locked) return;
    this.locked = false;
    try {
      if (Number(readFileSync(this.lockPath, 'utf8')) === process.pid) unlinkSync(this.lockPath);
    } catch {
      /* already gone */
    }
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
    const target = join(this.dir, encodeName(key));
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
      if (f.endsWith('.rec') || f.startsWith('.tmp-')) await rm(join(this.dir, f), { force: true });
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
    this.releaseSync();
  }
}
