// End-to-end tests of the chat commands of the built `enclave` CLI (packages/cli/dist/main.js; run
// `npm run build` first) against a real server: register, send, listen --json, rooms, files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ENCLAVE_PASSWORD: GOOD_PASSWORD, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ email, deviceStatus: 'ACTIVE' });
  return { email, profile };
}

beforeAll(async () => {
  t = await startTestServer();
  networkId = (await createNetwork(t.client, 'CLI Chat')).networkId;
  dir = mkdtempSync(join(tmpdir(), 'enclave-cli-chat-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enclave chat commands', () => {
  it('register, send to a person, listen --json, download a file', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const sent = await cli(['send', '--profile', alice.profile, '--to', bob.email, 'hello from the CLI']);
    expect(sent.code).toBe(0);
    const { id, conversation } = JSON.parse(sent.stdout) as { id: string; conversation: string };
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'file body '.repeat(1000));
    const sentFile = await cli(['send', '--profile', alice.profile, '--to', bob.email, '--file', file, 'caption']);
    expect(sentFile.code).toBe(0);
    expect(sentFile.stderr).toContain('Sending note.txt');

    const log = join(dir, 'bob.log');
    const heard = await cli(['listen', '--profile', bob.profile, '--json', '--count', '2', '--timeout', '20', '--logging', log]);
    expect(heard.code).toBe(0);
    const records = heard.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ id, conversation, text: 'hello from the CLI', sender: { email: alice.email } });
    expect(records[1]).toMatchObject({ text: 'caption', file: { name: 'note.txt', mime: 'text/plain', size: 10_000 } });
    // The log has metadata only.
    const logText = readFileSync(log, 'utf8');
    expect(logText).toContain('message.received');
    expect(logText).not.toContain('hello from the CLI');

    // Nothing new: listen ends at the timeout with no output.
    const quiet = await cli(['listen', '--profile', bob.profile, '--json', '--timeout', '1']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');

    const out = join(dir, 'got.txt');
    const dl = await cli(['files', 'download', '--profile', bob.profile, '--message', String(records[1]!.id), '--out', out]);
    expect(dl.stderr).not.toContain('error');
    expect(dl.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('file body '.repeat(1000));
  });

  it('rooms create/list/send, policy and usage errors exit 1 with the message', async () => {
    const a = await registered('ra');
    const b = await registered('rb');
    const created = await cli(['rooms', 'create', '--profile', a.profile, '--name', 'Ops', '--member', b.email]);
    expect(created.code).toBe(0);
    const room = created.stdout.trim();
    const list = await cli(['rooms', 'list', '--profile', b.profile]);
    expect(list.stdout).toContain(room);
    expect((await cli(['send', '--profile', a.profile, '--room', room, 'to the room'])).code).toBe(0);
    const heard = await cli(['listen', '--profile', b.profile, '--json', '--count', '1', '--timeout', '20']);
    expect(JSON.parse(heard.stdout)).toMatchObject({ conversation: room, text: 'to the room' });

    const tooLong = await cli(['send', '--profile', a.profile, '--room', room, '--ttl', '999999999', 'x']);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('Your security group does not allow this.');
    const wrongPw = await cli(['rooms', 'list', '--profile', a.profile], { ENCLAVE_PASSWORD: 'nope' });
    expect(wrongPw.code).toBe(1);
    expect(wrongPw.stderr).toContain('Incorrect password');
  });
});
