// `enclave iam …`: the built CLI (packages/cli/dist/main.js, `npm run build` first) against a real
// server with the /iam API, and the CLI's action table against the server's handlers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_ACTIONS, iamActionSpecs, TARGET_ACCESS_KEY_FLAG } from '../../packages/cli/src/iam.js';
import { iamActions } from '../../packages/server/src/usecases/iam/index.js';
import { dialectName } from '../helpers/harness.js';
import { startIamServer, type IamTestServer } from './iam-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(root, 'packages/cli/dist/main.js');

describe('the CLI action table', () => {
  it('has every /iam action with the members, types and required flags of its handler', () => {
    expect(Object.keys(IAM_ACTIONS).sort()).toEqual(Object.keys(iamActions).sort());
    for (const [name, action] of Object.entries(iamActions)) {
      const server = Object.fromEntries(Object.entries(action.members).map(([k, m]) => [k, { kind: m.type, required: m.required === true }]));
      const cli = Object.fromEntries(Object.entries(IAM_ACTIONS[name as keyof typeof IAM_ACTIONS]).map(([k, m]) => [k, { kind: m.kind, required: m.required }]));
      expect(cli, name).toEqual(server);
    }
  });

  it('gives every member a distinct flag that does not clash with the caller-credential flags', () => {
    for (const spec of iamActionSpecs()) {
      const flags = spec.flags.map((f) => f.flag);
      expect(new Set(flags).size, spec.name).toBe(flags.length);
      expect(flags).not.toContain('--access-key-id');
      expect(flags).not.toContain('--secret-access-key');
    }
    expect(iamActionSpecs().find((s) => s.name === 'DeleteAccessKey')!.flags.map((f) => f.flag)).toEqual(['--user-name', TARGET_ACCESS_KEY_FLAG]);
  });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe(`enclave iam (${dialectName})`, () => {
  let t: IamTestServer;
  let dir: string;

  function run(args: string[], env: Record<string, string> = {}): Promise<Result> {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|ENCLAVE_)/.test(k)) clean[k] = v;
    return new Promise((done, reject) => {
      const child = spawn(process.execPath, [MAIN, 'iam', ...args], {
        cwd: dir,
        env: { ...clean, ENCLAVE_ENDPOINT: t.url, AWS_ACCESS_KEY_ID: t.root.accessKeyId, AWS_SECRET_ACCESS_KEY: t.root.secretAccessKey, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    t = await startIamServer();
    dir = mkdtempSync(join(tmpdir(), 'enclave-iam-cli-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a user, a key and a policy from a file, attaches it, and the key then works', async () => {
    const created = await run(['create-user', '--user-name', 'cli-alice', '--path', '/cli/']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).User).toMatchObject({ UserName: 'cli-alice', Arn: `arn:aws:iam::${t.accountId}:user/cli/cli-alice` });

    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListAccessKeys'], Resource: '*' }] }));
    const policy = await run(['create-policy', '--policy-name', 'cli-self', '--policy-document', 'file://policy.json']);
    expect(policy.code).toBe(0);
    const arn = JSON.parse(policy.stdout).Policy.Arn as string;
    expect((await run(['attach-user-policy', '--user-name', 'cli-alice', '--policy-arn', arn])).code).toBe(0);

    const key = await run(['create-access-key', '--user-name', 'cli-alice']);
    expect(key.code).toBe(0);
    const { AccessKeyId, SecretAccessKey } = JSON.parse(key.stdout).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const self = await run(['--access-key-id', AccessKeyId, '--secret-access-key', SecretAccessKey, 'get-user']);
    expect(self.code).toBe(0);
    expect(JSON.parse(self.stdout).User.UserName).toBe('cli-alice');

    // Acting on a key: --target-access-key-id names it; --access-key-id alone gets a hint.
    const hint = await run(['update-access-key', '--user-name', 'cli-alice', '--access-key-id', AccessKeyId, '--status', 'Inactive']);
    expect(hint.code).toBe(252);
    expect(hint.stderr).toContain(TARGET_ACCESS_KEY_FLAG);
    const off = await run(['update-access-key', '--user-name', 'cli-alice', TARGET_ACCESS_KEY_FLAG, AccessKeyId, '--status', 'Inactive']);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('');
    const refused = await run(['get-user'], { AWS_ACCESS_KEY_ID: AccessKeyId, AWS_SECRET_ACCESS_KEY: SecretAccessKey });
    expect(refused.code).toBe(254);
    expect(refused.stderr).toMatch(/^An error occurred \(UnauthorizedError\) when calling the GetUser operation/);
  });

  it('reports service errors with exit code 254 and usage errors with 252', async () => {
    const missing = await run(['get-user', '--user-name', 'nobody-here']);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain('An error occurred (ResourceNotFoundError) when calling the GetUser operation: The user with name nobody-here cannot be found.');
    const usage = await run(['create-user']);
    expect(usage.code).toBe(252);
    expect(usage.stderr).toContain('Missing required parameter in input: UserName (--user-name)');
    const unknown = await run(['list-users', '--cli-input-json', '{"Nope":1}']);
    expect(unknown.code).toBe(252);
  });

  it('list --all-pages follows the Marker; booleans take --flag and --no-flag', async () => {
    for (const name of ['pg-a', 'pg-b', 'pg-c']) expect((await run(['create-user', '--user-name', name, '--path', '/pages/'])).code).toBe(0);
    const one = JSON.parse((await run(['list-users', '--path-prefix', '/pages/', '--max-items', '1'])).stdout) as { Users: unknown[]; IsTruncated: boolean; Marker?: string };
    expect(one.Users).toHaveLength(1);
    expect(one.IsTruncated).toBe(true);
    const all = JSON.parse((await run(['list-users', '--path-prefix', '/pages/', '--max-items', '1', '--all-pages'])).stdout) as { Users: { UserName: string }[]; IsTruncated: boolean };
    expect(all.Users.map((u) => u.UserName)).toEqual(['pg-a', 'pg-b', 'pg-c']);
    expect(all.IsTruncated).toBe(false);
    const attached = JSON.parse((await run(['list-policies', '--scope', 'AWS', '--no-only-attached'])).stdout) as { Policies: { PolicyName: string }[] };
    expect(attached.Policies.map((p) => p.PolicyName)).toEqual(['AWSWickrFullAccess']);
  });

  it('validate-policy prints errors and unknown-action warnings and exits 1 when the policy is invalid', async () => {
    const warn = await run(['validate-policy', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'wickr:ListNetwork', Resource: '*' } })]);
    expect(warn.code).toBe(0);
    expect(JSON.parse(warn.stdout).Valid).toBe(true);
    expect(warn.stderr).toBe('warning: Action "wickr:ListNetwork" is not an action known to Enclave; it will never match a request.\n');
    const bad = await run([
      'validate-policy',
      '--policy-document',
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } } }),
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ Valid: false, Errors: [{ Statement: 0 }] });
    expect(bad.stderr).toBe('error: Statement[0]: Condition is not supported: Wickr has no policy condition keys (and no ABAC)\n');
    const good = await run(['validate-policy', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'wickr:*', Resource: '*' } })]);
    expect(good.code).toBe(0);
    expect(good.stderr).toBe('');
  });
});
