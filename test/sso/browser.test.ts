// Browser: a member signs in to the web messenger with SSO through the identity provider's own login
// page (oidc-provider on loopback) in Debian Chromium: Sign in with SSO → company ID → the provider's
// login and consent pages → back into /app/ → a device passphrase chosen on this browser → connected.
// Signing in again on the same browser unlocks the same device with that passphrase.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { connected, haveChromium, setupApp, skipReason, type AppEnv } from '../app/browser.js';
import { startProvider, type TestProvider } from './provider.js';

const PASSPHRASE = 'correct horse battery staple';

describe.skipIf(!haveChromium)(`messenger: sign in with SSO (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let provider: TestProvider;
  let networkId = '';
  const companyId = 'Acme_Browser';

  beforeAll(async () => {
    env = await setupApp();
    process.env.ENCLAVE_PUBLIC_URL = env.t.url; // the redirect URI registered at the provider
    provider = await startProvider([{ clientId: 'enclave-web', clientSecret: 'browser-secret-1234567890', redirectUri: `${env.t.url}/sso/callback` }], {
      uma: { email: 'uma@example.com', given_name: 'Uma', family_name: 'Ito' },
    });
    ({ networkId } = await createNetwork(env.t.client, 'SSO Browser Net'));
    await env.t.client.call('RegisterOidcConfig', {
      networkId,
      companyId,
      issuer: provider.issuer,
      userId: 'enclave-web',
      secret: 'browser-secret-1234567890',
      scopes: 'openid profile email offline_access',
      extraAuthParams: 'prompt=consent',
      ssoTokenBufferMinutes: 30,
    });
  }, 180_000);

  afterAll(async () => {
    delete process.env.ENCLAVE_PUBLIC_URL;
    await provider?.close();
    await env?.close();
  });

  /** At the provider: its login page (any password), then its consent page, until back at Enclave. */
  async function atProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((u) => u.href.startsWith(provider.issuer));
    for (let i = 0; i < 4 && page.url().startsWith(provider.issuer); i++) {
      const loginField = page.locator('input[name="login"]');
      if (await loginField.isVisible().catch(() => false)) {
        await loginField.fill(login);
        await page.locator('input[name="password"]').fill('any password');
        await page.getByRole('button', { name: 'Sign-in' }).click();
      } else {
        await page.getByRole('button', { name: 'Continue' }).click();
      }
      await page.waitForURL((u) => !u.href.startsWith(provider.issuer) || u.pathname.startsWith('/interaction/'), { timeout: 20_000 }).catch(() => undefined);
      await page.waitForLoadState();
    }
    await page.waitForURL((u) => u.href.startsWith(env.t.url));
  }

  it('signs a member in through the provider\'s login page, provisions them and protects the device with a passphrase', async () => {
    const { context, page } = await env.newContext();
    await page.goto(env.url('/'));
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await page.getByRole('heading', { name: 'Sign in with SSO' }).waitFor();
    await env.axe('SSO company ID page', page);
    // A wrong company ID is explained in the guide's words.
    await page.getByLabel('Company ID').fill('Nobody_Here');
    await page.getByRole('button', { name: 'Continue to your identity provider' }).click();
    await page.getByRole('alert').filter({ hasText: 'Company ID not found' }).waitFor();

    await page.getByLabel('Company ID').fill(`UE1-${companyId}`);
    await page.getByRole('button', { name: 'Continue to your identity provider' }).click();
    await atProvider(page, 'uma');

    await page.getByRole('heading', { name: 'Protect this device' }).waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(env.url('/')); // the ticket left the address bar
    await page.getByText('uma@example.com').waitFor();
    await env.axe('SSO device passphrase page', page);
    await env.shot('sso-passphrase', page);
    await page.getByLabel('Device passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat the device passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await connected(page);
    await env.shot('sso-signed-in', page);

    // Provisioned into the network on first sign-in.
    const users = await env.t.client.call<{ users: { username: string; firstName?: string }[] }>('ListUsers', { networkId });
    expect(users.users.map((u) => u.username)).toContain('uma@example.com');
    const devices = await env.t.server.store.db.selectFrom('device_keys').select('device_id').execute();

    // Signed out, then in again on the same browser: the same device, unlocked with the passphrase.
    await page.getByRole('button', { name: 'Sign out' }).first().click().catch(() => undefined);
    await page.goto(env.url('/sso'));
    await page.getByLabel('Company ID').waitFor();
    expect(await page.getByLabel('Company ID').inputValue()).toBe(`UE1-${companyId}`); // remembered
    await page.getByRole('button', { name: 'Continue to your identity provider' }).click();
    await atProvider(page, 'uma');
    await page.getByRole('heading', { name: 'Unlock this device' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Device passphrase', { exact: true }).fill('not the passphrase');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    // The wrong passphrase was refused on the device: the ticket is still good for the right one.
    await page.getByLabel('Device passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await connected(page);
    const after = await env.t.server.store.db.selectFrom('device_keys').select('device_id').execute();
    expect(after.length).toBe(devices.length); // no new device

    // One tab per account: a second tab of this browser signing in with SSO is told the account is open here.
    const second = await context.newPage();
    await second.goto(env.url('/sso'));
    await second.getByRole('button', { name: 'Continue to your identity provider' }).click();
    await atProvider(second, 'uma');
    await second.getByRole('heading', { name: 'Unlock this device' }).waitFor({ timeout: 30_000 });
    await second.getByLabel('Device passphrase', { exact: true }).fill(PASSPHRASE);
    await second.getByRole('button', { name: 'Continue' }).click();
    await second.getByRole('heading', { name: 'Enclave is open in another tab' }).waitFor();
    await connected(page); // the first tab goes on
    await second.close();

    // The server log (trace level) holds no token, ticket, code or passphrase.
    const log = env.t.logLines.join('');
    expect(provider.issuedIdTokens.length).toBeGreaterThan(0);
    for (const idToken of provider.issuedIdTokens) expect(log).not.toContain(idToken.split('.')[2]!);
    const sealed = await env.t.server.store.db.selectFrom('sso_sessions').select('refresh_ciphertext').execute();
    for (const r of sealed) if (r.refresh_ciphertext) expect(log).not.toContain(env.t.server.secrets.open(r.refresh_ciphertext));
    expect(log).not.toMatch(/ticket=|[?&]code=|code_verifier/);
    expect(log).not.toContain(PASSPHRASE);
  });

  it('speaks 繁體中文: the SSO page and the guide\'s company ID error', async () => {
    const { page } = await env.newContext('zh-TW');
    await page.goto(env.url('/'));
    await page.getByRole('link', { name: '使用 SSO 登入' }).click();
    await page.getByRole('heading', { name: '使用 SSO 登入' }).waitFor();
    await page.getByLabel('公司 ID').fill('Nobody_Here');
    await page.getByRole('button', { name: '前往您的身分提供者' }).click();
    await page.getByRole('alert').filter({ hasText: '找不到公司 ID' }).waitFor();
    await env.axe('SSO page (zh-TW)', page);
  });
});
