// The audit store on a real database: SQLite in a temp directory, or a throw-away PostgreSQL schema
// when ENCLAVE_TEST_DATABASE_URL is set (as test/helpers/harness.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../kernel/errors.js';
import { writeTx, readTx, autocommit, dropPostgresSchema, openStore, type Store } from '../../infra/db.js';
import { buildEvent, type CloudTrailRecord } from './events.js';
import { lookupEventsHandler } from '../../api/audit/lookup-events.js';
import { lookupEvents, recordEvent } from './repo.js';

const DATABASE_URL = process.env.ENCLAVE_TEST_DATABASE_URL || undefined;
const A = '111111111111';
const B = '222222222222';
const T0 = Date.parse('2024-05-01T10:00:00Z');
const ALICE = `arn:aws:iam::${A}:user/alice`;
const ROOT = `arn:aws:iam::${A}:root`;

function record(account: string, i: number, eventName: string, readOnly: boolean, arn: string, seconds = i): CloudTrailRecord {
  return buildEvent({
    account,
    region: 'us-east-1',
    eventName,
    readOnly,
    eventTime: T0 + seconds * 1000,
    requestId: randomUUID(),
    sourceIp: '127.0.0.1',
    userAgent: 'test',
    identity: { type: arn.endsWith(':root') ? 'Root' : 'IAMUser', principalId: 'P', arn, accountId: account, accessKeyId: 'AKIATEST' },
    operationInput: { shape: 'CreateNetworkRequest', value: { networkName: `n${i}`, accessLevel: 'STANDARD' } },
  });
}

