/**
 * store/local-store.ts — owns the LocalStore interface (small binary records by string key) and the
 * in-memory implementation. Backends (MemoryStore, node FileStore, browser IndexedDbStore) store
 * opaque bytes; the SDK always wraps them in EncryptedStore so nothing reaches a backend in clear.
 */

/** One change of an atomic commit: a new value, or null to delete the record. */
export interface StoreOp {
  key: string;
  value: Uint8Array | null;
}

export interface LocalStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Replaces the record atomically (a reader sees the old or the new value, never a mix). */
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /**
   * Applies every change or none of them, durably (a crash leaves the old or the new set of
   * records, never a mix). Optional: without it, changes are applied one by one (see commitTo).
   */
  commit?(ops: StoreOp[]): Promise<void>;
  /** Removes every record (password reset = full account reset). */
  clear(): Promise<void>;
  /** Releases the backend (file locks, database handles). */
  close?(): Promise<void>;
}

/**
 * Commits `ops` with the backend's atomic commit, or one by one when it has none (a crash may then
 * leave part of the changes: such backends give each record's own atomicity only).
 */
export async function commitTo(store: LocalStore, ops: StoreOp[]): Promise<void> {
  if (ops.length === 0) return;
  if (store.commit) return store.commit(ops);
  for (const op of ops) {
    if (op.value === null) await store.delete(op.key);
    else await store.put(op.key, op.value);
  }
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

  async commit(ops: StoreOp[]): Promise<void> {
    for (const op of ops) {
      if (op.value === null) this.records.delete(op.key);
      else this.records.set(op.key, Uint8Array.from(op.value));
    }
  }

  async clear(): Promise<void> {
    this.records.clear();
  }

  /** Raw view for tests (to check nothing is stored in clear). */
  rawEntries(): [string, Uint8Array][] {
    return [...this.records.entries()];
  }
}
