/// <reference lib="dom" />
/**
 * browser/indexeddb-store.ts — owns the browser backend of LocalStore on the plain IndexedDB API:
 * one object store of opaque byte records keyed by string. Holds only what EncryptedStore gives it
 * (ciphertext and hashed names); never decrypts. Not exercised by the Node test suite.
 */
import type { LocalStore } from '../store/local-store.js';

const OBJECT_STORE = 'records';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export class IndexedDbStore implements LocalStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating when needed) the database `name`, one per profile. */
  static async open(name = 'enclave-profile', factory: IDBFactory = globalThis.indexedDB): Promise<IndexedDbStore> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE);
    };
    return new IndexedDbStore(await request(req));
  }

  private tx(mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(OBJECT_STORE, mode).objectStore(OBJECT_STORE);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const v = (await request(this.tx('readonly').get(key))) as ArrayBuffer | Uint8Array | undefined;
    if (v === undefined) return undefined;
    return v instanceof Uint8Array ? Uint8Array.from(v) : new Uint8Array(v);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await request(this.tx('readwrite').put(Uint8Array.from(value), key));
  }

  async delete(key: string): Promise<void> {
    await request(this.tx('readwrite').delete(key));
  }

  async list(prefix: string): Promise<string[]> {
    const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
    const keys = await request(this.tx('readonly').getAllKeys(range));
    return keys.map(String).filter((k) => k.startsWith(prefix)).sort();
  }

  async clear(): Promise<void> {
    await request(this.tx('readwrite').clear());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
