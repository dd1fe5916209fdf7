// The one context every command receives: `(ctx, input) → result`, with ctx = the transaction, the
// actor, the clock and the sinks. Admin operations, IAM actions and the console's routes all build it
// the same way (api/admin/adapter.ts, api/iam/routes.ts), so a use case can be shared by transports.
import type { AdminActor } from '../kernel/actor.js';
import type { DomainEvents } from '../kernel/events.js';
import type { ReadTx, WriteTx } from '../infra/db.js';
import type { SecretBox } from '../infra/secret-box.js';

export interface CommandContext<Tx extends ReadTx = ReadTx | WriteTx> {
  /** A write transaction for mutating commands; the store (a read handle) for read-only ones. */
  tx: Tx;
  actor: AdminActor;
  region: string;
  /** Request time, epoch milliseconds. */
  now: number;
  secrets: SecretBox;
  /** Published after the change committed. */
  events: DomainEvents;
}
