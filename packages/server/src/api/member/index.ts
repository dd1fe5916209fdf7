// The messaging plane as one Fastify plugin: REST routes, the WebSocket endpoint, the delivery hub,
// the jobs that delete expired and burned messages and unreferenced files, and the delivery of
// queued mail (invitations). Announces admin changes to every node's hub. Never sees plaintext.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { MAX_FRAME_BYTES } from '@enclave/protocol';
import type { BlobStore } from '../../infra/blobs/index.js';
import type { SecretBox } from '../../infra/secret-box.js';
import type { Bus } from '../../realtime/bus/index.js';
import type { Store } from '../../infra/db.js';
import type { AccountDeps } from '../../usecases/member/accounts.js';
import type { MembershipChange } from '../../usecases/member/conversations.js';
import { collectFiles } from '../../usecases/member/files.js';
import { Hub } from '../../realtime/hub.js';
import type { Mailer } from '../../infra/mailer.js';
import { MailQueue } from '../../domain/mail/mail-queue.js';
import { collectExpired } from '../../usecases/member/messages.js';
import { registerMessagingRoutes } from './routes.js';
import { registerSocketRoute } from '../../realtime/socket.js';
import { sweepSsoSessions } from '../../usecases/member/sso-sessions.js';
import { WriteQueue } from '../../realtime/write-queue.js';

export interface MessagingOptions {
  store: Store;
  bus: Bus;
  blobs: BlobStore;
  mailer: Mailer;
  /** Seals SSO refresh tokens and sign-in secrets at rest (messaging/sso.ts). */
  secrets: SecretBox;
  now: () => number;
  publicUrl: () => string;
  /** The server's region (the default classification boundary of networks). */
  region?: string;
  /** Expiry job period (ms); files are collected every 60 periods. */
  jobIntervalMs?: number;
}

export interface Messaging {
  hub: Hub;
  writes: WriteQueue;
  /** Tells every node that an administrator changed something in a network (policy, suspension, devices). */
  adminChanged(networkId: string): Promise<void>;
  /** Tells every node that one account changed (devices reset, deleted, password reset). */
  accountChanged(networkId: string, userId: number): Promise<void>;
  /** Runs the expiry and file collection once (the jobs also run on a timer); `sso`: the SSO session sweep too. */
  runJobs(options?: { files?: boolean; sso?: boolean }): Promise<void>;
  /** The mail queue (delivered on the same timer, independently of the other jobs). */
  mail: MailQueue;
  close(): Promise<void>;
}

export async function registerMessaging(app: FastifyInstance, o: MessagingOptions): Promise<Messaging> {
  const db = o.store.db;
  const region = o.region ?? 'us-east-1';
  const hub = new Hub({ db, bus: o.bus, now: o.now, log: app.log, region });
  const writes = new WriteQueue({ db, onError: (err) => app.log.warn({ err }, 'a group commit failed; retrying its items one by one') });
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });

  const accountChanged = async (networkId: string, userId: number) => o.bus.publish(`account.${networkId}.${userId}`, {});
  const accountDeps: AccountDeps = {
    db,
    mailer: o.mailer,
    now: o.now,
    publicUrl: o.publicUrl,
    onAccountChanged: (networkId, userId) => void accountChanged(networkId, userId).catch((err: unknown) => app.log.error({ err }, 'could not announce an account change')),
    onRecords: (records) => {
      for (const r of records) void hub.committed(r.convId, r).catch((err: unknown) => app.log.error({ err }, 'could not announce a record'));
    },
  };
  const membersChanged = async (change: MembershipChange) => {
    await o.bus.publish(`members.${change.convId}`, { networkId: change.networkId, added: change.added, removed: change.removed, deleted: change.deleted });
    if (change.seq !== undefined) await o.bus.publish(`conv.${change.convId}`, { seq: change.seq });
  };

  registerMessagingRoutes(app, { db, blobs: o.blobs, hub, writes, accounts: accountDeps, secrets: o.secrets, now: o.now, region, membersChanged });
  const mail = new MailQueue({ db, dialect: o.store.dialect, mailer: o.mailer, now: o.now, publicUrl: o.publicUrl, log: app.log });
  registerSocketRoute(app, { db, hub, writes, now: o.now, log: app.log });

  let ticks = 0;
  let running: Promise<void> | undefined;
  // SSO sessions held only by a socket: refresh, grace period and idle timeout (ssoSessions.ts).
  const ssoDeps = { db, secrets: o.secrets, now: o.now, region, onAccountChanged: accountDeps.onAccountChanged, onRecords: accountDeps.onRecords };
  let ssoSweep: Promise<unknown> | undefined;
  let ssoTicks = 0;
  const runJobs = async (options: { files?: boolean; sso?: boolean } = {}) => {
    const expired = await db.transaction().execute((trx) => collectExpired(trx, o.now()));
    for (const [convId, messageIds] of expired) await o.bus.publish(`expired.${convId}`, { messageIds });
    if (options.files ?? true) await collectFiles(db, o.blobs, o.now());
    if (options.sso) await sweepSsoSessions(ssoDeps);
  };
  const timer = setInterval(() => {
    // Mail has its own run: a slow SMTP server never holds up message expiry.
    mail.kick();
    // The SSO sweep has its own run too (it talks to identity providers), once every 60 ticks.
    if (++ssoTicks % 60 === 0 && !ssoSweep) {
      ssoSweep = sweepSsoSessions(ssoDeps)
        .catch((err: unknown) => app.log.error({ err }, 'SSO session sweep failed'))
        .finally(() => (ssoSweep = undefined));
    }
    if (running) return;
    ticks++;
    running = runJobs({ files: ticks % 60 === 0 })
      .catch((err: unknown) => app.log.error({ err }, 'messaging jobs failed'))
      .finally(() => (running = undefined));
  }, o.jobIntervalMs ?? 1000);
  timer.unref();

  return {
    hub,
    writes,
    adminChanged: (networkId) => {
      // An admin change may have queued invitations: deliver them now rather than at the next tick.
      mail.kick();
      return o.bus.publish(`admin.${networkId}`, {});
    },
    accountChanged,
    runJobs,
    mail,
    async close() {
      clearInterval(timer);
      await running;
      await ssoSweep;
      await mail.close();
      await writes.idle();
      await hub.stop();
    },
  };
}
