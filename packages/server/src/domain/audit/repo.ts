// The audit trail in the database: one row per CloudTrail record (table audit_events), numbered
// from the counter 'audit_seq'. recordEvent runs in the caller's transaction, so an operation's
// change and its record commit together or not at all.
//
// Why a counter row and not an auto-increment: the UPDATE … RETURNING takes the row's lock until the
// transaction ends (PostgreSQL; SQLite has a single writer anyway), so sequence numbers become
// visible in commit order. Delivery (delivery.ts) can then keep a plain "delivered up to seq N" cursor
// without ever skipping a record that committed late. A rolled-back transaction leaves a gap, which
// is harmless.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../infra/schema.js';
import type { CloudTrailRecord } from './events.js';

export const AUDIT_SEQ_COUNTER = 'audit_seq';
export const LOOKUP_MAX_RESULTS = 50;

/** Inserts the record; call it with the operation's transaction. */
export async function recordEvent(db: Kysely<Database>, record: CloudTrailRecord): Promise<void> {
  const eventTime = Date.parse(record.eventTime);
  if (!Number.isFinite(eventTime)) throw new Error(`audit record ${record.eventID}: invalid eventTime ${record.eventTime}`);
  const { value: seq } = await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', AUDIT_SEQ_COUNTER)
    .returning('value')
    .executeTakeFirstOrThrow(() => new Error(`the counter ${AUDIT_SEQ_COUNTER} is missing (database not migrated?)`));
  await db
    .insertInto('audit_events')
    .values({
      seq: Number(seq),
      event_id: record.eventID,
      account_id: record.recipientAccountId,
      event_time: eventTime,
      event_name: record.eventName,
      read_only: record.readOnly ? 1 : 0,
      principal_arn: record.userIdentity.arn,
      access_key_id: record.userIdentity.accessKeyId,
      error_code: record.errorCode ?? null,
      record: JSON.stringify(record),
    })
    .execute();
}

export interface LookupOptions {
  accountId: string;
  /** Epoch milliseconds, inclusive. */
  startTime?: number;
  /** Epoch milliseconds, inclusive. */
  endTime?: number;
  eventName?: string;
  /** Matches userIdentity.arn. */
  principalArn?: string;
  readOnly?: boolean;
  /** 1–50, default 50 (CloudTrail LookupEvents). */
  maxResults?: number;
  nextToken?: string;
}

export interface LookupResult {
  events: CloudTrailRecord[];
  nextToken?: string;
}

/** A lookup option that cannot be used; `field` names it. */
export class LookupInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

interface PageToken {
  /** event_time and seq of the last record returned. */
  t: number;
  s: number;
  /** The filters the token was issued for. */
  f: string;
}

function filterKey(o: LookupOptions): string {
  const parts = [o.accountId, o.startTime ?? '', o.endTime ?? '', o.eventName ?? '', o.principalArn ?? '', o.readOnly ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(token: string, expectedFilter: string): PageToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new LookupInputError('nextToken', 'is not a token returned by LookupEvents');
  }
  const p = parsed as Partial<PageToken> | null;
  if (!p || !Number.isSafeInteger(p.t) || !Number.isSafeInteger(p.s) || typeof p.f !== 'string') {
    throw new LookupInputError('nextToken', 'is not a token returned by LookupEvents');
  }
  if (p.f !== expectedFilter) throw new LookupInputError('nextToken', 'was issued for different lookup filters');
  return p as PageToken;
}

/** Records newest first (event time, then sequence), one page at a time. */
export async function lookupEvents(db: Kysely<Database>, options: LookupOptions): Promise<LookupResult> {
  const max = options.maxResults ?? LOOKUP_MAX_RESULTS;
  if (!Number.isInteger(max) || max < 1 || max > LOOKUP_MAX_RESULTS) {
    throw new LookupInputError('maxResults', `must be an integer from 1 to ${LOOKUP_MAX_RESULTS}`);
  }
  const fk = filterKey(options);
  const after = options.nextToken !== undefined ? decodeToken(options.nextToken, fk) : undefined;
  let q = db.selectFrom('audit_events').select(['seq', 'event_time', 'record']).where('account_id', '=', options.accountId);
  if (options.startTime !== undefined) q = q.where('event_time', '>=', options.startTime);
  if (options.endTime !== undefined) q = q.where('event_time', '<=', options.endTime);
  if (options.eventName !== undefined) q = q.where('event_name', '=', options.eventName);
  if (options.principalArn !== undefined) q = q.where('principal_arn', '=', options.principalArn);
  if (options.readOnly !== undefined) q = q.where('read_only', '=', options.readOnly ? 1 : 0);
  if (after) {
    q = q.where((eb) => eb.or([eb('event_time', '<', after.t), eb.and([eb('event_time', '=', after.t), eb('seq', '<', after.s)])]));
  }
  const rows = await q.orderBy('event_time', 'desc').orderBy('seq', 'desc').limit(max + 1).execute();
  const page = rows.slice(0, max);
  const last = page[page.length - 1];
  const result: LookupResult = { events: page.map((r) => JSON.parse(r.record) as CloudTrailRecord) };
  if (rows.length > max && last) result.nextToken = encodeToken({ t: Number(last.event_time), s: Number(last.seq), f: fk });
  return result;
}

export interface StoredEvent {
  seq: number;
  eventTime: number;
  record: string;
}

/** An account's records after `afterSeq`, in sequence order (delivery). */
export async function eventsAfter(db: Kysely<Database>, accountId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['seq', 'event_time', 'record'])
    .where('account_id', '=', accountId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), eventTime: Number(r.event_time), record: r.record }));
}
