// End-to-end tests of the built `enclave` command (packages/cli/dist/main.js): `enclave serve` as a real
// process (bootstrap credentials, invalid settings, SIGTERM/SIGINT), and `enclave admin` against it
// (credentials lookup, input flags, pagination, chunked batches, exit codes).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(root, 'packages/cli/dist/main.js');
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'enclave-cli-'));
  dirs.push(d);
  return d;
}

/** The environment of a child: no inherited AWS_* or ENCLAVE_* settings. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|ENCLAVE_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: tempDir(), env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

interface Served {
  url: string;
  /** stdout up to and including the "listening on" line. */
  stdout: string;
  stderr: () => string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 45_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /listening on (http:\/\/\S+)\n/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      resolvePromise({
        url: m[1]!,
        stdout: stdout.slice(0, m.index + m[0].length),
        stderr: () => stderr,
        stop: (signal) => {
          child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

/** A port nobody listens on (taken and released). */
async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const json = (r: Result) => JSON.parse(r.stdout) as Record<string, unknown>;

beforeAll(() => {
  // The tests run the built CLI; bring the build up to date (a no-op when `npm run build` just ran).
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], { cwd: root, stdio: 'pipe' });
}, 180_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the commands npm links (npx enclave, npx enclave-retention-bot)', { timeout: 180_000 }, () => {
  // npm links a bin at install only when its file exists; dist/ does not in a fresh clone, so each
  // package's bin is a small launcher in the repository that runs the built command.
  it('run the built commands through node_modules/.bin', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/retention-bot'], { cwd: root, stdio: 'pipe' });
    const cliVersion = (JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(join(root, 'node_modules/.bin/enclave'), ['--version'], { cwd: tempDir(), encoding: 'utf8' }).trim()).toBe(cliVersion);
    expect(execFileSync(join(root, 'node_modules/.bin/enclave'), ['admin', '--help'], { cwd: tempDir(), encoding: 'utf8' })).toContain('create-network');
    const bot = join(root, 'node_modules/.bin/enclave-retention-bot');
    expect(execFileSync(bot, ['--help'], { cwd: tempDir(), encoding: 'utf8' })).toContain('WICKRIO_BOT_NAME (required)');
    // The launcher passes the exit code through: a missing bot name is the configuration exit (78).
    const r = spawnSync(bot, ['run', '--no-supervise'], { cwd: tempDir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tempDir(), ENCLAVE_RETENTION_HOME: tempDir() } });
    expect(r.status).toBe(78);
    expect(r.stdout + r.stderr).toMatch(/WICKRIO_BOT_NAME is required/);
  });
});

