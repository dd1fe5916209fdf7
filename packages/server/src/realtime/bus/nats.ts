// The bus across server nodes: NATS core publish/subscribe (no JetStream; events are notifications,
// not a log — a node that misses one resynchronises from the database). Owns one NATS connection
// and the subject space "<namespace>.>" on it; subscribers see subjects without the namespace. It
// must never publish or subscribe outside its namespace, never let a handler's exception reach the
// NATS client (it is reported to onError), and never give up reconnecting (maxReconnectAttempts -1).
import { connect, type NatsConnection, type Subscription } from 'nats';
import { checkPattern, checkSubject, defaultOnError, encodeEvent, type BusErrorHandler, type BusHandler, type FlushableBus } from './subjects.js';

export interface NatsBusOptions {
  /** NATS server URL(s): one string (comma-separated for several) or a list. */
  servers: string | string[];
  /** Prefix of every subject: one token of 1-64 characters A-Z a-z 0-9 _ - (one token, so no namespace is a prefix of another), e.g. "enclave" or "test-1234". */
  namespace: string;
  onError?: BusErrorHandler;
  /** Connection name shown by the NATS server's monitoring. */
  name?: string;
}

const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsBus implements FlushableBus {
  readonly namespace: string;
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #onError: BusErrorHandler;
  readonly #subs = new Set<Subscription>();
  #closing: Promise<void> | undefined;

  private constructor(nc: NatsConnection, namespace: string, onError: BusErrorHandler) {
    this.#nc = nc;
    this.namespace = namespace;
    this.#prefix = `${namespace}.`;
    this.#onError = onError;
  }

  /** Connects to NATS; fails when no server can be reached now, then reconnects forever once connected. */
  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    if (typeof opts.namespace !== 'string' || !NAMESPACE.test(opts.namespace)) throw new TypeError('invalid bus namespace: expected 1-64 characters of A-Z a-z 0-9 _ -');
    const servers = (Array.isArray(opts.servers) ? opts.servers : opts.servers.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    if (!servers.length) throw new TypeError('NatsBus needs at least one NATS server URL');
    const nc = await connect({ servers, maxReconnectAttempts: -1, name: opts.name ?? `enclave-bus:${opts.namespace}` });
    const bus = new NatsBus(nc, opts.namespace, opts.onError ?? defaultOnError);
    void bus.#watch();
    return bus;
  }

  async #watch(): Promise<void> {
    // Asynchronous errors of the connection (permissions, a slow consumer) and its final error.
    void (async () => {
      for await (const s of this.#nc.status()) {
        if (s.type === 'error') this.#report(s.data, `${this.#prefix}>`);
      }
    })().catch((err: unknown) => this.#report(err, `${this.#prefix}>`));
    const err = await this.#nc.closed();
    if (err) this.#report(err, `${this.#prefix}>`);
  }

  #report(err: unknown, subject: string): void {
    try {
      this.#onError(err, subject);
    } catch {
      // An error handler that throws must not break delivery either.
    }
  }

  async publish(subject: string, event: unknown): Promise<void> {
    if (this.#closing) throw new Error('the bus is closed');
    checkSubject(subject);
    const data = encoder.encode(encodeEvent(event));
    this.#nc.publish(this.#prefix + subject, data);
    await this.#nc.flush();
  }

  subscribe(pattern: string, handler: BusHandler): () => void {
    if (this.#closing) throw new Error('the bus is closed');
    checkPattern(pattern);
    let active = true;
    const sub = this.#nc.subscribe(this.#prefix + pattern, {
      callback: (err, msg) => {
        if (err) {
          this.#report(err, pattern);
          return;
        }
        if (!active) return;
        const subject = msg.subject.startsWith(this.#prefix) ? msg.subject.slice(this.#prefix.length) : msg.subject;
        let event: unknown;
        try {
          event = JSON.parse(decoder.decode(msg.data));
        } catch (e) {
          this.#report(e, subject);
          return;
        }
        try {
          handler(subject, event);
        } catch (e) {
          this.#report(e, subject);
        }
      },
    });
    this.#subs.add(sub);
    return () => {
      if (!active) return;
      active = false;
      this.#subs.delete(sub);
      if (!this.#nc.isClosed()) sub.unsubscribe();
    };
  }

  /** Resolves once the NATS server has processed everything sent so far, including subscriptions. */
  async flush(): Promise<void> {
    await this.#nc.flush();
  }

  /** Drains: events already received are delivered, published ones flushed, then the connection closes. */
  async close(): Promise<void> {
    this.#closing ??= this.#nc.isClosed() ? Promise.resolve() : this.#nc.drain();
    await this.#closing;
  }
}
