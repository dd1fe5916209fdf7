/**
 * store/local-store.ts — owns the LocalStore interface (small binary records by string key) and the
 * in-memory implementation. Backends (MemoryStore, node FileStore, browser IndexedDbStore) store
 * opaque bytes; the SDK always wraps them in EncryptedStore so nothing reaches a backend in clear.
 */

export interface LocalStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Replaces the record atomically (a reader sees the old or the new value, never a mix). */
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Removes every record (password reset = full account reset). */
  clear(): Promise<void>;
  /** Releases the backend (file locks, database handles). */
  close?(): Promise<void>;
}

/** Records in memory only: tests, bots that keep nothing, throw-away sessions. */
export class MemoryStore implements LocalStore {
  private readonly records = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    const v = this.records.get(key);
    return v ? Uint8Array.from(v) : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.records.set(key, Uint8Array.from(value));
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.records.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async clear(): Promise<void> {
    this.records.clear();
  }

  /** Raw view for tests (to check nothing is stored in clear). */
  rawEntries(): [string, Uint8Array][] {
    return [...this.records.entries()];
  }
}
