/**
 * node/sqlite-store.ts — owns the SQLite backend of LocalStore for Node profiles that receive many
 * messages (the retention bot): one `profile.sqlite` file in the profile directory (WAL,
 * synchronous=FULL), every commit one transaction (one fsync for many records), the profile lock
 * (profile-lock.ts), mode 0700 / 0600. A directory that holds a FileStore profile (`*.rec` files) is
 * imported once, in one transaction, and its files removed after. Stores only the opaque bytes
 * EncryptedStore gives it; never decrypts anything.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LocalStore, StoreOp } from '../store/local-store.js';
import { ProfileLock } from './profile-lock.js';

export interface SqliteStoreOptions {
  /** Take the profile lock (default true). */
  lock?: boolean;
  /** How long to wait for another process to release the lock (default 15 s). */
  lockWaitMs?: number;
}

export const SQLITE_PROFILE_FILE = 'profile.sqlite';

export class SqliteStore implements LocalStore {
  private lock?: ProfileLock;
  private readonly q: {
    get: Database.Statement<[string], { value: Buffer }>;
    upsert: Database.Statement<[string, Buffer]>;
    remove: Database.Statement<[string]>;
    range: Database.Statement<[string, string], { key: string }>;
  };

  private constructor(
    readonly dir: string,
    private readonly db: Database.Database,
  ) {
    this.q = {
      get: db.prepare('SELECT value FROM records WHERE key = ?'),
      upsert: db.prepare('INSERT OR REPLACE INTO records (key, value) VALUES (?, ?)'),
      remove: db.prepare('DELETE FROM records WHERE key = ?'),
      // Range scan: every key k with prefix <= k < prefix + U+FFFF.
      range: db.prepare('SELECT key FROM records WHERE key >= ? AND key < ? ORDER BY key'),
    };
  }

  static async open(dir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    const lock = options.lock ?? true ? await ProfileLock.acquire(dir, options.lockWaitMs ?? 15_000) : undefined;
    const file = join(dir, SQLITE_PROFILE_FILE);
    const fresh = !existsSync(file);
    let db: Database.Database;
    try {
      db = new Database(file);
      chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
    } catch (err) {
      lock?.release();
      throw err;
    }
    const store = new SqliteStore(dir, db);
    store.lock = lock;
    if (fresh && lock) store.importFileStore();
    return store;
  }

  /** Moves the records of a FileStore profile in the same directory into the database. */
  private importFileStore(): void {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.rec'));
    if (files.length === 0) return;
    this.db.transaction(() => {
      for (const f of files) this.q.upsert.run(decodeURIComponent(f.slice(0, -4)), readFileSync(join(this.dir, f)));
    })();
    for (const f of files) rmSync(join(this.dir, f), { force: true });
    rmSync(join(this.dir, '.journal'), { force: true });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const row = this.q.get.get(key);
    return row ? new Uint8Array(row.value) : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.q.upsert.run(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    this.q.remove.run(key);
  }

  async commit(ops: StoreOp[]): Promise<void> {
    this.db.transaction(() => {
      for (const op of ops) {
        if (op.value === null) this.q.remove.run(op.key);
        else this.q.upsert.run(op.key, Buffer.from(op.value));
      }
    })();
  }

  async list(prefix: string): Promise<string[]> {
    const rows = this.q.range.all(prefix, prefix + '\uffff');
    return rows.map((r) => r.key).filter((k) => k.startsWith(prefix));
  }

  async clear(): Promise<void> {
    this.db.exec('DELETE FROM records');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.lock?.release();
    this.lock = undefined;
  }
}
