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
import type { Database } from '../../infra/schema.js';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { CloudTrailRecord } from './events.js';

export const AUDIT_SEQ_COUNTER = 'audit_seq';
export const LOOKUP_MAX_RESULTS = 50;

/** Inserts the record; call it with the operation's transaction. */
export async function recordEvent(db: WriteTx, record: CloudTrailRecord): Promise<void> {
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
export async function lookupEvents(db: ReadTx, options: LookupOptions): Promise<LookupResult> {
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
export async function eventsAfter(db: ReadTx, accountId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
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

// ---------------------------------------------------------------------------------------------------
// Delivery of the trail (jobs/audit-delivery.ts): per-account cursors, delivered log files, digests.

export type DeliveryRow = Database['audit_deliveries'];
export type LogFileRow = Database['audit_log_files'];

/** The delivery row of an account (or of ALL_ACCOUNTS), created on first use with the digest chain starting now. */
export async function deliveryRow(db: WriteTx, accountId: string, now: number): Promise<DeliveryRow> {
  await db
    .insertInto('audit_deliveries')
    .values({
      account_id: accountId,
      delivered_seq: 0,
      // The first digest of the account's chain starts when its trail does.
      last_digest_at: now,
      last_digest_signature: null,
      last_digest_hash: null,
      last_digest_key: null,
    })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  return db.selectFrom('audit_deliveries').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
}

/** The highest sequence number of the trail, or undefined when it is empty. */
export async function topSeq(db: ReadTx): Promise<number | undefined> {
  const top = await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('top')).executeTakeFirst();
  return top?.top == null ? undefined : Number(top.top);
}

/** The accounts with records in (low, high], in order. */
export async function accountsWithEventsBetween(db: ReadTx, low: number, high: number): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('account_id').distinct().where('seq', '>', low).where('seq', '<=', high).orderBy('account_id').execute();
  return rows.map((r) => r.account_id);
}

/** Moves a delivery cursor from `from` to `to`; false when another node moved it first. */
export async function advanceDelivered(db: WriteTx, accountId: string, from: number, to: number): Promise<boolean> {
  const res = await db.updateTable('audit_deliveries').set({ delivered_seq: to }).where('account_id', '=', accountId).where('delivered_seq', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function insertLogFile(db: WriteTx, row: LogFileRow): Promise<void> {
  await db.insertInto('audit_log_files').values(row).execute();
}

/** The delivery rows of every account (not ALL_ACCOUNTS), in order. */
export async function accountDeliveries(db: ReadTx, allAccounts: string): Promise<DeliveryRow[]> {
  return db.selectFrom('audit_deliveries').selectAll().where('account_id', '!=', allAccounts).orderBy('account_id').execute();
}

/** An account's delivered log files that no digest lists yet, oldest first. */
export async function filesNotInDigest(db: ReadTx, accountId: string): Promise<LogFileRow[]> {
  return db
    .selectFrom('audit_log_files')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('in_digest', '=', 0)
    .orderBy('delivered_at')
    .orderBy('object_key')
    .execute();
}

/** Records a digest as the head of the account's chain if the chain is still at `previousKey`; false when another node wrote one. */
export async function recordDigest(
  db: WriteTx,
  accountId: string,
  previousKey: string | null,
  digest: { at: number; signature: string; sha256: string; key: string },
): Promise<boolean> {
  let upd = db
    .updateTable('audit_deliveries')
    .set({ last_digest_at: digest.at, last_digest_signature: digest.signature, last_digest_hash: digest.sha256, last_digest_key: digest.key })
    .where('account_id', '=', accountId);
  upd = previousKey === null ? upd.where('last_digest_key', 'is', null) : upd.where('last_digest_key', '=', previousKey);
  const res = await upd.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks log files as listed in a digest. */
export async function markInDigest(db: WriteTx, accountId: string, objectKeys: string[]): Promise<void> {
  await db.updateTable('audit_log_files').set({ in_digest: 1 }).where('account_id', '=', accountId).where('object_key', 'in', objectKeys).execute();
}
