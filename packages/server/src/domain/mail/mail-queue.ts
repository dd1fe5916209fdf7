// The durable mail queue. An invitation is a row written in the transaction of the admin call that
// created or reinvited the user, so a call that was acknowledged never loses its invitation: when
// the SMTP server is down the row waits and is retried with exponential backoff.
//
// Delivery (MailQueue.deliverDue, run by the messaging jobs every second and right after an admin
// change): a node claims due rows with a lease (lease_owner, lease_until) in one UPDATE …
// RETURNING; on PostgreSQL the candidate rows are selected FOR UPDATE SKIP LOCKED, so nodes
// claiming at the same moment take different rows without waiting on each other, and a row with a
// live lease is never claimed by another node. SQLite has one writer (and one node). A message is
// sent once in normal operation, retries included; only a crash (or a send outlasting the 5-minute
// lease) between the SMTP server's acceptance and the 'sent' mark can repeat it, and then with the
// same Message-ID, so receiving systems can tell.
//
// Invitations are rendered when they are sent (invitations.ts): the code and expiry mailed are the
// user's current ones, and nothing is sent to a user who registered or was deleted meanwhile.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../infra/db.js';
import type { Database, MailQueueTable } from '../../infra/schema.js';
import { renderInvitationFor, type InvitationOutcome } from '../../usecases/member/invitations.js';
import type { Mailer } from '../../infra/mailer.js';

type Db = Kysely<Database>;

/** How long a claimed row is reserved for the node that claimed it. Longer than any send (SMTP timeouts in mailer.ts). */
export const MAIL_LEASE_MS = 5 * 60_000;
/** First retry after 2 s, doubling, at most every 15 minutes. */
export const MAIL_RETRY_BASE_MS = 2_000;
export const MAIL_RETRY_MAX_MS = 15 * 60_000;
/** Rows done with (sent, dropped, failed) are deleted this long after. */
export const MAIL_KEEP_MS = 7 * 24 * 60 * 60_000;
const BATCH = 20;
/** A row is sent only while at least this much of its lease is left (a send takes at most ~50 s: mailer.ts). */
const LEASE_MARGIN_MS = 2 * 60_000;

/**
 * A failure of the SMTP server rather than of one message (connection refused or timed out, DNS,
 * TLS, authentication): the other messages of the batch would fail the same way.
 */
function serverWide(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code !== undefined && ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EAUTH', 'EPROXY', 'ECONNREFUSED'].includes(code);
}

