// Domain events: what a use case tells the rest of the server after its change committed. A use case
// emits them into the sink it was given; the transport that ran it publishes them only once the
// transaction committed (a rolled-back change announces nothing). Subscribers live in realtime/ (the
// delivery hub re-checks members, pushes new records, closes suspended sockets).

export type DomainEvent =
  /** An admin change to a network (its settings, security groups, users…): members' policies and access are re-checked. */
  | { type: 'network-changed'; networkId: string; operation: string }
  /** New records (messages, receipts, system records) were committed to these conversations. */
  | { type: 'records-added'; records: { convId: string; seq: number }[] }
  /** A member account's devices or status changed (suspended, reset, deleted): its sockets are re-checked. */
  | { type: 'account-changed'; networkId: string; userId: number; reason: string };

export interface DomainEvents {
  emit(event: DomainEvent): void;
}

/** A sink that keeps events until the change commits; `drain` hands them over once. */
export class EventBuffer implements DomainEvents {
  private events: DomainEvent[] = [];

  emit(event: DomainEvent): void {
    this.events.push(event);
  }

  /** The events emitted so far, in order; the buffer is empty afterwards. */
  drain(): DomainEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}
