// Wires the Enclave server (docs/architecture.md): opens the store, secrets and bootstrap credentials,
// builds the one authenticator and authorizer, and registers the transports — the admin API at the
// root (api/admin, commands in usecases/admin), /iam, /audit, the console session routes, the web
// apps and the messaging plane (messaging.ts) — plus the request-wide hooks (request IDs, error
// shapes). No feature logic lives here.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { findActiveAccessKey, touchAccessKey } from './domain/accounts/repo.js';
import { bootstrap, type BootstrapResult } from './usecases/bootstrap.js';
import { registerAdminApi } from './api/admin/adapter.js';
import { createAuthenticator, type Authenticate } from './kernel/authenticate.js';
import { iamRecord, sessionRecord } from './api/audit-trail.js';
import { AuditWriter } from './domain/audit/writer.js';
import { AuditDelivery } from './jobs/audit-delivery.js';
import { loadAuditSigningKey } from './infra/audit-keys.js';
import { registerAuditApi } from './api/audit/lookup-events.js';
import { registerHealth } from './api/health.js';
import { s3ClientFor } from './infra/object-store.js';
import { registerIamApi } from './api/iam/routes.js';
import { ApiError, sendAwsError } from './kernel/errors.js';
import { handlers } from './usecases/admin/index.js';
import { SecretBox } from './infra/secret-box.js';
import { registerSessionRoutes } from './api/console/session-routes.js';
import { registerConsole } from './api/web/console.js';
import { registerApp } from './api/web/app.js';
import { authenticateSession, CSRF_HEADER } from './domain/console-sessions/sessions.js';
import { Authorizer, ensureManagedPolicies } from './domain/iam/authorizer.js';
import type { ServerConfig } from './kernel/config.js';
import type { DomainEvent } from './kernel/events.js';
import { signingName } from '@enclave/admin-api';
import { autocommit, openStore, readTx, type Store } from './infra/db.js';
import { openBlobStore, type BlobStore } from './infra/blobs/index.js';
import { openBus, type Bus } from './realtime/bus/index.js';
import { registerMessaging, type Messaging } from './messaging.js';
import { openMailer, type Mailer } from './infra/mailer.js';

export interface EnclaveServer {
  app: FastifyInstance;
  store: Store;
  secrets: SecretBox;
  config: ServerConfig;
  bootstrap: BootstrapResult;
  /** The one IAM decision point, shared by every API of the server. */
  authorizer: Authorizer;
  /** Writes CloudTrail records (group-committing those of calls that changed nothing). */
  audit: AuditWriter;
  /** Writes CloudTrail log files and digests (started by listen, flushed by close). */
  delivery: AuditDelivery;
  /** The messaging plane: delivery hub and jobs. */
  messaging: Messaging;
  bus: Bus;
  blobs: BlobStore;
  mailer: Mailer;
  /** Authenticates a request (SigV4) for routes outside the admin adapter. */
  authenticate: Authenticate;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting connections, drains in-flight requests, closes the database. */
  close(): Promise<void>;
}

export interface CreateServerOptions {
  now?: () => number;
  /** Pino logger options or false; defaults to JSON logs at config.logLevel. */
  logger?: boolean | Record<string, unknown>;
}

