// The built `enclave audit` commands (packages/cli/dist/main.js) as a user runs them:
// `audit validate` on a delivered directory and S3 trail (exit 0 when intact, 1 with the problems
// listed when not), and `audit lookup` against a server serving POST /audit/LookupEvents.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditSigningKey, publicKeyPem } from '../../packages/server/src/jobs/audit-delivery.js';
import { createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { ACCOUNT, REGION, S3_CREDENTIALS, TEST_DATABASE_URL, buildTrail, dialectName, openTestStore, recordCalls, removeTempDirs, startS3, tempDir, type BuiltTrail, type LocalS3 } from './trail.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(root, 'packages/cli/dist/main.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without inherited AWS_* or ENCLAVE_* settings. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|ENCLAVE_)/.test(k)) base[k] = v;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: tempDir('enclave-audit-cwd-'), env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const closers: (() => Promise<void>)[] = [];
let s3: LocalS3;

beforeAll(async () => {
  // The tests run the built CLI; bring the build up to date (a no-op when `npm run build` just ran).
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], { cwd: root, stdio: 'pipe' });
  s3 = await startS3(['cli-trail']);
}, 180_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await s3?.close();
  removeTempDirs();
});

describe(`enclave audit validate (${dialectName})`, () => {
  let dir: string;
  let keyFile: string;
  let trail: BuiltTrail;

  beforeAll(async () => {
    const db = await openTestStore();
    closers.push(db.close);
    const key = loadAuditSigningKey(tempDir('enclave-audit-data-'));
    keyFile = join(tempDir('enclave-audit-pub-'), 'audit-signing-public-key.pem');
    writeFileSync(keyFile, publicKeyPem(key));
    dir = tempDir('enclave-audit-cli-trail-');
    trail = await buildTrail(db.store, { kind: 'dir', dir }, key, 3);
    const other = await openTestStore();
    closers.push(other.close);
    await buildTrail(other.store, { kind: 's3', bucket: 'cli-trail', prefix: 'logs', client: s3.client }, key, 2);
  });

  const args = (...extra: string[]) => ['audit', 'validate', '--account-id', ACCOUNT, '--region', REGION, '--public-key', keyFile, ...extra];

  it('exits 0 and says so for an intact directory trail', async () => {
    const r = await runCli(args('--dir', dir));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Validating the audit trail of account ${ACCOUNT} in ${REGION} at ${dir}`);
    expect(r.stdout).toContain('3/3 digest files valid');
    expect(r.stdout).toContain('6/6 log files valid');
  });

  it('exits 1 and lists every problem when files were tampered with', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, trail.logFiles[0]!.key));
    writeFileSync(join(dir, trail.digests[1]!.key), 'not a digest');
    const r = await runCli(args('--dir', dir));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Log file ${join(dir, trail.logFiles[0]!.key)} INVALID (log-file-missing)`);
    expect(r.stdout).toContain(`Digest file ${join(dir, trail.digests[1]!.key)} INVALID (digest-modified)`);
    expect(r.stdout).toMatch(/2\/3 digest files valid/);
    expect(r.stderr).toMatch(/the trail is NOT valid: \d+ problems/);
    const j = await runCli(args('--dir', dir, '--json'));
    expect(j.code).toBe(1);
    const report = JSON.parse(j.stdout) as { valid: boolean; problems: { kind: string; key: string }[] };
    expect(report.valid).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'log-file-missing', key: trail.logFiles[0]!.key }));
  });

  it('validates an S3 trail through an endpoint override with credentials from the environment', async () => {
    const r = await runCli(args('--s3-bucket', 'cli-trail', '--s3-prefix', 'logs', '--s3-endpoint', s3.endpoint), {
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2/2 digest files valid');
    expect(r.stdout).toContain('4/4 log files valid');
  });

  it('exits 252 on a usage error', async () => {
    const none = await runCli(args());
    expect(none.code).toBe(252);
    expect(none.stderr).toContain('give either --dir or --s3-bucket');
    const both = await runCli(args('--dir', dir, '--s3-bucket', 'b'));
    expect(both.code).toBe(252);
    const noKey = await runCli(['audit', 'validate', '--dir', dir, '--account-id', ACCOUNT, '--region', REGION]);
    expect(noKey.code).toBe(252);
    expect(noKey.stderr).toContain('--public-key is required');
    const badTime = await runCli(args('--dir', dir, '--start-time', 'yesterday'));
    expect(badTime.code).toBe(252);
    const unknown = await runCli(args('--dir', dir, '--frobnicate'));
    expect(unknown.code).toBe(252);
  });
});

