// Shared by the audit tests: a database (SQLite in a temp directory, or a throw-away PostgreSQL
// schema when ENCLAVE_TEST_DATABASE_URL is set), a local S3 server (s3rver), and a delivered trail
// built on a fake clock.
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { AuditDelivery, type AuditTarget, type DeliveredDigest, type DeliveredLogFile } from '../../packages/server/src/jobs/audit-delivery.js';
import { buildEvent } from '../../packages/server/src/domain/audit/events.js';
import { recordEvent } from '../../packages/server/src/domain/audit/repo.js';
import { writeTx, dropPostgresSchema, openStore, type Store } from '../../packages/server/src/infra/db.js';

export const TEST_DATABASE_URL = process.env.ENCLAVE_TEST_DATABASE_URL || undefined;
export const dialectName = TEST_DATABASE_URL ? 'postgres' : 'sqlite';
export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';
export const REGION = 'us-east-1';
export const T0 = Date.parse('2024-05-01T10:00:00Z');
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const dirs: string[] = [];

export function tempDir(prefix = 'enclave-audit-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function openTestStore(): Promise<{ store: Store; close(): Promise<void> }> {
  const dir = tempDir('enclave-audit-db-');
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const store = await openStore({ databaseUrl: TEST_DATABASE_URL, dataDir: dir, schema });
  return {
    store,
    async close() {
      await store.close();
      if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
    },
  };
}

export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  close(): Promise<void>;
}

/** s3rver on 127.0.0.1, a free port, a temp directory, with these buckets. */
export async function startS3(buckets: string[]): Promise<LocalS3> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: tempDir('enclave-s3rver-'), configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3Client(endpoint);
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}

export async function recordCalls(store: Store, account: string, at: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const record = buildEvent({
      account,
      region: REGION,
      eventName: i % 2 ? 'ListNetworks' : 'CreateNetwork',
      readOnly: i % 2 === 1,
      eventTime: at - (n - i) * 1000,
      requestId: randomUUID(),
      sourceIp: '192.0.2.10',
      userAgent: 'aws-cli/2.15.0',
      identity: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: 'AKIAAUDITTEST' },
      operationInput: { shape: 'CreateNetworkRequest', value: { networkName: `net-${i}`, accessLevel: 'STANDARD' } },
    });
    await store.db.transaction().execute((trx) => recordEvent(writeTx(trx), record));
  }
}

export interface BuiltTrail {
  delivery: AuditDelivery;
  /** The main account's digests and log files, oldest first. */
  digests: DeliveredDigest[];
  logFiles: DeliveredLogFile[];
  /** The fake clock's time after the last delivery. */
  clock: () => number;
  advance(ms: number): void;
}

/**
 * Four hourly digests, each over two log files (two 5-minute intervals with calls), for ACCOUNT;
 * OTHER_ACCOUNT gets its own trail alongside.
 */
export async function buildTrail(store: Store, target: AuditTarget, signingKey: KeyObject, hours = 4): Promise<BuiltTrail> {
  let clock = T0;
  const delivery = new AuditDelivery({ db: store.db, region: REGION, intervalMinutes: 5, target, signingKey, now: () => clock });
  const digests: DeliveredDigest[] = [];
  const logFiles: DeliveredLogFile[] = [];
  for (let h = 0; h < hours; h++) {
    for (let k = 0; k < 2; k++) {
      await recordCalls(store, ACCOUNT, clock, 3);
      await recordCalls(store, OTHER_ACCOUNT, clock, 1);
      clock += 5 * 60_000;
      const r = await delivery.deliverOnce();
      logFiles.push(...r.logFiles.filter((f) => f.accountId === ACCOUNT));
      digests.push(...r.digests.filter((d) => d.accountId === ACCOUNT));
    }
    clock += 60 * 60_000;
    const r = await delivery.deliverOnce();
    digests.push(...r.digests.filter((d) => d.accountId === ACCOUNT));
  }
  return {
    delivery,
    digests,
    logFiles,
    clock: () => clock,
    advance: (ms) => {
      clock += ms;
    },
  };
}
