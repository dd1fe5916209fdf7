// A test server with the /iam API: built like test/helpers/harness.ts (SQLite in a temp directory, or
// a throw-away PostgreSQL schema when ENCLAVE_TEST_DATABASE_URL is set). Gives signed clients for the
// admin API and /iam.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient, createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { TEST_DATABASE_URL } from '../helpers/harness.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Calls POST /iam/<Action>, signed like every Enclave API call; errors are AdminApiError. */
export class IamClient {
  constructor(readonly admin: AdminClient) {}

  async call<T = Record<string, unknown>>(action: string, input: Record<string, unknown> = {}): Promise<T> {
    const res = await this.admin.sendRaw<T>({ method: 'POST', path: `/iam/${action}`, query: {}, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    return res.body;
  }
}

export interface IamTestServer {
  server: EnclaveServer;
  url: string;
  accountId: string;
  root: Credentials;
  /** The root's admin API client. */
  admin: AdminClient;
  /** The root's /iam client. */
  iam: IamClient;
  adminWith(creds: Credentials): AdminClient;
  iamWith(creds: Credentials): IamClient;
  /** Audit events reported by the /iam API (when this helper registered it). */
  close(): Promise<void>;
}

export async function startIamServer(): Promise<IamTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enclave-iam-'));
  const root = { accessKeyId: 'AKIATEST' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1', databaseUrl: TEST_DATABASE_URL },
    {
      ENCLAVE_ROOT_ACCESS_KEY_ID: root.accessKeyId,
      ENCLAVE_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey,
      ENCLAVE_LOG_LEVEL: 'silent',
      ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}),
    },
  );
  const server = await createServer(config, { logger: false });
  const url = await server.listen();
  const adminWith = (creds: Credentials) => new AdminClient({ endpoint: url, region: config.region, credentials: creds });
  const iamWith = (creds: Credentials) => new IamClient(adminWith(creds));
  return {
    server,
    url,
    accountId: server.bootstrap.accountId,
    root,
    admin: adminWith(root),
    iam: iamWith(root),
    adminWith,
    iamWith,
    async close() {
      await server.close();
      if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
