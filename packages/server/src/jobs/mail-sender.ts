// Delivers the durable mail queue (domain/mail): run by the messaging plane's timer every second and
// right after an admin change. A node claims due rows with a lease (lease_owner, lease_until) in one
// UPDATE … RETURNING; on PostgreSQL the candidate rows are selected FOR UPDATE SKIP LOCKED, so nodes
// claiming at the same moment take different rows without waiting on each other, and a row with a
// live lease is never claimed by another node. SQLite has one writer (and one node). A message is
// sent once in normal operation, retries included; only a crash (or a send outlasting the 5-minute
// lease) between the SMTP server's acceptance and the 'sent' mark can repeat it, and then with the
// same Message-ID, so receiving systems can tell. When the SMTP server is down, rows wait and are
// retried with exponential backoff.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { autocommit, readTx, type Dialect } from '../infra/db.js';
import type { Database } from '../infra/schema.js';
import type { Mailer } from '../infra/mailer.js';
import { claimDueMail, finishMail, hasDueMail, purgeFinishedMail, rescheduleMail, type MailRow } from '../domain/mail/repo.js';
import { LEASE_MARGIN_MS, MAIL_KEEP_MS, MAIL_LEASE_MS, permanentFailure, retryDelay, serverWide } from '../domain/mail/rules.js';
import { renderInvitationFor, type InvitationOutcome } from '../usecases/member/invitations.js';

const BATCH = 20;

export interface MailLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface MailQueueOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  mailer: Mailer;
  now: () => number;
  /** Base URL for links (resolved when a mail is sent: the listening address is known by then). */
  publicUrl: () => string;
  log: MailLog;
}

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
  async claim(limit: number): Promise<MailRow[]> {
    const now = this.o.now();
    // A read first: most runs find nothing, and a read takes no write lock (SQLite has one writer).
    if (!(await hasDueMail(readTx(this.o.db), now))) return [];
    return claimDueMail(autocommit(this.o.db), this.o.dialect, this.node, now, now + MAIL_LEASE_MS, limit);
  }

  /** Sends one claimed row; resolves to the error when the SMTP server as a whole could not be used. */
  async #deliver(row: MailRow): Promise<unknown> {
    const { db, log } = this.o;
    let outcome: InvitationOutcome;
    try {
      if (row.kind !== 'invitation' || row.network_id === null || row.user_id === null) {
        outcome = { send: false, state: 'failed', reason: `unknown kind of mail: ${row.kind}` };
      } else {
        outcome = await renderInvitationFor(readTx(db), row.network_id, row.user_id, this.o.publicUrl(), this.o.now());
      }
      if (!outcome.send) {
        await finishMail(autocommit(db), row.mail_id, this.node, this.o.now(), outcome.state, outcome.reason);
        if (outcome.state === 'failed') log.error({ mailId: row.mail_id, reason: outcome.reason }, `invitation not sent: ${outcome.reason}`);
        else log.debug({ mailId: row.mail_id, reason: outcome.reason }, `invitation not sent: ${outcome.reason}`);
        return undefined;
      }
      await this.o.mailer.send({ id: row.mail_id, to: outcome.to, subject: outcome.subject, text: outcome.text });
    } catch (err) {
      await this.#failed(row, err);
      return serverWide(err) ? err : undefined;
    }
    const done = await finishMail(autocommit(db), row.mail_id, this.node, this.o.now(), 'sent', null);
    if (done === 0) log.warn({ mailId: row.mail_id }, 'a mail was sent after its lease ran out: another node may send it again');
    if (this.o.mailer.kind === 'outbox') {
      // Development: no SMTP server, so nobody receives this mail. The one line a developer running
      // `npm start` follows (invitation links only; never codes or reset links: docs/messaging.md).
      log.info({ mailId: row.mail_id, to: outcome.to, subject: outcome.subject, link: outcome.link }, `invitation for ${outcome.to} ("${outcome.subject}") written to the outbox: ${outcome.link}`);
    } else {
      log.debug({ mailId: row.mail_id, attempts: row.attempts }, 'invitation sent');
    }
    return undefined;
  }

  async #failed(row: MailRow, err: unknown): Promise<void> {
    const now = this.o.now();
    const e = err as { message?: string };
    const message = String(e.message ?? err).slice(0, 500);
    const permanent = permanentFailure(err);
    const delay = retryDelay(row.attempts);
    try {
      if (permanent) {
        await finishMail(autocommit(this.o.db), row.mail_id, this.node, now, 'failed', message);
        this.o.log.error({ mailId: row.mail_id, attempts: row.attempts, error: message }, 'the SMTP server refused the recipient of an invitation; it is not retried');
      } else {
        await rescheduleMail(autocommit(this.o.db), row.mail_id, this.node, now + delay, message);
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
    await purgeFinishedMail(autocommit(this.o.db), now - MAIL_KEEP_MS);
  }
}