export async function createServer(config: ServerConfig, options: CreateServerOptions = {}): Promise<EnclaveServer> {
  const now = options.now ?? Date.now;
  const secrets = SecretBox.load(config.dataDir, config.masterKey);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  let boot: BootstrapResult;
  try {
    const preset = config.rootAccessKeyId && config.rootSecretAccessKey ? { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey } : undefined;
    boot = await bootstrap(store.db, secrets, config.dataDir, preset, now());
    await ensureManagedPolicies(store.db, now());
  } catch (err) {
    await store.close();
    throw err;
  }

  const app = Fastify({
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(typeof options.logger === 'object' ? options.logger : {}),
            // Never log query strings, headers or bodies: they can carry secrets.
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], requestId: req.id }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    request.enclaveRequestId = request.id;
    reply.header('x-amzn-requestid', request.id);
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return sendAwsError(reply, error);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendAwsError(reply, new ApiError('BadRequestError', `The request body exceeds the limit of ${config.bodyLimit} bytes.`));
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendAwsError(reply, new ApiError('BadRequestError', error.message));
    }
    request.log.error({ err: error, requestId: request.id }, 'internal error');
    return sendAwsError(reply, new ApiError('InternalServerError', `An internal error occurred. Request ID: ${request.id}`));
  });

  app.setNotFoundHandler((request, reply) =>
    sendAwsError(reply, new ApiError('ResourceNotFoundError', `No operation matches ${request.method} ${request.url.split('?')[0]}.`)),
  );

  registerHealth(app);

  const authenticate = createAuthenticator({
    region: config.region,
    service: signingName,
    now,
    findAccessKey: (id) => findActiveAccessKey(readTx(store.db), secrets, id),
    touchAccessKey: (id, at) => touchAccessKey(autocommit(store.db), id, at),
    findSession: async (request) => {
      const session = await authenticateSession(autocommit(store.db), {
        cookieHeader: request.headers.cookie,
        method: request.method,
        csrfHeader: request.headers[CSRF_HEADER],
        sourceIp: request.ip,
        now: now(),
      });
      return session && { principal: session.principal, accessKeyId: session.accessKeyId, session: session.session };
    },
  });

  const authorizer = new Authorizer(store.db);
  const audit = new AuditWriter(store.db, { onError: (err, dropped) => app.log.error({ err, dropped }, 'could not write audit records; retrying') });
  await registerSessionRoutes(app, { store, secrets, authorizer, now, audit: (e) => audit.write(autocommit(store.db), sessionRecord(config.region, e)) });
  await registerConsole(app);
  await registerApp(app);
  const bus = await openBus(config.bus, { onError: (err, subject) => app.log.error({ err, subject }, 'bus handler failed') });
  const blobs = openBlobStore(config.blobs);
  const mailer = openMailer(config); // SMTP (ENCLAVE_SMTP_URL) or the outbox directory
  let baseUrl = `http://${config.host}:${config.port}`;
  const messaging = await registerMessaging(app, { store, bus, blobs, mailer, secrets, now, region: config.region, publicUrl: () => config.publicUrl ?? baseUrl });
  await bus.flush(); // every node's subscriptions are in place before this one serves
  const publish = (events: DomainEvent[]) => {
    for (const e of events) {
      if (e.type === 'network-changed') void messaging.adminChanged(e.networkId).catch((err: unknown) => app.log.error({ err }, 'could not announce an admin change'));
    }
  };
  await registerAdminApi(app, { store, secrets, region: config.region, handlers, authenticate, authorizer, audit, now, publish });
  await registerIamApi(app, {
    store,
    secrets,
    region: config.region,
    authorizer,
    authenticate,
    now,
    audit: async (db, e) => (db ? audit.write(db, iamRecord(config.region, e)) : audit.defer(iamRecord(config.region, e))),
  });

  registerAuditApi(app, { store, authenticate, authorizer, audit });

  const auditTarget = config.audit.target;
  const delivery = new AuditDelivery({
    db: store.db,
    region: config.region,
    intervalMinutes: config.audit.intervalMinutes,
    signingKey: loadAuditSigningKey(config.dataDir),
    now,
    target:
      auditTarget.kind === 'dir'
        ? { kind: 'dir', dir: auditTarget.dir }
        : { kind: 's3', bucket: auditTarget.bucket, ...(auditTarget.prefix ? { prefix: auditTarget.prefix } : {}), client: s3ClientFor({ endpoint: auditTarget.endpoint, region: auditTarget.region }) },
    onError: (err) => app.log.error({ err }, 'audit log delivery failed; it is retried at the next interval'),
  });

  let closed = false;
  return {
    app,
    store,
    secrets,
    config,
    bootstrap: boot,
    authorizer,
    authenticate,
    audit,
    delivery,
    messaging,
    bus,
    blobs,
    mailer,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      delivery.start();
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      baseUrl = `http://${host}:${port}`;
      return baseUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      await messaging.close();
      await app.close();
      await audit.close();
      // Deliver what is left of the trail before the database closes.
      await delivery.stop().catch((err: unknown) => app.log.error({ err }, 'final audit log delivery failed'));
      await bus.close();
      await blobs.close();
      await store.close();
    },
  };
}
