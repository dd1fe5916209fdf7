// The built `enclave` command signs a profile in with SSO: `enclave sso-login` prints the provider's
// address, the member signs in there (the provider's login page, scripted), the server's callback page
// shows a one-time code, the member pastes it; the profile (encrypted under the device passphrase)
// then works with the other chat commands.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt } from '../helpers/process.js';
import { ssoNetwork, startWorld, type SsoNetwork, type SsoWorld } from './flow.js';
import { signInAtProvider } from './provider.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(root, 'packages/cli/dist/main.js');
const PASSPHRASE = 'cli device passphrase 1';

let w: SsoWorld;
let net: SsoNetwork;
const dirs: string[] = [];

beforeAll(async () => {
  w = await startWorld();
  net = await ssoNetwork(w, { users: { vic: { email: 'vic@example.com' } } });
});

afterAll(async () => {
  await net?.provider.close();
  await w?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|ENCLAVE_)/.test(k)) env[k] = v;
  return env;
}

/** Runs the CLI; `onStderr` sees stderr as it comes and may answer on stdin. */
function run(args: string[], onStderr?: (text: string, stdin: NodeJS.WritableStream) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child.stdin);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!cliBuilt())('enclave sso-login', () => {
  it('signs a profile in through the provider and a pasted one-time code; the profile then works', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'enclave-sso-cli-'));
    dirs.push(profile);
    let answered = false;
    let pageText = '';
    const res = await run(['sso-login', '--server', w.t.url, '--company-id', `UE1-${net.companyId}`, '--profile', profile, '--password', PASSPHRASE], (text, stdin) => {
      const url = /^\s+(http\S+)$/m.exec(text)?.[1];
      if (!url || answered || !text.includes('Sign-in code:')) return;
      answered = true;
      void (async () => {
        const { callbackUrl } = await signInAtProvider(url, w.redirectUri, 'vic');
        const page = await fetch(callbackUrl, { redirect: 'manual' });
        expect(page.status).toBe(200); // a page, not a redirect into the messenger
        expect(page.headers.get('content-security-policy')).toBe("default-src 'none'");
        pageText = await page.text();
        const code = /<code id="ticket">([^<]+)<\/code>/.exec(pageText)?.[1];
        stdin.write(`${code ?? ''}\n`);
      })().catch((err: unknown) => {
        stdin.write('\n');
        throw err;
      });
    });
    expect(res.stderr).not.toContain('error');
    expect(pageText).toContain('Paste this sign-in code');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Signed in with SSO vic@example.com \(user \d+\), device d\S+/);
    expect(res.stdout + res.stderr).not.toContain(PASSPHRASE);

    // The profile opens with the device passphrase for the other commands.
    const list = await run(['devices', 'list', '--profile', profile, '--password', PASSPHRASE]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('(this device)');
    const wrong = await run(['devices', 'list', '--profile', profile, '--password', 'not the passphrase']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Incorrect password/);
  });

  it('refuses a short device passphrase before contacting anyone', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'enclave-sso-cli-'));
    dirs.push(profile);
    const res = await run(['sso-login', '--server', w.t.url, '--company-id', net.companyId, '--profile', profile, '--password', 'short']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/at least 10 characters/);
  });
});
