// Starts a real Enclave server for a test: SQLite in a fresh temp directory by default, or a
// throw-away PostgreSQL schema when ENCLAVE_TEST_DATABASE_URL is set (CI sets it). Returns a signed
// admin client for the bootstrap root key.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient, createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';

export const TEST_DATABASE_URL = process.env.ENCLAVE_TEST_DATABASE_URL || undefined;
export const dialectName = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestServer {
  server: EnclaveServer;
  url: string;
  client: AdminClient;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
  /** A client for another key (or a tampered one). */
  clientWith(creds: { accessKeyId: string; secretAccessKey: string }, region?: string): AdminClient;
  close(): Promise<void>;
}

export interface TestServerOptions {
  now?: () => number;
  env?: Record<string, string>;
  region?: string;
  /** Logger options (e.g. `{ level: 'info', stream }` to read the log); none by default. */
  logger?: boolean | Record<string, unknown>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enclave-test-'));
  const accessKeyId = 'AKIATEST' + randomBytes(6).toString('hex').toUpperCase();
  const secretAccessKey = randomBytes(30).toString('base64');
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, dataDir, region: options.region ?? 'us-east-1', databaseUrl: TEST_DATABASE_URL },
    {
      ENCLAVE_ROOT_ACCESS_KEY_ID: accessKeyId,
      ENCLAVE_ROOT_SECRET_ACCESS_KEY: secretAccessKey,
      ENCLAVE_LOG_LEVEL: 'silent',
      ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}),
      ...options.env,
    },
  );
  const server = await createServer(config, { logger: options.logger ?? false, ...(options.now ? { now: options.now } : {}) });
  const url = await server.listen();
  const region = config.region;
  const clientWith = (creds: { accessKeyId: string; secretAccessKey: string }, r = region) =>
    new AdminClient({ endpoint: url, region: r, credentials: creds });
  return {
    server,
    url,
    client: clientWith({ accessKeyId, secretAccessKey }),
    accountId: server.bootstrap.accountId,
    accessKeyId,
    secretAccessKey,
    dataDir,
    clientWith,
    async close() {
      await server.close();
      if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Expects the promise to fail with an AdminApiError of this type; returns it. */
export async function expectApiError(p: Promise<unknown>, errorType: string, status?: number) {
  try {
    await p;
  } catch (err) {
    const e = err as { errorType?: string; status?: number; body?: unknown };
    if (e.errorType !== errorType || (status !== undefined && e.status !== status)) {
      throw new Error(`expected ${errorType}${status ? ` ${status}` : ''}, got ${e.errorType} ${e.status}: ${JSON.stringify(e.body)}`);
    }
    return err as import('../../packages/server/src/index.js').AdminApiError;
  }
  throw new Error(`expected ${errorType}, but the call succeeded`);
}

/** Creates a network and returns its ID and default security group ID. */
export async function createNetwork(client: AdminClient, name = 'Test Network', accessLevel: 'STANDARD' | 'PREMIUM' = 'PREMIUM', extra: Record<string, unknown> = {}) {
  const { networkId } = await client.call<{ networkId: string }>('CreateNetwork', { networkName: name, accessLevel, ...extra });
  const { securityGroups } = await client.call<{ securityGroups: { id: string; isDefault: boolean }[] }>('ListSecurityGroups', { networkId, maxResults: 100 });
  const defaultGroupId = securityGroups.find((g) => g.isDefault)!.id;
  return { networkId, defaultGroupId };
}

const SNAPSHOT_TABLES = [
  'accounts',
  'principals',
  'networks',
  'network_tags',
  'security_groups',
  'users',
  'bots',
  'devices',
  'guest_users',
  'guest_blocks',
  'oidc_configs',
  'tdf_configs',
  'retention_bots',
  'idempotency_records',
  'counters',
] as const;

/**
 * A digest of everything an admin operation can change (access keys are left out: every request
 * records the key's last use). Two equal snapshots mean nothing changed.
 */
export async function snapshot(t: TestServer): Promise<string> {
  const parts: string[] = [];
  for (const table of SNAPSHOT_TABLES) {
    // Every call, failed or not, is recorded in the audit trail (and moves its sequence counter).
    const rows = (await t.server.store.db.selectFrom(table).selectAll().execute())
      .filter((r) => table !== 'counters' || (r as { name: string }).name !== 'audit_seq')
      .map((r) => JSON.stringify(r))
      .sort();
    parts.push(`${table}:${rows.join('\n')}`);
  }
  return parts.join('\n#\n');
}
