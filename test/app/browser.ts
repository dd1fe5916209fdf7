// Shared setup of the messenger's browser tests: one real server and one Debian Chromium per test file,
// members as separate browser contexts (each its own IndexedDB), axe-core checks and screenshots under
// test-artifacts/app/. Without /usr/bin/chromium the browser tests are skipped with a reason.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { AdminClient, createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { ensureWebBuilt, expectAccessible, launchChromium, root } from '../helpers/browser.js';
import { TEST_DATABASE_URL } from '../helpers/harness.js';
import { invite } from '../helpers/members.js';

export { haveChromium, skipReason } from '../helpers/browser.js';

export const appDist = join(root, 'packages', 'web', 'dist', 'app');
export const artifacts = join(root, 'test-artifacts', 'app');

/** Builds the messenger when it is missing or older than its sources (it bundles the SDK and the protocol from theirs). */
export function ensureAppBuilt(): void {
  ensureWebBuilt({
    dist: appDist,
    sources: [
      join(root, 'packages', 'web', 'src', 'app'),
      join(root, 'packages', 'web', 'src', 'shared'),
      join(root, 'packages', 'web', 'vite.app.config.ts'),
      join(root, 'packages', 'client', 'src'),
      join(root, 'packages', 'protocol', 'src'),
    ],
    script: 'build:app',
    lock: '.build-app-lock',
  });
}

export const PASSWORD = 'Messenger-Passw0rd!42';

export interface AppServer {
  server: EnclaveServer;
  url: string;
  client: AdminClient;
  dataDir: string;
  /** Everything the server logged (at trace level), for the canary scans. */
  logLines: string[];
}

/**
 * A real server like the harness's (SQLite in a temp directory, or a throw-away PostgreSQL schema),
 * with its log captured at the most verbose level.
 */
async function startServer(env: Record<string, string>): Promise<AppServer & { close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enclave-app-'));
  const creds = { accessKeyId: 'AKIAAPP' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, dataDir, databaseUrl: TEST_DATABASE_URL },
    { ENCLAVE_ROOT_ACCESS_KEY_ID: creds.accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: creds.secretAccessKey, ENCLAVE_LOG_LEVEL: 'trace', ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}), ...env },
  );
  const logLines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString('utf8')), done()) });
  const server = await createServer(config, { logger: { level: 'trace', stream } });
  const url = await server.listen();
  return {
    server,
    url,
    dataDir,
    logLines,
    client: new AdminClient({ endpoint: url, region: config.region, credentials: creds }),
    async close() {
      await server.close();
      if (schema && TEST_DATABASE_URL) await dropPostgresSchema(TEST_DATABASE_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AppEnv {
  t: AppServer;
  browser: Browser;
  /** A new member's browser (its own storage, so its own IndexedDB profile). */
  newContext(lang?: 'en' | 'zh-TW'): Promise<{ context: BrowserContext; page: Page }>;
  url(path: string): string;
  shot(name: string, page: Page): Promise<void>;
  axe(label: string, page: Page): Promise<void>;
  close(): Promise<void>;
}

export async function setupApp(options: { env?: Record<string, string> } = {}): Promise<AppEnv> {
  ensureAppBuilt();
  mkdirSync(artifacts, { recursive: true });
  const t = await startServer(options.env ?? {});
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    t,
    browser,
    url: (path) => `${t.url}/app${path}`,
    async newContext(lang = 'en') {
      const context = await browser.newContext({ locale: lang === 'en' ? 'en-US' : 'zh-TW', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      await context.addInitScript(`try { if (!localStorage.getItem('enclave.app.lang')) localStorage.setItem('enclave.app.lang', ${JSON.stringify(lang)}); } catch {}`);
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
      return { context, page };
    },
    async shot(name, page) {
      await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    },
    axe: (label, page) => expectAccessible(page, label),
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
}

/** Registers from the invite link in the browser: /app/register?code=… (the email typed when the server cannot prefill it). */
export async function registerInBrowser(env: AppEnv, page: Page, o: { email: string; code: string; firstName: string; lastName?: string; password?: string }): Promise<void> {
  await page.goto(env.url(`/register?code=${encodeURIComponent(o.code)}`));
  const email = page.getByLabel('Email address');
  await email.waitFor();
  // The server's invite lookup prefills the address (read-only); without an answer it is typed.
  const prefilled = await page
    .locator('input[name="email"][readonly]')
    .waitFor({ timeout: 5000 })
    .then(() => true, () => false);
  if (!prefilled) await email.fill(o.email);
  await page.getByLabel('First name').fill(o.firstName);
  if (o.lastName) await page.getByLabel('Last name').fill(o.lastName);
  await page.getByLabel('Password', { exact: true }).fill(o.password ?? PASSWORD);
  await page.getByLabel('Confirm password').fill(o.password ?? PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Signs in on the sign-in page. */
export async function signInBrowser(env: AppEnv, page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(env.url('/'));
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits for the signed-in messenger (connected). */
export async function connected(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
}

/** Registers in the browser, confirms the master recovery key when it is shown, and waits until connected. */
export async function joinInBrowser(env: AppEnv, page: Page, o: { email: string; code: string; firstName: string; lastName?: string; password?: string }): Promise<void> {
  await registerInBrowser(env, page, o);
  const recovery = page.getByRole('heading', { name: 'Master recovery key' });
  const ready = page.getByRole('status').filter({ hasText: 'Connected' });
  await recovery.or(ready).first().waitFor({ timeout: 30_000 });
  if (await recovery.isVisible()) {
    await page.getByLabel('I saved my master recovery key').check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await ready.waitFor({ timeout: 30_000 });
}

export interface Person {
  email: string;
  firstName: string;
  lastName: string;
}
/** The two members most messenger tests start with. */
export const ALICE: Person = { email: 'alice@example.com', firstName: 'Alice', lastName: 'Anders' };
export const BOB: Person = { email: 'bob@example.com', firstName: 'Bob', lastName: 'Brown' };

/** The administrator invites `who` to the network's group; they register in `page` with the code. */
export async function inviteAndJoin(env: AppEnv, page: Page, at: { networkId: string; groupId: string }, who: Person): Promise<{ userId: number }> {
  const { userId, inviteCode } = await invite(env.t, at.networkId, who.email, at.groupId, { firstName: who.firstName, lastName: who.lastName });
  await joinInBrowser(env, page, { ...who, code: inviteCode });
  return { userId };
}

/** `from` opens a DM with `to` from the directory and sends `text`; `to` opens it and sees the text. */
export async function startDm(from: Page, to: Page, text: string, people: { from: Person; to: Person } = { from: ALICE, to: BOB }): Promise<void> {
  await openDmWith(from, people.to.firstName.toLowerCase(), `${people.to.firstName} ${people.to.lastName}`);
  await send(from, text);
  await to.getByRole('link', { name: new RegExp(`${people.from.firstName} ${people.from.lastName}`) }).click();
  await messageItem(to, text).waitFor();
}

/** Opens the DM with someone from the team directory. */
export async function openDmWith(page: Page, search: string, name: string): Promise<void> {
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('Search the team directory').fill(search);
  await page.getByRole('button', { name: `Message ${name}` }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

/** Sends a text from the composer. */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The message list item holding a text. */
export function messageItem(page: Page, text: string) {
  return page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: text });
}
