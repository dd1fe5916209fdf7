// Shared setup of the console's browser tests: one real server and one Debian Chromium per test file,
// an IAM user with a console password to sign in with, axe-core checks and screenshots under
// test-artifacts/console/. Without /usr/bin/chromium the browser tests are skipped with a reason.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureWebBuilt, expectAccessible, launchChromium, root } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';

export { haveChromium, skipReason } from '../helpers/browser.js';

export const consoleDist = join(root, 'packages', 'web', 'dist', 'console');
export const artifacts = join(root, 'test-artifacts', 'console');

/** Builds the web apps when the console is missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  ensureWebBuilt({ dist: consoleDist, sources: [join(root, 'packages', 'web', 'src'), join(root, 'packages', 'web', 'vite.config.ts')], script: 'build', lock: '.build-lock' });
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
  const browser = await launchChromium();
  const context = await browser.newContext({ locale: options.lang ?? 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.addInitScript(`try { if (!localStorage.getItem('enclave.console.lang')) localStorage.setItem('enclave.console.lang', ${JSON.stringify(options.lang ?? 'en')}); } catch {}`);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const url = (path: string) => `${t.url}/console${path}`;
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
    axe: (label, p = page) => expectAccessible(p, label),
    async close() {
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
  return env;
}
