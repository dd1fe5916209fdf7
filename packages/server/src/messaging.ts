// Wires the messaging plane into the app (wiring only, as app.ts): the member REST API
// (api/member), the WebSocket endpoint and the delivery hub (realtime/; the hub also publishes the
// member plane's domain events), the group-commit write queue, and the background jobs
// (jobs/messaging-jobs.ts: expiry, file collection, the SSO sweep; jobs/mail-sender.ts: queued mail
// such as invitations). Announces admin changes to every node's hub. Never sees plaintext.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { MAX_FRAME_BYTES } from '@enclave/protocol';
import type { BlobStore } from './infra/blobs/index.js';
import type { Store } from './infra/db.js';
import type { Mailer } from './infra/mailer.js';
import type { SecretBox } from './infra/secret-box.js';
import type { DomainEvent } from './kernel/events.js';
import { MailQueue } from './jobs/mail-sender.js';
import { MessagingJobs } from './jobs/messaging-jobs.js';
import type { Bus } from './realtime/bus/index.js';
import { Hub } from './realtime/hub.js';
import { registerSocketRoute } from './realtime/socket.js';
import { WriteQueue } from './realtime/write-queue.js';
import type { AccountDeps } from './usecases/member/accounts.js';
import type { SsoDeps } from './usecases/member/sso.js';
import { registerMemberApi } from './api/member/index.js';

export interface MessagingOptions {
  store: Store;
  bus: Bus;
  blobs: BlobStore;
  mailer: Mailer;
  /** Seals SSO refresh tokens and sign-in secrets at rest (usecases/member/sso.ts). */
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
  /** Announces committed domain events of the member plane to every node. */
  publish(events: readonly DomainEvent[]): Promise<void>;
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

  const publish = (events: readonly DomainEvent[]) => hub.publish(events);
  const accounts: AccountDeps = { db, mailer: o.mailer, now: o.now, publicUrl: o.publicUrl };
  const sso: SsoDeps = { db, secrets: o.secrets, now: o.now, region };
  registerMemberApi(app, { db, blobs: o.blobs, writes, committed: (convId, record) => hub.committed(convId, record), accounts, sso, now: o.now, region, publish });
  const mail = new MailQueue({ db, dialect: o.store.dialect, mailer: o.mailer, now: o.now, publicUrl: o.publicUrl, log: app.log });
  registerSocketRoute(app, { db, hub, writes, now: o.now, log: app.log });

  const jobs = new MessagingJobs({ db, blobs: o.blobs, now: o.now, sso, mail, publish, log: app.log, ...(o.jobIntervalMs !== undefined ? { intervalMs: o.jobIntervalMs } : {}) });
  jobs.start();

  return {
    hub,
    writes,
    adminChanged: (networkId) => {
      // An admin change may have queued invitations: deliver them now rather than at the next tick.
      mail.kick();
      return o.bus.publish(`admin.${networkId}`, {});
    },
    accountChanged: (networkId, userId) => o.bus.publish(`account.${networkId}.${userId}`, {}),
    publish,
    runJobs: (options) => jobs.runJobs(options),
    mail,
    async close() {
      await jobs.stop();
      await mail.close();
      await writes.idle();
      await hub.stop();
    },
  };
}
