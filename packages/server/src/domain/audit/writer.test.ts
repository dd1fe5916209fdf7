import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTx, dropPostgresSchema, openStore, type Store } from '../../infra/db.js';
import { buildEvent } from './events.js';
import { AuditWriter } from './writer.js';

const url = process.env.ENCLAVE_TEST_DATABASE_URL || undefined;

function record(name: string) {
  return buildEvent({
    account: '123456789012',
    region: 'us-east-1',
    eventName: name,
    readOnly: true,
    eventTime: Date.now(),
    requestId: randomBytes(8).toString('hex'),
    sourceIp: '127.0.0.1',
    userAgent: 'test',
    identity: { type: 'Root', principalId: 'p', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', accessKeyId: 'AKIA' },
  });
}

describe('AuditWriter', () => {
  let store: Store;
  let dir: string;
  let schema: string | undefined;
  afterEach(async () => {
    await store.close();
    if (schema && url) await dropPostgresSchema(url, schema);
    rmSync(dir, { recursive: true, force: true });
  });
  async function open() {
    dir = mkdtempSync(join(tmpdir(), 'enclave-writer-'));
    schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
    store = await openStore({ dataDir: dir, databaseUrl: url, schema });
  }
  const count = async () => Number((await store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('writes deferred records within its delay, in order, without being asked', async () => {
    await open();
    const w = new AuditWriter(store.db, { maxDelayMs: 5 });
    w.defer(record('A'));
    w.defer(record('B'));
    expect(await count()).toBe(0);
    for (let i = 0; i < 200 && (await count()) < 2; i++) await new Promise((r) => setTimeout(r, 5));
    const rows = await store.db.selectFrom('audit_events').select(['event_name', 'seq']).orderBy('seq').execute();
    expect(rows.map((r) => r.event_name)).toEqual(['A', 'B']);
    await w.close();
  });

  it('flushes everything on close, in batches', async () => {
    await open();
    const w = new AuditWriter(store.db, { maxDelayMs: 60_000, maxBatch: 7 });
    for (let i = 0; i < 30; i++) w.defer(record(`E${i}`));
    await w.close();
    expect(await count()).toBe(30);
  });

  it('writes immediately into the caller\'s transaction, and not at all when it rolls back', async () => {
    await open();
    const w = new AuditWriter(store.db);
    await store.db.transaction().execute((trx) => w.write(writeTx(trx), record('Kept')));
    await expect(
      store.db.transaction().execute(async (trx) => {
        await w.write(writeTx(trx), record('RolledBack'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const names = (await store.db.selectFrom('audit_events').select('event_name').execute()).map((r) => r.event_name);
    expect(names).toEqual(['Kept']);
  });
});