describe(`enclave audit lookup (${dialectName})`, () => {
  let server: EnclaveServer;
  let url: string;
  let accountId: string;
  const accessKeyId = 'AKIATEST' + randomBytes(6).toString('hex').toUpperCase();
  const secretAccessKey = randomBytes(30).toString('base64');

  beforeAll(async () => {
    const dataDir = tempDir('enclave-audit-server-');
    const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
    const config = loadConfig(
      { host: '127.0.0.1', port: 0, dataDir, region: REGION, databaseUrl: TEST_DATABASE_URL },
      {
        ENCLAVE_ROOT_ACCESS_KEY_ID: accessKeyId,
        ENCLAVE_ROOT_SECRET_ACCESS_KEY: secretAccessKey,
        ENCLAVE_LOG_LEVEL: 'silent',
        ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}),
      },
    );
    server = await createServer(config, { logger: false });
    closers.push(async () => {
      await server.close();
      if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
    });
    accountId = server.bootstrap.accountId;
    url = await server.listen();
    const db = { db: server.store.db } as Parameters<typeof recordCalls>[0];
    await recordCalls(db, accountId, Date.parse('2024-05-01T10:00:00Z'), 6);
    await recordCalls(db, '999999999999', Date.parse('2024-05-01T10:00:00Z'), 2);
  });

  const creds = () => ['--endpoint-url', url, '--access-key-id', accessKeyId, '--secret-access-key', secretAccessKey];

  it('prints the account’s records, newest first, following pages with --all-pages', async () => {
    const r = await runCli(['audit', 'lookup', ...creds(), '--event-name', 'CreateNetwork', '--max-results', '2', '--all-pages']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { events: { eventName: string; eventTime: string; recipientAccountId: string }[]; nextToken?: string };
    expect(out.events).toHaveLength(3);
    expect(out.nextToken).toBeUndefined();
    expect(out.events.every((e) => e.eventName === 'CreateNetwork' && e.recipientAccountId === accountId)).toBe(true);
    const times = out.events.map((e) => e.eventTime);
    expect([...times].sort().reverse()).toEqual(times);

    const page = await runCli(['audit', 'lookup', ...creds(), '--read-only', 'true', '--max-results', '2', '--start-time', '2024-05-01T09:00:00Z', '--end-time', String(Date.parse('2024-05-01T10:00:00Z') / 1000)]);
    expect(page.code).toBe(0);
    const first = JSON.parse(page.stdout) as { events: { readOnly: boolean }[]; nextToken: string };
    expect(first.events).toHaveLength(2);
    expect(first.events.every((e) => e.readOnly)).toBe(true);
    const next = await runCli(['audit', 'lookup', ...creds(), '--read-only', 'true', '--max-results', '2', '--start-time', '2024-05-01T09:00:00Z', '--end-time', String(Date.parse('2024-05-01T10:00:00Z') / 1000), '--next-token', first.nextToken]);
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as { events: unknown[] }).events).toHaveLength(1);
  });

  it('reports usage errors (252), service errors (254) and bad credentials', async () => {
    const usage = await runCli(['audit', 'lookup', ...creds(), '--max-results', '500']);
    expect(usage.code).toBe(252);
    expect(usage.stderr).toContain('--max-results');
    const service = await runCli(['audit', 'lookup', ...creds(), '--start-time', '2024-05-02T00:00:00Z', '--end-time', '2024-05-01T00:00:00Z']);
    expect(service.code).toBe(254);
    expect(service.stderr).toContain('An error occurred (ValidationError) when calling the LookupEvents operation');
    const denied = await runCli(['audit', 'lookup', '--endpoint-url', url, '--access-key-id', accessKeyId, '--secret-access-key', 'wrong-secret-wrong-secret']);
    expect(denied.code).toBe(254);
  });
});
