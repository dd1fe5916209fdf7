// The messaging plane's background work, on one timer (every second by default): deleting expired
// and burned messages (and what was kept for retention devices once they have it), collecting
// unreferenced files every 60 ticks, the SSO session sweep every 60 ticks in a run of its own (it
// talks to identity providers), and a kick of the mail queue every tick (its own run too: a slow
// SMTP server never holds up message expiry). What they change is announced through `publish`.
import type { Kysely } from 'kysely';
import { autocommit, inTransaction } from '../infra/db.js';
import type { BlobStore } from '../infra/blobs/index.js';
import type { Database } from '../infra/schema.js';
import type { DomainEvent, DomainEvents } from '../kernel/events.js';
import { collectFiles } from '../usecases/member/files.js';
import { collectExpired } from '../usecases/member/messages.js';
import type { SsoDeps } from '../usecases/member/sso.js';
import { sweepSsoSessions } from '../usecases/member/sso-sessions.js';
import type { MailQueue } from './mail-sender.js';

export interface MessagingJobsOptions {
  db: Kysely<Database>;
  blobs: BlobStore;
  now: () => number;
  sso: SsoDeps;
  mail: MailQueue;
  /** Announces committed changes (the delivery hub's publish). */
  publish(events: readonly DomainEvent[]): Promise<void>;
  log: { error(obj: unknown, msg?: string): void };
  /** Tick period (ms); files and the SSO sweep every 60 ticks. */
  intervalMs?: number;
}

export class MessagingJobs {
  #ticks = 0;
  #ssoTicks = 0;
  #running: Promise<void> | undefined;
  #ssoSweep: Promise<unknown> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The sweep's changes are announced as they happen: each ended session's sockets close at once. */
  readonly #sweepEvents: DomainEvents;

  constructor(private readonly o: MessagingJobsOptions) {
    this.#sweepEvents = { emit: (e) => void o.publish([e]).catch((err: unknown) => o.log.error({ err }, 'could not announce an account change')) };
  }

  /** Runs the expiry and file collection once (the timer runs them too); `sso`: the SSO session sweep too. */
  async runJobs(options: { files?: boolean; sso?: boolean } = {}): Promise<void> {
    const { o } = this;
    const expired = await inTransaction(o.db, (tx) => collectExpired(tx, o.now()));
    await o.publish([...expired].map(([convId, messageIds]) => ({ type: 'messages-expired', convId, messageIds })));
    if (options.files ?? true) await collectFiles(autocommit(o.db), o.blobs, o.now());
    if (options.sso) await sweepSsoSessions(o.sso, this.#sweepEvents);
  }

  start(): void {
    const { o } = this;
    this.#timer = setInterval(() => {
      // Mail has its own run: a slow SMTP server never holds up message expiry.
      o.mail.kick();
      // The SSO sweep has its own run too (it talks to identity providers), once every 60 ticks.
      if (++this.#ssoTicks % 60 === 0 && !this.#ssoSweep) {
        this.#ssoSweep = sweepSsoSessions(o.sso, this.#sweepEvents)
          .catch((err: unknown) => o.log.error({ err }, 'SSO session sweep failed'))
          .finally(() => (this.#ssoSweep = undefined));
      }
      if (this.#running) return;
      this.#ticks++;
      this.#running = this.runJobs({ files: this.#ticks % 60 === 0 })
        .catch((err: unknown) => o.log.error({ err }, 'messaging jobs failed'))
        .finally(() => (this.#running = undefined));
    }, o.intervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Stops the timer and waits for the runs in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.#ssoSweep;
  }
}
