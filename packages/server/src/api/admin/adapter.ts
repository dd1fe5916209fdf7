// The restJson1 adapter: binds every modelled operation to a Fastify route at the model's method and
// URI, authenticates it (SigV4), binds and validates the input against the model, runs the handler in
// a transaction together with its idempotency record, and serializes the output or the error in the
// AWS shape (status from smithy.api#httpError, x-amzn-errortype header, {"message", "reasons"} body).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { taggingOperations } from '@enclave/admin-api';
import type { ModelOperation } from '@enclave/admin-api';
import type { Authenticate, Authenticated } from '../../kernel/authenticate.js';
import { adminActor } from '../../kernel/actor.js';
import { EventBuffer, type DomainEvent } from '../../kernel/events.js';
import { sha256Hex } from '../../kernel/ids.js';
import { autocommit, inTransaction, readTx, type Store, type WriteTx } from '../../infra/db.js';
import * as idempotency from '../../domain/idempotency/repo.js';
import type { CommandContext } from '../../usecases/context.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { bindInput, validateInput } from './binding.js';
import { ApiError, badRequest } from '../../kernel/errors.js';
import { callRecord } from '../audit-trail.js';
import type { AuditWriter } from '../../domain/audit/writer.js';
import type { OperationHandler, OperationName } from '../../usecases/admin/operation.js';
import { parseRawQuery } from '../../kernel/sigv4.js';
import { authorizeCall, operationResource, type Authorizer } from '../../domain/iam/authorizer.js';

import { allOperations } from '@enclave/admin-api';
export { allOperations };

export type { Authenticated } from '../../kernel/authenticate.js';

export interface AdapterOptions {
  store: Store;
  /** The one IAM decision point (iam/authorize.ts). */
  authorizer: Authorizer;
  /** Where every call's CloudTrail record goes. */
  audit: AuditWriter;
  secrets: SecretBox;
  region: string;
  handlers: Record<string, OperationHandler>;
  authenticate: Authenticate;
  now?: () => number;
  /**
   * Gets the domain events of a call once its change committed: what the use case emitted, plus
   * `network-changed` for every mutating operation on a network (the messaging plane re-checks members).
   */
  publish?: (events: DomainEvent[]) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    enclaveRequestId?: string;
  }
}

/** `/networks/{networkId}/users` → `/networks/:networkId/users` */
export function fastifyPath(uri: string): string {
  return uri.replace(/\{(\w+)\+?\}/g, ':$1');
}

const IDEMPOTENCY_HEADER = 'x-client-token';
const CLIENT_TOKEN_RE = /^[a-zA-Z0-9-_:]{1,64}$/;

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '23505' || code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}


export async function registerAdminApi(app: FastifyInstance, opts: AdapterOptions) {
  const now = opts.now ?? Date.now;
  for (const [name, op] of Object.entries(allOperations)) {
    const handler = opts.handlers[name];
    if (!handler) throw new Error(`no handler for operation ${name}`);
    if (handler.readonly !== op.readonly) throw new Error(`${name} is ${op.readonly ? 'read-only' : 'mutating'} in the model: declare it with ${op.readonly ? 'defineQuery' : 'defineCommand'}`);
    const url = name in taggingOperations ? '/tags/*' : fastifyPath(op.uri);
    app.route({
      method: op.method as 'GET',
      url,
      handler: async (request, reply) => {
        const at = now();
        const body = request.body instanceof Buffer ? request.body : undefined;
        let auth: Authenticated | undefined;
        let bound: Record<string, unknown> | undefined;
        try {
          auth = await opts.authenticate(request, body);
          const rawUrl = request.raw.url ?? request.url;
          const q = rawUrl.indexOf('?');
          const labels: Record<string, string> = { ...(request.params as Record<string, string>) };
          if (name in taggingOperations) {
            // The ARN label is greedy and percent-encoded (':' and '/').
            const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
            labels.resourceArn = safeDecode(rawPath.slice('/tags/'.length));
          }
          bound = bindInput(op.input, {
            labels,
            query: parseRawQuery(q < 0 ? '' : rawUrl.slice(q + 1)),
            headers: request.headers,
            body,
          });
          await authorizeCall(opts.authorizer, auth.principal, `wickr:${name}`, operationResource(opts.region, auth.principal.accountId, bound));
          const input = validateInput(op.input, bound);
          const call = { eventName: name, readOnly: op.readonly, at, region: opts.region, request, auth, inputShape: op.input, input };
          const events = new EventBuffer();
          const output = await runOperation(opts, name as OperationName, op, handler, input, auth, request, at, events, (db) =>
            db ? opts.audit.write(db, callRecord(call)) : opts.audit.defer(callRecord(call)),
          );
          const committed = events.drain();
          if (!op.readonly && typeof input.networkId === 'string') committed.push({ type: 'network-changed', networkId: input.networkId, operation: name });
          if (committed.length > 0) opts.publish?.(committed);
          return reply.status(op.code).header('content-type', 'application/json').send(JSON.stringify(output ?? {}));
        } catch (err) {
          // Calls that could not be attributed to an account (no valid credentials) have no trail.
          if (auth) {
            opts.audit.defer(
              callRecord({ eventName: name, readOnly: op.readonly, at, region: opts.region, request, auth, inputShape: op.input, input: bound, error: err }),
            );
          }
          throw err;
        }
      },
    });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest('The resource ARN in the path is not correctly percent-encoded.');
  }
}