/** The wait before attempt `attempts + 1` when `attempts` attempts failed. */
export function retryDelay(attempts: number): number {
  return Math.min(MAIL_RETRY_MAX_MS, MAIL_RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export interface InvitationToQueue {
  networkId: string;
  userId: number;
  email: string;
}

/**
 * Queues the invitation emails of these users, in the caller's transaction (BatchCreateUser,
 * BatchReinviteUser). For a reinvite, an invitation still waiting for the same user is superseded:
 * the user gets one email, with the current code. New users (`{ newUsers: true }`) have none.
 */
export async function enqueueInvitations(db: Db, users: readonly InvitationToQueue[], now: number, options: { newUsers?: boolean } = {}): Promise<void> {
  if (users.length === 0) return;
  const byNetwork = new Map<string, number[]>();
  if (!options.newUsers) for (const u of users) byNetwork.set(u.networkId, [...(byNetwork.get(u.networkId) ?? []), u.userId]);
  for (const [networkId, userIds] of byNetwork) {
    await db
      .updateTable('mail_queue')
      .set({ state: 'dropped', last_error: 'superseded by a newer invitation', finished_at: now })
      .where('kind', '=', 'invitation')
      .where('state', '=', 'pending')
      .where('network_id', '=', networkId)
      .where('user_id', 'in', userIds)
      // A row being sent right now is left to its sender.
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .execute();
  }
  await db
    .insertInto('mail_queue')
    .values(
      users.map((u) => ({
        // Time-ordered, unique: also the Message-ID and the outbox file name.
        mail_id: `${now}-${randomUUID()}`,
        kind: 'invitation',
        recipient: u.email,
        network_id: u.networkId,
        user_id: u.userId,
        payload: '{}',
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: now,
        finished_at: null,
      })),
    )
    .execute();
}

export interface MailLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface MailQueueOptions {
  db: Db;
  dialect: Dialect;
  mailer: Mailer;
  now: () => number;
  /** Base URL for links (resolved when a mail is sent: the listening address is known by then). */
  publicUrl: () => string;
  log: MailLog;
}

type ClaimedRow = Selectable<MailQueueTable>;

export class MailQueue {
  /** This node's lease owner name. */
  readonly node = randomUUID();
  #running: Promise<number> | undefined;
  #again = false;
  #closed = false;
  #lastPurge = 0;

  constructor(private readonly o: MailQueueOptions) {}

  /**
   * Delivers what is due now (at most one run at a time per node; a call during a run makes the run
   * go round once more). Resolves to the number of rows handled. Never rejects: failures are logged.
   */
  deliverDue(): Promise<number> {
    if (this.#closed) return Promise.resolve(0);
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = async () => {
      let handled = 0;
      do {
        this.#again = false;
        try {
          handled += await this.#deliverBatches();
        } catch (err) {
          this.o.log.error({ err }, 'mail delivery failed; it is retried');
        }
      } while (this.#again && !this.#closed);
      return handled;
    };
    this.#running = run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Starts a delivery run without waiting for it (after an admin change committed mail). */
  kick(): void {
    void this.deliverDue();
  }

  /** Waits for the run in progress, then closes the transport. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    await this.o.mailer.close?.();
  }

  async #deliverBatches(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (this.#closed) return handled;
      const rows = await this.claim(BATCH);
      let unreachable: unknown;
      for (const row of rows) {
        try {
          if (unreachable !== undefined) {
            // The server could not be reached a moment ago: the rest of the batch waits its turn too.
            await this.#failed(row, unreachable);
          } else if (this.o.now() > (row.lease_until ?? 0) - LEASE_MARGIN_MS) {
            // Too little of the lease is left for a send: another node may claim it before this one
            // finishes. Left alone, it is claimed again when the lease runs out.
            continue;
          } else {
            unreachable = await this.#deliver(row);
          }
        } catch (err) {
          // The row keeps its lease and is claimed again when it runs out.
          this.o.log.error({ err, mailId: row.mail_id }, 'mail delivery failed; it is retried when its lease runs out');
        }
      }
      handled += rows.length;
      if (rows.length < BATCH || unreachable !== undefined) break;
    }
    await this.#purge();
    return handled;
  }

  /** Claims up to `limit` due rows for this node. */
  async claim(limit: number): Promise<ClaimedRow[]> {
    const { db } = this.o;
    const now = this.o.now();
    const due = (qb: Db) =>
      qb
        .selectFrom('mail_queue')
        .select('mail_id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]));
    // A read first: most runs find nothing, and a read takes no write lock (SQLite has one writer).
    if (!(await due(db).limit(1).executeTakeFirst())) return [];
    return db
      .updateTable('mail_queue')
      .set((eb) => ({ lease_owner: this.node, lease_until: now + MAIL_LEASE_MS, attempts: eb('attempts', '+', 1) }))
      .where('mail_id', 'in', due(db).orderBy('next_attempt_at').orderBy('mail_id').limit(limit).$if(this.o.dialect === 'postgres', (q) => q.forUpdate().skipLocked()))
      // Checked again on the row itself (PostgreSQL re-reads a row another transaction just changed).
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .returningAll()
      .execute();
  }

  /** Sends one claimed row; resolves to the error when the SMTP server as a whole could not be used. */
  async #deliver(row: ClaimedRow): Promise<unknown> {
    const { db, log } = this.o;
    // Done with: the lease ends; lease_owner stays as the node that handled the row.
    const mine = (now: number) =>
      db.updateTable('mail_queue').set({ lease_until: null, finished_at: now }).where('mail_id', '=', row.mail_id).where('lease_owner', '=', this.node);
    let outcome: InvitationOutcome;
    try {
      if (row.kind !== 'invitation' || row.network_id === null || row.user_id === null) {
        outcome = { send: false, state: 'failed', reason: `unknown kind of mail: ${row.kind}` };
      } else {
        outcome = await renderInvitationFor(db, row.network_id, row.user_id, this.o.publicUrl(), this.o.now());
      }
      if (!outcome.send) {
        await mine(this.o.now()).set({ state: outcome.state, last_error: outcome.reason }).execute();
        if (outcome.state === 'failed') log.error({ mailId: row.mail_id, reason: outcome.reason }, `invitation not sent: ${outcome.reason}`);
        else log.debug({ mailId: row.mail_id, reason: outcome.reason }, `invitation not sent: ${outcome.reason}`);
        return undefined;
      }
      await this.o.mailer.send({ id: row.mail_id, to: outcome.to, subject: outcome.subject, text: outcome.text });
    } catch (err) {
      await this.#failed(row, err);
      return serverWide(err) ? err : undefined;
    }
    const done = await mine(this.o.now()).set({ state: 'sent', last_error: null }).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) log.warn({ mailId: row.mail_id }, 'a mail was sent after its lease ran out: another node may send it again');
    if (this.o.mailer.kind === 'outbox') {
      // Development: no SMTP server, so nobody receives this mail. The one line a developer running
      // `npm start` follows (invitation links only; never codes or reset links: docs/messaging.md).
      log.info({ mailId: row.mail_id, to: outcome.to, subject: outcome.subject, link: outcome.link }, `invitation for ${outcome.to} ("${outcome.subject}") written to the outbox: ${outcome.link}`);
    } else {
      log.debug({ mailId: row.mail_id, attempts: row.attempts }, 'invitation sent');
    }
    return undefined;
  }

  async #failed(row: ClaimedRow, err: unknown): Promise<void> {
    const now = this.o.now();
    const e = err as { message?: string; permanent?: boolean; rejected?: string[]; responseCode?: number };
    const message = String(e.message ?? err).slice(0, 500);
    // The SMTP server refused this recipient for good (5xx on RCPT): retrying cannot help. Any other
    // failure (connection, 4xx, authentication, a refused sender) is retried: it is likely fixed later.
    const permanent = e.permanent === true && (e.rejected?.length ?? 0) > 0;
    const delay = retryDelay(row.attempts);
    const update = this.o.db.updateTable('mail_queue').where('mail_id', '=', row.mail_id).where('lease_owner', '=', this.node);
    try {
      if (permanent) {
        await update.set({ state: 'failed', last_error: message, lease_until: null, finished_at: now }).execute();
        this.o.log.error({ mailId: row.mail_id, attempts: row.attempts, error: message }, 'the SMTP server refused the recipient of an invitation; it is not retried');
      } else {
        await update.set({ next_attempt_at: now + delay, last_error: message, lease_owner: null, lease_until: null }).execute();
        this.o.log.warn({ mailId: row.mail_id, attempts: row.attempts, retryInMs: delay, error: message }, 'could not send an invitation; it is retried');
      }
    } catch (dbErr) {
      // The lease runs out and the row is claimed again.
      this.o.log.error({ err: dbErr, mailId: row.mail_id }, 'could not record a failed mail delivery');
    }
  }

  async #purge(): Promise<void> {
    const now = this.o.now();
    if (now - this.#lastPurge < 60 * 60_000) return;
    this.#lastPurge = now;
    await this.o.db.deleteFrom('mail_queue').where('state', '!=', 'pending').where('finished_at', '<', now - MAIL_KEEP_MS).execute();
  }
}
