// The /iam API: `POST /iam/<Action>` with the action's members as a JSON object, answered with JSON
// in AWS IAM's member names. Each call is authenticated with SigV4 (the same function as the admin
// API), authorized as `iam:<Action>` on the resource it acts on before anything else is looked at,
// validated, and run: read-only actions against the store, every other one in a single transaction
// that also moves the IAM generation (so cached authorization decisions are dropped everywhere).
// Errors have the AWS restJson shape of the admin API.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAwsError } from '../../kernel/errors.js';
import type { Authenticate } from '../../kernel/authenticate.js';
import { AccessDeniedError, ApiError, badRequest, notFound } from '../../kernel/errors.js';
import { errorCodeOf, type IamAuditEvent } from '../audit-trail.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { readTx, writeTx, type Store, type WriteTx } from '../../infra/db.js';
import { adminActor } from '../../kernel/actor.js';
import { EventBuffer } from '../../kernel/events.js';
import type { CommandContext } from '../../usecases/context.js';
import { bumpIamGeneration, type Authorizer } from '../../domain/iam/authorizer.js';
import { denialMessage } from '../../domain/iam/evaluate.js';
import { validateMembers } from '../../usecases/iam/action.js';
import { iamActions } from '../../usecases/iam/index.js';


export interface IamApiOptions {
  store: Store;
  secrets: SecretBox;
  region: string;
  authorizer: Authorizer;
  authenticate: Authenticate;
  now?: () => number;
  /**
   * Records the call in the audit trail. For a successful mutating call it runs inside the call's
   * transaction (no change without its record: a failing hook fails the call); otherwise without a
   * database handle (the record may be group-committed).
   */
  audit?: (db: WriteTx | undefined, event: IamAuditEvent) => Promise<void>;
}

/** The actions of the /iam API (the `iam:` actions policies can name). */
export function iamActionNames(): string[] {
  return Object.keys(iamActions).sort();
}

const SECRET_INPUT = new Set(['Password', 'AuthenticationCode1', 'AuthenticationCode2']);
const SECRET_OUTPUT = new Set(['SecretAccessKey', 'Base32StringSeed', 'QRCodeUri']);

function redact(value: unknown, secret: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, secret));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !secret.has(k)).map(([k, v]) => [k, redact(v, secret)]));
  }
  return value;
}

function parseBody(body: Buffer | undefined): Record<string, unknown> {
  if (!body || body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '23505' || code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}

export async function registerIamApi(app: FastifyInstance, opts: IamApiOptions): Promise<void> {
  const now = opts.now ?? Date.now;

  app.post('/iam/:action', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body instanceof Buffer ? request.body : undefined;
    const auth = await opts.authenticate(request, body);
    const name = (request.params as { action: string }).action;
    const action = Object.hasOwn(iamActions, name) ? iamActions[name] : undefined;
    if (!action) throw notFound(`No IAM action named ${name}: POST /iam/<Action> with one of ${iamActionNames().join(', ')}.`);

    const at = now();
    const base: Omit<CommandContext, 'tx'> = {
      actor: adminActor(auth.principal, request.enclaveRequestId ?? randomUUID()),
      region: opts.region,
      now: at,
      secrets: opts.secrets,
      events: new EventBuffer(),
    };
    const event: IamAuditEvent = {
      eventSource: 'iam.amazonaws.com',
      eventName: name,
      eventTime: at,
      requestId: base.actor.requestId,
      readOnly: action.readonly,
      principal: auth.principal,
      accessKeyId: auth.accessKeyId,
      sourceIp: request.ip,
      userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
      resource: '*',
      requestParameters: null,
      responseElements: null,
    };

    let output: Record<string, unknown>;
    try {
      const raw = parseBody(body);
      event.requestParameters = redact(raw, SECRET_INPUT) as Record<string, unknown>;
      // Authorize first: a caller without the permission learns nothing about the input or the data.
      const resource = await action.resource({ ...base, tx: readTx(opts.store.db) }, raw);
      event.resource = resource;
      const iamAction = `iam:${name}`;
      const decision = await opts.authorizer.authorize(auth.principal, iamAction, resource);
      if (decision.decision !== 'Allow') throw new AccessDeniedError(denialMessage(auth.principal.arn, iamAction, resource, decision.decision));

      const input = validateMembers(action, raw);
      const prepared = action.prepare ? await action.prepare(base, input as never) : undefined;
      if (action.readonly) {
        output = await action.handle({ ...base, tx: readTx(opts.store.db) } as never, input as never, prepared);
      } else {
        for (let attempt = 0; ; attempt++) {
          try {
            output = await opts.store.db.transaction().execute(async (trx) => {
              // First, so concurrent IAM writes are serialized on the counter row (limits stay exact).
              await bumpIamGeneration(writeTx(trx));
              const out = await action.handle({ ...base, tx: writeTx(trx) } as never, input as never, prepared);
              if (opts.audit) await opts.audit(writeTx(trx), { ...event, responseElements: redact(out, SECRET_OUTPUT) as Record<string, unknown> });
              return out;
            });
            break;
          } catch (err) {
            if (attempt < 3 && isRetryableConflict(err)) continue;
            throw err;
          }
        }
        // Recorded in the transaction above.
        return reply.status(200).header('content-type', 'application/json').send(JSON.stringify(output));
      }
    } catch (err) {
      const failure = errorCodeOf(err);
      event.errorCode = failure.code;
      event.errorMessage = failure.message;
      event.responseElements = null;
      await report(request, opts, event);
      if (err instanceof ApiError) return sendAwsError(reply, err);
      throw err;
    }
    await report(request, opts, event);
    return reply.status(200).header('content-type', 'application/json').send(JSON.stringify(output));
  });
}

async function report(request: FastifyRequest, opts: IamApiOptions, event: IamAuditEvent): Promise<void> {
  if (!opts.audit) return;
  try {
    await opts.audit(undefined, event);
  } catch (err) {
    request.log.error({ err, requestId: event.requestId }, 'audit hook failed');
  }
}