async function runOperation(
  opts: AdapterOptions,
  name: OperationName,
  op: ModelOperation,
  handler: OperationHandler,
  input: Record<string, unknown>,
  auth: Authenticated,
  request: FastifyRequest,
  at: number,
  events: EventBuffer,
  /** Writes the call's audit record: in the transaction of a mutating call, deferred (no db) otherwise. */
  audit: (db: WriteTx | undefined) => Promise<void> | void,
): Promise<unknown> {
  const base: Omit<CommandContext, 'tx'> = {
    actor: adminActor(auth.principal, request.enclaveRequestId ?? randomUUID()),
    region: opts.region,
    now: at,
    secrets: opts.secrets,
    events,
  };
  const run = handler.handle as (ctx: CommandContext, input: unknown) => Promise<unknown>;
  if (op.readonly) {
    const output = await run({ ...base, tx: readTx(opts.store.db) }, input);
    await audit(undefined);
    return output;
  }

  // Mutating operations: one transaction holds the change and its idempotency record.
  const headerToken = request.headers[IDEMPOTENCY_HEADER];
  const clientToken = (input.clientToken as string | undefined) ?? (typeof headerToken === 'string' && headerToken ? headerToken : undefined);
  if (clientToken !== undefined && !CLIENT_TOKEN_RE.test(clientToken)) {
    throw new ApiError('ValidationError', 'clientToken: must match the pattern ^[a-zA-Z0-9-_:]+$ (1-64 characters)', [
      { field: 'clientToken', reason: 'must match the pattern ^[a-zA-Z0-9-_:]+$ (1-64 characters)' },
    ]);
  }
  const { clientToken: _omit, ...rest } = input;
  const requestHash = sha256Hex(canonicalJson(rest));

  const key = clientToken ? { accountId: base.actor.accountId, operation: name, clientToken } : undefined;
  const once = async (tx: WriteTx) => {
    const prior = key ? await idempotency.findRecord(tx, key) : undefined;
    if (prior) {
      if (prior.request_hash !== requestHash) throw badRequest(`The client token ${clientToken} was already used for a different ${name} request.`);
      await audit(tx);
      return JSON.parse(prior.response_body) as unknown;
    }
    const output = await run({ ...base, tx }, input);
    if (key) await idempotency.insertRecord(tx, key, { requestHash, responseBody: JSON.stringify(output ?? {}), createdAt: at });
    await audit(tx);
    return output;
  };

  for (let attempt = 0; ; attempt++) {
    try {
      // Normally the change and its idempotency record share one transaction. An operation that
      // waits on an outside service runs without one (it makes at most one write).
      if (handler.options.outsideTransaction) return await once(autocommit(opts.store.db));
      return await inTransaction(opts.store.db, once);
    } catch (err) {
      if (attempt < 3 && isRetryableConflict(err)) continue;
      throw err;
    }
  }
}