describe('enclave serve', { timeout: 180_000 }, () => {
  it('prints the bootstrap key once, serves admin calls with it, stops cleanly on SIGTERM and keeps its data', async () => {
    const dataDir = tempDir();
    const first = await serve(['--port', '0', '--data-dir', dataDir]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.stdout.split('\n')).toContain(`Enclave admin API listening on ${first.url}`);

    const file = join(dataDir, 'bootstrap-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { accountId: string; accessKeyId: string; secretAccessKey: string };
    expect(/Account ID:\s+(\S+)/.exec(first.stdout)?.[1]).toBe(saved.accountId);
    expect(/Access key ID:\s+(\S+)/.exec(first.stdout)?.[1]).toBe(saved.accessKeyId);
    expect(/Secret access key:\s+(\S+)/.exec(first.stdout)?.[1]).toBe(saved.secretAccessKey);
    expect(first.stdout.split(saved.secretAccessKey)).toHaveLength(2);
    expect(first.stdout).toContain(`${file} (mode 0600)`);
    expect(first.stdout).toContain('aws configure');
    expect(first.stdout).toContain(`--endpoint-url ${first.url}`);

    // Credentials from <data-dir>/bootstrap-credentials.json.
    const created = await runCli(['admin', 'create-network', '--network-name', 'CLI Net', '--access-level', 'STANDARD', '--endpoint-url', first.url, '--data-dir', dataDir]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { networkId } = json(created) as { networkId: string };
    expect(networkId).toMatch(/^\d{8}$/);

    // Credentials from AWS_* and the endpoint from ENCLAVE_ENDPOINT.
    const listed = await runCli(['admin', 'list-networks'], {
      ENCLAVE_ENDPOINT: first.url,
      AWS_ACCESS_KEY_ID: saved.accessKeyId,
      AWS_SECRET_ACCESS_KEY: saved.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    expect(listed.code).toBe(0);
    expect((json(listed).networks as { networkId: string }[]).map((n) => n.networkId)).toEqual([networkId]);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stderr()).not.toContain('enclave serve: error');

    const second = await serve(['--port', '0', '--data-dir', dataDir]);
    expect(second.stdout).not.toContain(saved.secretAccessKey);
    expect(second.stdout).not.toMatch(/Secret access key/);
    const again = await runCli(['admin', 'get-network', '--network-id', networkId, '--endpoint-url', second.url, '--access-key-id', saved.accessKeyId, '--secret-access-key', saved.secretAccessKey]);
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({ networkId, networkName: 'CLI Net' });
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('stops with a non-zero exit and names the bad setting, without a stack trace', async () => {
    const busy = createNetServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = String((busy.address() as { port: number }).port);
    const pgPort = await freePort();
    const cases: [string[], string][] = [
      [['--port', '99999'], '--port'],
      [['--region', 'nope'], '--region'],
      [['--database-url', 'mysql://x'], '--database-url'],
      [['--database-url', `postgres://enclave:s3cretpw@127.0.0.1:${pgPort}/enclave`], '--database-url'],
      [['--host', '127.0.0.1', '--port', busyPort], '--port'],
    ];
    try {
      const results = await Promise.all(cases.map(([args]) => runCli(['serve', '--data-dir', tempDir(), ...args])));
      results.forEach((r, i) => {
        const [args, setting] = cases[i]!;
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.code, args.join(' ')).not.toBeNull();
        expect(r.stderr, args.join(' ')).toContain(setting);
        expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
        expect(r.stdout, args.join(' ')).not.toContain('listening on');
      });
      expect(results[3]!.stderr).not.toContain('s3cretpw');
    } finally {
      busy.close();
    }
  });
});

describe('enclave admin', { timeout: 180_000 }, () => {
  let server: Served;
  let env: Record<string, string>;
  let networkId: string;
  let groupId: string;
  const admin = (args: string[], extra: Record<string, string> = {}) => runCli(['admin', ...args, '--endpoint-url', server.url], { ...env, ...extra });

  beforeAll(async () => {
    env = {
      AWS_ACCESS_KEY_ID: 'AKIACLI' + randomBytes(8).toString('hex').toUpperCase(),
      AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64'),
      AWS_REGION: 'us-east-1',
    };
    server = await serve(['--port', '0', '--data-dir', tempDir()], {
      ENCLAVE_ROOT_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID!,
      ENCLAVE_ROOT_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY!,
      ENCLAVE_LOG_LEVEL: 'warn',
    });
    expect(server.stdout).not.toMatch(/Secret access key/);
    const created = await admin(['create-network', '--network-name', 'Batch', '--access-level', 'PREMIUM']);
    expect(created.code, created.stderr).toBe(0);
    networkId = (json(created) as { networkId: string }).networkId;
    const groups = await admin(['list-security-groups', '--network-id', networkId]);
    expect(groups.code, groups.stderr).toBe(0);
    groupId = (json(groups).securityGroups as { id: string; isDefault: boolean }[]).find((g) => g.isDefault)!.id;
  }, 120_000);

  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('exits 254 with the error type, message and reasons of a service error', async () => {
    const missing = await admin(['get-network', '--network-id', '99999999']);
    expect(missing.code).toBe(254);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^An error occurred \(ResourceNotFoundError\) when calling the GetNetwork operation: /);
    expect(missing.stderr).toMatch(/Request ID: \S+/);

    const invalid = await admin(['create-network', '--network-name', 'x'.repeat(30), '--access-level', 'STANDARD']);
    expect(invalid.code).toBe(254);
    expect(invalid.stderr).toContain('(ValidationError) when calling the CreateNetwork operation');
    expect(invalid.stderr).toMatch(/^ {2}- networkName: /m);

    const wrongKey = await admin(['list-networks'], { AWS_SECRET_ACCESS_KEY: 'not-the-secret-at-all' });
    expect(wrongKey.code).toBe(254);
    expect(wrongKey.stderr).toMatch(/\((Forbidden|Unauthorized)Error\)/);
  });

  it('exits 252 for usage errors, 253 without credentials and 255 when the server is unreachable', async () => {
    const usage = await Promise.all([
      admin(['get-network']),
      admin(['get-network', '--network-id', '1', '--bogus']),
      admin(['list-networks', '--max-results', 'ten']),
      admin(['no-such-operation']),
      admin(['get-network', '--cli-input-json', '{"networkId":"1","extra":true}']),
    ]);
    expect(usage.map((r) => r.code)).toEqual([252, 252, 252, 252, 252]);
    expect(usage[0]!.stderr).toContain('Missing required parameter in input: networkId');
    expect(usage[2]!.stderr).toContain('--max-results: expected an integer');
    expect(usage[4]!.stderr).toContain('Unknown parameter in input: extra');

    const noCreds = await runCli(['admin', 'list-networks', '--endpoint-url', server.url, '--data-dir', tempDir()]);
    expect(noCreds.code).toBe(253);
    expect(noCreds.stderr).toContain('Unable to locate credentials');

    const down = await runCli(['admin', 'list-networks', '--endpoint-url', `http://127.0.0.1:${await freePort()}`], env);
    expect(down.code).toBe(255);
    expect(down.stderr).toContain('Could not connect to the endpoint URL');
  });

  it('lists operations and their members in --help', async () => {
    const all = await runCli(['admin', '--help']);
    expect(all.code).toBe(0);
    for (const op of ['list-networks', 'batch-create-user', 'get-oidc-info', 'register-opentdf-config', 'batch-lookup-user-uname', 'list-tags-for-resource']) {
      expect(all.stdout).toContain(op);
    }
    const one = await runCli(['admin', 'batch-toggle-user-suspend-status', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/--network-id <string>\s+networkId: string, in the path \[required\]/);
    expect(one.stdout).toMatch(/--suspend \[true\|false\]\s+suspend: boolean, in the query \[required\]/);
    expect(one.stdout).toContain('--client-token');
  });

  it('takes --cli-input-json from a file, lets flags override it, and honours --client-token', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ networkName: 'from-file', accessLevel: 'STANDARD' }));
    const r = await admin(['create-network', '--cli-input-json', `file://${join(dir, 'in.json')}`, '--network-name', 'from-flag']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ networkName: 'from-flag' });

    const token = `cli-${randomBytes(6).toString('hex')}`;
    const a = await admin(['create-network', '--network-name', 'idem', '--access-level', 'STANDARD', '--client-token', token]);
    const b = await admin(['create-network', '--network-name', 'idem', '--access-level', 'STANDARD', '--client-token', token]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(json(b).networkId).toBe(json(a).networkId);
  });

  it('follows nextToken with --all-pages', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) expect((await admin(['create-network', '--network-name', n, '--access-level', 'STANDARD'])).code).toBe(0);
    const full = json(await admin(['list-networks', '--max-results', '100'])).networks as unknown[];
    const paged = await admin(['list-networks', '--max-results', '1', '--all-pages']);
    expect(paged.code, paged.stderr).toBe(0);
    const out = json(paged);
    expect(out.nextToken).toBeUndefined();
    expect(out.networks).toEqual(full);
    const onePage = json(await admin(['list-networks', '--max-results', '1']));
    expect(onePage.networks).toHaveLength(1);
    expect(onePage.nextToken).toEqual(expect.any(String));
  });

  const hasBatchHandlers = ['batch-create-user', 'batch-delete-user', 'list-users'].every((op) => existsSync(join(root, `packages/server/src/usecases/admin/${op}.ts`)));

  it.skipIf(!hasBatchHandlers)('creates 120 users from a CSV in chunks of 50 with progress lines, and deletes 60 in chunks', async () => {
    const dir = tempDir();
    const csv = ['username,firstName,lastName,securityGroupId', ...Array.from({ length: 120 }, (_, i) => `user${i}@example.com,User,"No. ${i}",${groupId}`)].join('\n');
    writeFileSync(join(dir, 'users.csv'), csv + '\n');
    const token = `bulk-${randomBytes(6).toString('hex')}`;
    const args = ['batch-create-user', '--network-id', networkId, '--users-file', join(dir, 'users.csv'), '--client-token', token];
    const r = await admin(args);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r) as { successful: { userId: string; username: string }[]; failed?: unknown[] };
    expect(out.successful).toHaveLength(120);
    expect(out.failed ?? []).toEqual([]);
    expect(new Set(out.successful.map((u) => u.username)).size).toBe(120);
    expect(r.stderr).toContain('batch-create-user: sending 120 items in 3 chunks');
    expect(r.stderr).toContain('batch-create-user: 120/120 items (chunk 3/3)');

    // The same token again: every chunk is answered from its own <token>-<n>, no user is added twice.
    const again = await admin(args);
    expect(again.code, again.stderr).toBe(0);
    const users = await admin(['list-users', '--network-id', networkId, '--max-results', '50', '--all-pages']);
    expect(users.code, users.stderr).toBe(0);
    expect(json(users).users).toHaveLength(120);

    const doomed = out.successful.slice(0, 60).map((u) => u.userId);
    writeFileSync(join(dir, 'delete.json'), JSON.stringify({ networkId, userIds: doomed }));
    const del = await admin(['batch-delete-user', '--cli-input-json', `file://${join(dir, 'delete.json')}`]);
    expect(del.code, del.stderr).toBe(0);
    expect((json(del).successful as unknown[]).length).toBe(60);
    expect(del.stderr).toContain('batch-delete-user: 60/60 items (chunk 2/2)');
    const left = await admin(['list-users', '--network-id', networkId, '--max-results', '100', '--all-pages']);
    expect(json(left).users).toHaveLength(60);
  });
});
