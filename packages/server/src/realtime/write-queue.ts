// Group commit for the messaging plane: sends, deletions and receipts from every socket and REST call
// are queued and written in batches, one transaction per batch, so one fsync (SQLite) or one commit
// round trip (PostgreSQL) covers many messages. Order is kept: items run in the order they were
// submitted, and a caller's promise resolves only after the batch holding its item committed
// ("acknowledged" means durable). An item that fails with a MessagingError (validation: nothing was
// written for it) fails alone; any other error rolls the batch back and its items are retried one by
// one, each in its own transaction.
import type { Kysely } from 'kysely';
import { inTransaction, type WriteTx } from '../infra/db.js';
import type { Database } from '../infra/schema.js';
import { MessagingError } from '../kernel/member-errors.js';

interface Item {
  run(tx: WriteTx): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface WriteQueueOptions {
  db: Kysely<Database>;
  /** Most items per transaction. */
  maxBatch?: number;
  onError?: (err: unknown) => void;
}

export class WriteQueue {
  private readonly queue: Item[] = [];
  private running = false;
  private readonly maxBatch: number;

  constructor(private readonly o: WriteQueueOptions) {
    this.maxBatch = o.maxBatch ?? 256;
  }

  /** Runs `work` in a batch transaction; resolves with its result after the commit. */
  submit<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves when everything submitted so far has been written. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        // Let the event loop gather what else arrives while the previous batch was committing.
        await new Promise((r) => setImmediate(r));
        const batch = this.queue.splice(0, this.maxBatch);
        await this.runBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Item[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      await inTransaction(this.o.db, async (tx) => {
        outcomes.length = 0;
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: await item.run(tx) });
          } catch (err) {
            if (!(err instanceof MessagingError)) throw err;
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      this.o.onError?.(err);
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Something other than a refusal: retry each item alone, so only the culprit fails.
      for (const item of batch) await this.runBatch([item]);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.err);
    });
  }
}