describe(`audit store (${DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
  let store: Store;
  let dir: string;
  const schema = DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const written: CloudTrailRecord[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'enclave-audit-store-'));
    store = await openStore({ databaseUrl: DATABASE_URL, dataDir: dir, schema });
    // Account A: 60 events over 60 seconds, two of them in the same second (i = 10 and 11 at second 10).
    for (let i = 0; i < 60; i++) {
      const name = i % 3 === 0 ? 'ListNetworks' : 'CreateNetwork';
      const r = record(A, i, name, name === 'ListNetworks', i % 2 ? ALICE : ROOT, i === 11 ? 10 : i);
      written.push(r);
      await store.db.transaction().execute((trx) => recordEvent(writeTx(trx), r));
    }
    await recordEvent(autocommit(store.db), record(B, 0, 'CreateNetwork', false, `arn:aws:iam::${B}:root`));
  });

  afterAll(async () => {
    await store?.close();
    if (schema && DATABASE_URL) await dropPostgresSchema(DATABASE_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers records from the audit_seq counter and keeps the record as written', async () => {
    const rows = await store.db.selectFrom('audit_events').select(['seq', 'event_id', 'record']).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    const counter = await store.db.selectFrom('counters').select('value').where('name', '=', 'audit_seq').executeTakeFirstOrThrow();
    expect(Number(counter.value)).toBe(61);
    expect(JSON.parse(rows[0]!.record)).toEqual(written[0]);
  });

  it('writes nothing when the caller’s transaction rolls back', async () => {
    const r = record(A, 99, 'DeleteNetwork', false, ROOT, 500);
    await expect(
      store.db.transaction().execute(async (trx) => {
        await recordEvent(writeTx(trx), r);
        throw new Error('operation failed');
      }),
    ).rejects.toThrow('operation failed');
    expect(await store.db.selectFrom('audit_events').select('seq').where('event_id', '=', r.eventID).execute()).toEqual([]);
  });

  it('pages newest first with keyset tokens, 50 by default, without duplicates or gaps', async () => {
    const first = await lookupEvents(readTx(store.db), { accountId: A });
    expect(first.events).toHaveLength(50);
    expect(first.nextToken).toBeDefined();
    const second = await lookupEvents(readTx(store.db), { accountId: A, nextToken: first.nextToken });
    expect(second.events).toHaveLength(10);
    expect(second.nextToken).toBeUndefined();
    const all = [...first.events, ...second.events];
    const expected = [...written].reverse();
    // i = 10 and 11 share a second: the later one (higher sequence) comes first either way.
    expect(all.map((e) => e.eventID)).toEqual(expected.map((e) => e.eventID));

    const pages: string[] = [];
    let token: string | undefined;
    do {
      const page = await lookupEvents(readTx(store.db), { accountId: A, maxResults: 7, nextToken: token });
      pages.push(...page.events.map((e) => e.eventID));
      token = page.nextToken;
    } while (token);
    expect(pages).toEqual(expected.map((e) => e.eventID));
  });

  it('filters by time range, event name, principal and readOnly, and by account', async () => {
    const range = await lookupEvents(readTx(store.db), { accountId: A, startTime: T0 + 20_000, endTime: T0 + 29_000 });
    expect(range.events.map((e) => e.eventTime)).toEqual(Array.from({ length: 10 }, (_, k) => new Date(T0 + (29 - k) * 1000).toISOString().replace('.000Z', 'Z')));
    const lists = await lookupEvents(readTx(store.db), { accountId: A, eventName: 'ListNetworks' });
    expect(lists.events).toHaveLength(20);
    expect(lists.events.every((e) => e.eventName === 'ListNetworks' && e.readOnly)).toBe(true);
    const writes = await lookupEvents(readTx(store.db), { accountId: A, readOnly: false });
    expect(writes.events).toHaveLength(40);
    const alice = await lookupEvents(readTx(store.db), { accountId: A, principalArn: ALICE, readOnly: false });
    expect(alice.events.length).toBeGreaterThan(0);
    expect(alice.events.every((e) => e.userIdentity.arn === ALICE && !e.readOnly)).toBe(true);
    expect(alice.events).toHaveLength(written.filter((e) => e.userIdentity.arn === ALICE && !e.readOnly).length);
    const b = await lookupEvents(readTx(store.db), { accountId: B });
    expect(b.events.map((e) => e.recipientAccountId)).toEqual([B]);
    expect((await lookupEvents(readTx(store.db), { accountId: '999999999999' })).events).toEqual([]);
  });

  it('validates the LookupEvents body: times as ISO or epoch seconds, limits, tokens', async () => {
    const iso = await lookupEventsHandler(store.db, A, { startTime: '2024-05-01T10:00:20Z', endTime: T0 / 1000 + 29, maxResults: 5 });
    expect(iso.events).toHaveLength(5);
    expect(iso.events[0]!.eventTime).toBe('2024-05-01T10:00:29Z');
    const page2 = await lookupEventsHandler(store.db, A, Buffer.from(JSON.stringify({ startTime: '2024-05-01T10:00:20Z', endTime: T0 / 1000 + 29, maxResults: 5, nextToken: iso.nextToken })));
    expect(page2.events[0]!.eventTime).toBe('2024-05-01T10:00:24Z');
    expect(page2.nextToken).toBeUndefined();
    expect((await lookupEventsHandler(store.db, A, undefined)).events).toHaveLength(50);

    const reasonsOf = async (body: unknown) => {
      try {
        await lookupEventsHandler(store.db, A, body);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        return { shape: (err as ApiError).shape, fields: ((err as ApiError).reasons ?? []).map((r) => r.field) };
      }
      throw new Error('expected a validation error');
    };
    expect(await reasonsOf({ maxResults: 0 })).toEqual({ shape: 'ValidationError', fields: ['maxResults'] });
    expect(await reasonsOf({ maxResults: 51 })).toEqual({ shape: 'ValidationError', fields: ['maxResults'] });
    expect(await reasonsOf({ maxResults: '5' })).toEqual({ shape: 'ValidationError', fields: ['maxResults'] });
    expect(await reasonsOf({ startTime: 'yesterday', endTime: {} })).toEqual({ shape: 'ValidationError', fields: ['startTime', 'endTime'] });
    expect(await reasonsOf({ startTime: '2024-05-02T00:00:00Z', endTime: '2024-05-01T00:00:00Z' })).toEqual({ shape: 'ValidationError', fields: ['startTime'] });
    expect(await reasonsOf({ readOnly: 'maybe', eventName: '' })).toEqual({ shape: 'ValidationError', fields: ['eventName', 'readOnly'] });
    expect(await reasonsOf({ lookupAttributes: [] })).toEqual({ shape: 'ValidationError', fields: ['lookupAttributes'] });
    expect(await reasonsOf({ nextToken: 'garbage' })).toEqual({ shape: 'ValidationError', fields: ['nextToken'] });
    // A token is bound to the filters it was issued for.
    expect(await reasonsOf({ eventName: 'ListNetworks', nextToken: iso.nextToken })).toEqual({ shape: 'ValidationError', fields: ['nextToken'] });
    expect(await reasonsOf('not json')).toEqual({ shape: 'BadRequestError', fields: [] });
    expect(await reasonsOf([1])).toEqual({ shape: 'BadRequestError', fields: [] });
  });
});
