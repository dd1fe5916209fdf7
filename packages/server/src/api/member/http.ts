// What the member plane's REST routes share: bodies parsed with the wire schemas, JSON answers and
// MessagingError bodies, and the per-request plumbing: the authenticated member (with the SSO
// session kept alive), a sink for the domain events a use case emits (published by the hub once the
// use case returns; use cases emit only what committed) and one transaction for a command.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { readTx, type ReadTx, type WriteTx } from '../../infra/db.js';
import type { BlobStore } from '../../infra/blobs/index.js';
import type { Database } from '../../infra/schema.js';
import { EventBuffer, type DomainEvent, type DomainEvents } from '../../kernel/events.js';
import { badRequestFrom, fail, MessagingError } from '../../kernel/member-errors.js';
import type { AccountDeps } from '../../usecases/member/accounts.js';
import { authenticateMember, bearer, type Member } from '../../usecases/member/member-auth.js';
import type { SsoDeps } from '../../usecases/member/sso.js';
import { keepSsoSessionAlive } from '../../usecases/member/sso-sessions.js';
import { transact } from '../../usecases/member/transact.js';

export interface RouteDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  /** Group commit of sends, deletions and receipts (realtime/write-queue.ts): resolves after the commit. */
  writes: { submit<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> };
  /** Tells the delivery hub a record was committed (sends, receipts and deletions: the hot path, not an event). */
  committed(convId: string, record: { seq: number }): Promise<void>;
  accounts: AccountDeps;
  sso: SsoDeps;
  now: () => number;
  /** The server's region: the default classification boundary of its networks. */
  region: string;
  /** Announces committed domain events to every node (the hub's publish). */
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** What every resource's routes are given. */
export interface MemberRoutes {
  d: RouteDeps;
  /** The store as a read handle. */
  read: ReadTx;
  /** The member a request is signed in as; refused while its device waits for approval unless `allowPending`. */
  member(req: FastifyRequest, opts?: { allowPending?: boolean }): Promise<Member>;
  /** Runs a use case with an event sink; what it emitted is published when it returns or fails. */
  run<T>(work: (events: DomainEvents) => Promise<T>): Promise<T>;
  /** Runs a command in one transaction; its events are published after the commit. */
  command<T>(work: (tx: WriteTx, events: DomainEvents) => Promise<T>): Promise<T>;
}

export function memberRoutes(d: RouteDeps): MemberRoutes {
  const read = readTx(d.db);
  const run = async <T>(work: (events: DomainEvents) => Promise<T>): Promise<T> => {
    const events = new EventBuffer();
    try {
      return await work(events);
    } finally {
      const committed = events.drain();
      if (committed.length > 0) await d.publish(committed);
    }
  };
  return {
    d,
    read,
    run,
    command: (work) => run((events) => transact(d.db, events, work)),
    async member(req, opts = {}) {
      const m = await authenticateMember(read, bearer(req.headers.authorization), d.now());
      await run((events) => keepSsoSessionAlive(d.sso, events, m)); // SSO sessions: idle timeout, token refresh, grace period
      if (!m.approved && !opts.allowPending) throw fail('device_approval_required');
      return m;
    },
  };
}

/** A request body as JSON (the server parses every body as raw bytes); an empty body is `{}`. */
export function jsonBody(body: unknown): unknown {
  if (!(body instanceof Buffer)) return body ?? {};
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw fail('bad_request', 'The body is not valid JSON.');
  }
}

export function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(jsonBody(body));
  if (!r.success) throw badRequestFrom(r.error.issues);
  return r.data;
}

/** A JSON object body (validated against its schema by the caller). */
export function parseObject(body: unknown): Record<string, unknown> {
  const value = jsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('bad_request', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

export const json = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));

export function sendMessagingError(reply: FastifyReply, err: MessagingError): FastifyReply {
  return reply.status(err.status).header('content-type', 'application/json').send(JSON.stringify(err.toBody()));
}
