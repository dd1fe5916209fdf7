// End-to-end tests of the safety commands of the built `enclave` CLI (packages/cli/dist/main.js; run
// `npm run build` first) against a real server: safety-number (digits, QR, JSON) agreeing on both
// sides, verify refusing a number that does not match, a new device waiting for approval and
// confirmed from the first device, and the device-change notice in `listen --json`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';

const MAIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'packages/cli/dist/main.js');
let t: TestServer;
let networkId: string;
let dir: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ENCLAVE_PASSWORD: GOOD_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

async function registered(name: string): Promise<{ email: string; profile: string }> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inviteCode } = await invite(t, networkId, email);
  const profile = join(dir, name);
  const r = await cli(['register', '--server', t.url, '--email', email, '--invite-code', inviteCode, '--profile', profile, '--json']);
  expect(r.code).toBe(0);
  return { email, profile };
}

beforeAll(async () => {
  t = await startTestServer();
  networkId = (await createNetwork(t.client, 'CLI Safety')).networkId;
  dir = mkdtempSync(join(tmpdir(), 'enclave-cli-safety-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enclave safety commands', () => {
  it('safety-number, verify, a new device confirmed from the first one, and the notice in listen', { timeout: 180_000 }, async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const a = await cli(['safety-number', '--profile', alice.profile, '--contact', bob.email, '--json']);
    const b = await cli(['safety-number', '--profile', bob.profile, '--contact', alice.email, '--json']);
    expect(a.code).toBe(0);
    const [sa, sb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as { digits: string; qr: string; verified: boolean }[];
    expect(sa!.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(sa!.digits).toBe(sb!.digits);
    expect(sa!.verified).toBe(false);
    const text = await cli(['safety-number', '--profile', alice.profile, '--contact', bob.email]);
    expect(text.stdout).toContain(sa!.digits.split(' ').slice(0, 4).join(' '));
    expect(text.stdout).toMatch(/[▀▄█]/); // the terminal QR code
    expect(text.stdout).toContain('Not verified.');

    const wrong = await cli(['verify', '--profile', alice.profile, '--contact', bob.email, '--safety-number', '1'.repeat(60)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('do not match');
    expect((await cli(['verify', '--profile', alice.profile, '--contact', bob.email, '--safety-number', sb!.digits])).code).toBe(0);
    expect((await cli(['safety-number', '--profile', alice.profile, '--contact', bob.email])).stdout).toContain('Verified.');

    // Alice and Bob share a DM, so Alice's listen hears of Bob's device change.
    expect((await cli(['send', '--profile', alice.profile, '--to', bob.email, 'hi'])).code).toBe(0);
    const bob2 = join(dir, 'bob2');
    const login = await cli(['login', '--server', t.url, '--email', bob.email, '--profile', bob2, '--json']);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('not in your account\'s signed device list');
    const { deviceId } = JSON.parse(login.stdout) as { deviceId: string };
    const pending = await cli(['devices', 'pending', '--profile', bob.profile, '--json']);
    expect(JSON.parse(pending.stdout)).toMatchObject({ deviceId });
    const fp = await cli(['devices', 'fingerprint', '--profile', bob2, '--json']);
    expect(JSON.parse(fp.stdout)).toMatchObject({ deviceId, deviceList: 'pending', fingerprint: (JSON.parse(pending.stdout) as { fingerprint: string }).fingerprint });
    expect((await cli(['devices', 'confirm', '--profile', bob.profile, '--device', deviceId])).code).toBe(0);
    const heard = await cli(['listen', '--profile', alice.profile, '--json', '--timeout', '8']);
    const lines = heard.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ notice: 'devices_changed', email: bob.email, added: [deviceId] }));
    // A signed change keeps the number and the verification.
    const after = JSON.parse((await cli(['safety-number', '--profile', alice.profile, '--contact', bob.email, '--json'])).stdout) as { digits: string; verified: boolean };
    expect(after).toMatchObject({ digits: sa!.digits, verified: true });
  });
});
