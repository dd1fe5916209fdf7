// Shared setup of the console's browser tests: one real server and one Debian Chromium per test file,
// an IAM user with a console password to sign in with, axe-core checks and screenshots under
// test-artifacts/console/. Without /usr/bin/chromium the browser tests are skipped with a reason.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.js';

export const CHROMIUM = process.env.ENCLAVE_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const skipReason = `browser tests skipped: ${CHROMIUM} is absent (install Debian's chromium package, as .ci/run does)`;
if (!haveChromium) console.warn(skipReason);

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const consoleDist = join(root, 'packages', 'web', 'dist', 'console');
export const artifacts = join(root, 'test-artifacts', 'console');

const webSources = [join(root, 'packages', 'web', 'src'), join(root, 'packages', 'web', 'vite.config.ts')];

/** Newest modification time of a file or of any file under a directory (0 when absent). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

/** True when the built console exists and is not older than its sources. */
function upToDate(): boolean {
  const index = join(consoleDist, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= Math.max(...webSources.map(newest));
}

/**
 * Builds the console when it is not built or older than its sources (npm test builds it first; this
 * covers a bare `vitest` and a console edited since the last build), once across parallel test files.
 */
export function ensureConsoleBuilt(): void {
  if (upToDate()) return;
  const lock = join(root, 'packages', 'web', '.build-lock');
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (upToDate()) return;
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!upToDate()) execFileSync('npm', ['run', 'build', '-w', '@enclave/web'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmdirSync(lock);
  }
}

export const PASSWORD = 'Console-Passw0rd!42';

export interface ConsoleEnv {
  t: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  userName: string;
  /** Calls POST /iam/<Action> with the root key. */
  iam<T = Record<string, unknown>>(action: string, input?: Record<string, unknown>): Promise<T>;
  signIn(page?: Page): Promise<void>;
  shot(name: string, page?: Page): Promise<void>;
  axe(label: string, page?: Page): Promise<void>;
  url(path: string): string;
  close(): Promise<void>;
}

const requireCjs = createRequire(import.meta.url);
const axeSource = () => readFileSync(requireCjs.resolve('axe-core/axe.min.js'), 'utf8');

export async function setupConsole(options: { lang?: 'en' | 'zh-TW'; userName?: string } = {}): Promise<ConsoleEnv> {
  ensureConsoleBuilt();
  mkdirSync(artifacts, { recursive: true });
  const t = await startTestServer();
  const iam = async <T>(action: string, input: Record<string, unknown> = {}) =>
    (await t.client.sendRaw<T>({ method: 'POST', path: `/iam/${action}`, query: {}, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })).body;
  const userName = options.userName ?? 'console-admin';
  await iam('CreateUser', { UserName: userName });
  await iam('CreateLoginProfile', { UserName: userName, Password: PASSWORD });
  await iam('PutUserPolicy', {
    UserName: userName,
    PolicyName: 'ConsoleAdmin',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['wickr:*', 'iam:*', 'cloudtrail:LookupEvents'], Resource: '*' }] }),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run'] });
  const context = await browser.newContext({ locale: options.lang ?? 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.addInitScript(`try { if (!localStorage.getItem('enclave.console.lang')) localStorage.setItem('enclave.console.lang', ${JSON.stringify(options.lang ?? 'en')}); } catch {}`);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const url = (path: string) => `${t.url}/console${path}`;
  let axeLoaded = new WeakSet<Page>();
  const env: ConsoleEnv = {
    t,
    browser,
    context,
    page,
    userName,
    iam,
    url,
    async signIn(p = page) {
      await p.goto(url('/'));
      await p.getByLabel('Account ID').or(p.getByLabel('帳戶 ID')).fill(t.accountId);
      await p.getByLabel(/IAM user name|IAM 使用者名稱/).fill(userName);
      await p.getByLabel(/^(Password|密碼)/).fill(PASSWORD);
      await p.getByRole('button', { name: /^(Sign in|登入)$/ }).click();
      await p.getByRole('button', { name: /^(Sign out|登出)$/ }).waitFor();
    },
    async shot(name, p = page) {
      await p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    },
    async axe(label, p = page) {
      if (!axeLoaded.has(p)) {
        await p.evaluate(axeSource());
        axeLoaded.add(p);
      }
      const violations = (await p.evaluate(
        `axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))`,
      )) as unknown[];
      expect(violations, `axe violations on ${label}`).toEqual([]);
    },
    async close() {
      axeLoaded = new WeakSet();
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
  page.on('framenavigated', () => {
    axeLoaded = new WeakSet();
  });
  return env;
}
