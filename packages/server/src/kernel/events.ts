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
  | { type: 'account-changed'; networkId: string; userId: number; reason: string }
  /**
   * Members joined or left a conversation, or it was deleted (`deleted`): sockets start or stop
   * following it; `seq` is the record of the change (none when the conversation is gone).
   */
  | { type: 'members-changed'; convId: string; networkId: string; added: number[]; removed: number[]; deleted: boolean; seq: number | undefined }
  /** A member changed their own name: the conversations they are in are sent again. */
  | { type: 'profile-changed'; networkId: string; userId: number }
  /** Messages past their expiry or burned after reading were deleted: members' devices drop them. */
  | { type: 'messages-expired'; convId: string; messageIds: string[] };

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
