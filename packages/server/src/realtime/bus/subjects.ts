// The bus's contract and the rules both transports share: what a subject and a subscription pattern
// look like (NATS syntax: '.'-separated tokens, '*' one token, '>' the rest), how a pattern matches a
// subject, and how events are encoded (small JSON values). Holds no state and must never deliver
// anything itself.

export type BusHandler = (subject: string, event: unknown) => void;

export interface Bus {
  /** Publishes an event to every node (including this one) that subscribed to a matching subject. Resolves once handed to the transport (NATS: flushed). */
  publish(subject: string, event: unknown): Promise<void>;
  /** NATS-style subject patterns: tokens separated by '.', '*' matches one token, '>' matches the rest. Returns an unsubscribe function. */
  subscribe(pattern: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

/** A bus whose subscriptions can be confirmed: after flush() resolves, every subscribe() made before it receives events published from any node. */
export interface FlushableBus extends Bus {
  flush(): Promise<void>;
}

/** Reports a handler that threw (or, for NATS, an event that could not be decoded or a connection error). */
export type BusErrorHandler = (err: unknown, subject: string) => void;

export const defaultOnError: BusErrorHandler = (err, subject) => {
  console.error(`bus: handler for ${subject} failed:`, err);
};

/** Events are small: a JSON encoding longer than this is refused at publish. */
export const MAX_EVENT_BYTES = 64 * 1024;

// A token: printable, no whitespace, no '.', and not containing the wildcard characters.
const TOKEN = /^[^\s.*>\p{Cc}]+$/u;

/** Throws a TypeError unless `subject` is a concrete subject: non-empty tokens, no wildcards, no whitespace. */
export function checkSubject(subject: string, what = 'subject'): void {
  if (typeof subject !== 'string' || subject === '' || !subject.split('.').every((t) => TOKEN.test(t))) {
    throw new TypeError(`invalid bus ${what} ${JSON.stringify(subject)}: expected '.'-separated tokens without whitespace or wildcards`);
  }
}

/** Throws a TypeError unless `pattern` is a subject in which whole tokens may be '*', and the last token may be '>'. */
export function checkPattern(pattern: string): void {
  const tokens = typeof pattern === 'string' && pattern !== '' ? pattern.split('.') : [];
  const ok = tokens.length > 0 && tokens.every((t, i) => t === '*' || (t === '>' && i === tokens.length - 1) || TOKEN.test(t));
  if (!ok) throw new TypeError(`invalid bus subscription pattern ${JSON.stringify(pattern)}: expected '.'-separated tokens, '*' for one token, '>' last for the rest`);
}

/** Whether a (valid) pattern matches a (valid) subject, with NATS semantics: '>' matches one or more tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The JSON text of an event; throws a TypeError for what JSON cannot carry and a RangeError for an oversized event. */
export function encodeEvent(event: unknown): string {
  const json = JSON.stringify(event);
  if (json === undefined) throw new TypeError('a bus event must be a JSON value');
  if (Buffer.byteLength(json, 'utf8') > MAX_EVENT_BYTES) throw new RangeError(`a bus event must encode to at most ${MAX_EVENT_BYTES} bytes of JSON`);
  return json;
}
