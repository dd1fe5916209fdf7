// The member plane's unit of work: one transaction of the store whose domain events reach the
// caller's sink only once it committed (a rolled-back change announces nothing). The transport that
// gave the sink publishes what reached it (api/member, realtime/hub.ts publish).
import type { Kysely } from 'kysely';
import { inTransaction, type WriteTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import { EventBuffer, type DomainEvents } from '../../kernel/events.js';

/** Runs `work` in one transaction; the events it emits are passed on to `events` after the commit. */
export async function transact<T>(db: Kysely<Database>, events: DomainEvents, work: (tx: WriteTx, events: DomainEvents) => Promise<T>): Promise<T> {
  const pending = new EventBuffer();
  const out = await inTransaction(db, (tx) => work(tx, pending));
  for (const e of pending.drain()) events.emit(e);
  return out;
}
