// The bus of the embedded single-node mode: every event stays in this process. Delivery is
// asynchronous (one microtask per delivery), so a publisher never re-enters its own handlers, and
// each handler gets its own decoded copy of the event — the same semantics as the NATS bus, so code
// that works on one node works on many. A handler that throws is reported to onError; it must never
// stop delivery to other handlers or reach the publisher.
import { checkPattern, checkSubject, defaultOnError, encodeEvent, subjectMatches, type BusErrorHandler, type BusHandler, type FlushableBus } from './subjects.js';

interface Subscription {
  pattern: string;
  handler: BusHandler;
  active: boolean;
}

export interface InProcessBusOptions {
  onError?: BusErrorHandler;
}

export class InProcessBus implements FlushableBus {
  readonly #subs = new Set<Subscription>();
  readonly #onError: BusErrorHandler;
  #closed = false;

  constructor(opts: InProcessBusOptions = {}) {
    this.#onError = opts.onError ?? defaultOnError;
  }

  async publish(subject: string, event: unknown): Promise<void> {
    if (this.#closed) throw new Error('the bus is closed');
    checkSubject(subject);
    const json = encodeEvent(event);
    for (const sub of this.#subs) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      queueMicrotask(() => {
        // Unsubscribed (or closed) after the publish: not delivered.
        if (!sub.active) return;
        try {
          sub.handler(subject, JSON.parse(json));
        } catch (err) {
          this.#report(err, subject);
        }
      });
    }
  }

  #report(err: unknown, subject: string): void {
    try {
      this.#onError(err, subject);
    } catch {
      // An error handler that throws must not break delivery either.
    }
  }

  subscribe(pattern: string, handler: BusHandler): () => void {
    if (this.#closed) throw new Error('the bus is closed');
    checkPattern(pattern);
    const sub: Subscription = { pattern, handler, active: true };
    this.#subs.add(sub);
    return () => {
      sub.active = false;
      this.#subs.delete(sub);
    };
  }

  /** Subscriptions take effect at once in a single process; resolves after deliveries already queued. */
  async flush(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Deliveries already queued still run (as NATS drains); nothing new is accepted.
    this.#closed = true;
    await this.flush();
    for (const sub of this.#subs) sub.active = false;
    this.#subs.clear();
  }
}
