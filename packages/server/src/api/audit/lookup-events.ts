// POST /audit/LookupEvents: the account's audit records, newest first, as CloudTrail's LookupEvents.
// Body (JSON, every member optional):
//   startTime, endTime   ISO 8601 ("2024-05-01T10:00:00Z") or epoch seconds (number or digits)
//   eventName            e.g. "CreateNetwork"
//   principalArn         matches userIdentity.arn
//   readOnly             true or false
//   maxResults           1–50, default 50
//   nextToken            from the previous page; the other members must stay the same
// Answer: {"events": [CloudTrail record, …], "nextToken"?: "…"}.
import type { Kysely } from 'kysely';
import { ApiError, validation, type ErrorReason } from '../../kernel/errors.js';
import type { Database } from '../../infra/schema.js';
import { readTx, type Store } from '../../infra/db.js';
import type { FastifyInstance } from 'fastify';
import type { Authenticate } from '../../kernel/authenticate.js';
import { authorizeCall, type Authorizer } from '../../domain/iam/authorizer.js';
import type { AuditWriter } from '../../domain/audit/writer.js';
import type { CloudTrailRecord } from '../../domain/audit/events.js';
import { LOOKUP_MAX_RESULTS, LookupInputError, lookupEvents, type LookupOptions } from '../../domain/audit/repo.js';

export interface LookupEventsResponse {
  events: CloudTrailRecord[];
  nextToken?: string;
}

const MEMBERS = ['startTime', 'endTime', 'eventName', 'principalArn', 'readOnly', 'maxResults', 'nextToken'];
/** Epoch seconds beyond this are surely milliseconds by mistake (year 5138). */
const MAX_EPOCH_SECONDS = 1e11;

function parseBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  let value = body;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      value = JSON.parse(value);
    } catch {
      throw new ApiError('BadRequestError', 'The request body is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('BadRequestError', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** Epoch milliseconds of an ISO 8601 time or epoch seconds; undefined when it is neither. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v < MAX_EPOCH_SECONDS ? Math.round(v * 1000) : undefined;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseTime(Number(s));
  // ISO 8601 with a date, optionally a time and a zone ("2024-05-01", "2024-05-01T10:00:00Z").
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isFinite(t) ? t : undefined;
}

function stringMember(input: Record<string, unknown>, name: string, reasons: ErrorReason[], max: number): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length < 1 || v.length > max) {
    reasons.push({ field: name, reason: `must be a string of 1 to ${max} characters` });
    return undefined;
  }
  return v;
}

export async function lookupEventsHandler(db: Kysely<Database>, accountId: string, body: unknown): Promise<LookupEventsResponse> {
  const input = parseBody(body);
  const reasons: ErrorReason[] = [];
  for (const k of Object.keys(input)) {
    if (!MEMBERS.includes(k)) reasons.push({ field: k, reason: `is not a LookupEvents member (expected one of ${MEMBERS.join(', ')})` });
  }
  const options: LookupOptions = { accountId };
  for (const name of ['startTime', 'endTime'] as const) {
    const v = input[name];
    if (v === undefined || v === null) continue;
    const t = parseTime(v);
    if (t === undefined) reasons.push({ field: name, reason: 'must be an ISO 8601 time (2024-05-01T10:00:00Z) or epoch seconds' });
    else options[name] = t;
  }
  if (options.startTime !== undefined && options.endTime !== undefined && options.startTime > options.endTime) {
    reasons.push({ field: 'startTime', reason: 'must not be after endTime' });
  }
  const eventName = stringMember(input, 'eventName', reasons, 128);
  if (eventName !== undefined) options.eventName = eventName;
  const principalArn = stringMember(input, 'principalArn', reasons, 2048);
  if (principalArn !== undefined) options.principalArn = principalArn;
  const nextToken = stringMember(input, 'nextToken', reasons, 1024);
  if (nextToken !== undefined) options.nextToken = nextToken;
  const readOnly = input.readOnly;
  if (readOnly !== undefined && readOnly !== null) {
    if (typeof readOnly === 'boolean') options.readOnly = readOnly;
    else if (readOnly === 'true' || readOnly === 'false') options.readOnly = readOnly === 'true';
    else reasons.push({ field: 'readOnly', reason: 'must be true or false' });
  }
  const maxResults = input.maxResults;
  if (maxResults !== undefined && maxResults !== null) {
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > LOOKUP_MAX_RESULTS) {
      reasons.push({ field: 'maxResults', reason: `must be an integer from 1 to ${LOOKUP_MAX_RESULTS}` });
    } else {
      options.maxResults = maxResults;
    }
  }
  if (reasons.length) throw validation(reasons);
  try {
    return await lookupEvents(readTx(db), options);
  } catch (err) {
    if (err instanceof LookupInputError) throw validation(err.field, err.reason);
    throw err;
  }
}

export interface AuditApiOptions {
  store: Store;
  authenticate: Authenticate;
  authorizer: Authorizer;
  audit: AuditWriter;
}

/** POST /audit/LookupEvents: CloudTrail LookupEvents over the caller's account (action cloudtrail:LookupEvents). */
export function registerAuditApi(app: FastifyInstance, o: AuditApiOptions): void {
  app.post('/audit/LookupEvents', async (request, reply) => {
    const body = request.body instanceof Buffer ? request.body : undefined;
    const auth = await o.authenticate(request, body);
    await authorizeCall(o.authorizer, auth.principal, 'cloudtrail:LookupEvents', '*');
    await o.audit.flush(); // the caller's own recent calls are part of the answer
    const out = await lookupEventsHandler(o.store.db, auth.principal.accountId, body ?? {});
    return reply.header('content-type', 'application/json').send(JSON.stringify(out));
  });
}
