// Writes CloudTrail records. A mutating call's record goes into the call's own transaction (`write`),
// so a change never exists without its record. Records of read-only and failed calls change nothing
// they describe, so they are group-committed (`defer`): buffered for at most `maxDelayMs` (250 ms) and
// written together in one transaction, instead of one durable write (an fsync, which stalls SQLite's
// single connection) per read. A crash can lose the records of the reads of the last quarter second,
// never a change's record. `flush` writes the
// buffer now (LookupEvents does, so a caller always finds its own calls); `close` flushes for good.
import type { Kysely } from 'kysely';
import type { Database } from '../../infra/schema.js';
import { inTransaction, type WriteTx } from '../../infra/db.js';
import type { CloudTrailRecord } from './events.js';
import { recordEvent } from './repo.js';

export interface AuditWriterOptions {
  maxDelayMs?: number;
  maxBatch?: number;
  /** At most this many records wait when the database refuses them; older ones are dropped (and logged). */
  maxPending?: number;
  onError?: (err: unknown, dropped: number) => void;
}

export class AuditWriter {
  readonly #db: Kysely<Database>;
  readonly #maxDelayMs: number;
  readonly #maxBatch: number;
  readonly #maxPending: number;
  readonly #onError: (err: unknown, dropped: number) => void;
  #pending: CloudTrailRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Kysely<Database>, options: AuditWriterOptions = {}) {
    this.#db = db;
    this.#maxDelayMs = options.maxDelayMs ?? 250;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxPending = options.maxPending ?? 100_000;
    this.#onError = options.onError ?? ((err) => console.error('audit: could not write records', err));
  }

  /** Writes a record in the caller's transaction. */
  async write(db: WriteTx, record: CloudTrailRecord): Promise<void> {
    await recordEvent(db, record);
  }

  /** Queues a record of a call that changed nothing; written within maxDelayMs. */
  defer(record: CloudTrailRecord): void {
    this.#pending.push(record);
    if (this.#pending.length >= this.#maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#maxDelayMs);
  }

  /** Writes every queued record (one transaction per batch), in order. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeAll());
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #writeAll(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        await inTransaction(this.#db, async (tx) => {
          for (const r of batch) await recordEvent(tx, r);
        });
      } catch (err) {
        // Keep them for the next round; beyond maxPending the oldest go (and say so).
        this.#pending.unshift(...batch);
        const dropped = Math.max(0, this.#pending.length - this.#maxPending);
        if (dropped > 0) this.#pending.splice(0, dropped);
        this.#onError(err, dropped);
        this.#timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
    }
  }
}
