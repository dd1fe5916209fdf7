// Browser: 網路政策 — read receipts, data retention (steps, user name and initial password to copy,
// acknowledge, enable; Premium only), consent pop-up with its live preview and session idle timeout
// (Enclave's network settings extension: saved, still there after a reload), the retention-blocked
// downgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markRetentionBotRegistered } from '../../packages/server/src/domain/retention/retention.js';
import { createNetwork } from '../helpers/harness.js';
import { haveChromium, setupConsole, skipReason, type ConsoleEnv } from './browser.js';

describe.skipIf(!haveChromium)(`console: network policies (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: ConsoleEnv;
  let premium: string;
  let standard: string;
  beforeAll(async () => {
    env = await setupConsole();
    ({ networkId: premium } = await createNetwork(env.t.client, 'Premium Net', 'PREMIUM'));
    ({ networkId: standard } = await createNetwork(env.t.client, 'Standard Net', 'STANDARD'));
    await env.signIn();
  });
  afterAll(async () => {
    await env?.close();
  });

  const setting = async (networkId: string, name: string) =>
    (await env.t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId })).settings.find((s) => s.optionName === name)?.value;

  it('messaging: turns read receipts on (forced) and off', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${premium}`));
    await page.getByRole('link', { name: 'Network policies' }).click();
    await page.getByRole('heading', { name: 'Network policies', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit Messaging' }).click();
    await page.getByLabel('Read receipts', { exact: true }).check();
    await page.getByLabel('Force read receipts (members cannot turn them off)').check();
    await page.getByRole('button', { name: 'Save changes' }).first().click();
    await page.getByRole('button', { name: 'Edit Messaging' }).waitFor();
    expect(JSON.parse((await setting(premium, 'readReceiptConfig'))!)).toEqual({ status: 'FORCE_ENABLED' });
    await page.getByRole('button', { name: 'Edit Messaging' }).click();
    await page.getByLabel('Read receipts', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).first().click();
    await page.getByRole('button', { name: 'Edit Messaging' }).waitFor();
    expect(JSON.parse((await setting(premium, 'readReceiptConfig'))!)).toEqual({ status: 'DISABLED' });
  });

  it('data retention: create the bot, copy user name and initial password, acknowledge, enable', async () => {
    const { page, t } = env;
    await page.getByRole('button', { name: 'Create data retention bot' }).click();
    await page.getByText('Bot created').waitFor();
    await page.getByText(`compliance_${premium}_bot`).waitFor();
    await page.getByRole('button', { name: 'Get initial password' }).click();
    const password = (await page.getByTestId('retention-password').textContent())!;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    await page.getByText('This password is shown once.').waitFor();
    await env.axe('data retention');
    await env.shot('data-retention-password');
    // The bot signs in (messaging layer) and sends its public key message.
    await markRetentionBotRegistered(t.server.store.db, premium);
    await page.reload();
    await page.getByRole('button', { name: 'Acknowledge the public key message' }).click();
    await page.getByLabel('Enable data retention').check();
    await page.getByRole('listitem').filter({ hasText: '4. Turn data retention on' }).getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => setting(premium, 'dataRetention')).toBe('true');
    await env.shot('data-retention-enabled');

    // Standard cannot be chosen while retention is on: the plan editor says why.
    await page.goto(env.url(`/networks/${premium}/edit`));
    await page.getByText('Not available while data retention is on').waitFor();
    expect(await page.getByLabel('Standard', { exact: true }).isDisabled()).toBe(true);
  });

  it('data retention needs Premium: the Standard network explains it', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${standard}/policies`));
    await page.getByText('Data retention needs the Premium plan or the Premium free trial.').waitFor();
    expect(await page.getByRole('button', { name: 'Create data retention bot' }).isDisabled()).toBe(true);
  });

  it('consent pop-up: client checks, live preview, save, and the saved pop-up after a reload', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${premium}/policies`));
    const consent = page.locator('section', { has: page.getByRole('heading', { name: 'Consent pop-up' }) });
    const preview = consent.getByRole('group', { name: 'Preview' });
    // Nothing set yet: disabled, the preview shows the placeholders.
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).waitFor();
    expect(await consent.locator('dd').first().textContent()).toBe('No');
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).click();
    await consent.getByLabel('Enabled').check();
    await consent.getByRole('button', { name: 'Save changes' }).click();
    await consent.getByText('This field is required.').first().waitFor();
    expect(await consent.locator('.field-error').count()).toBe(2);
    await consent.getByLabel('Title', { exact: true }).fill('x'.repeat(101));
    await consent.getByRole('button', { name: 'Save changes' }).click();
    await consent.getByText('At most 100 characters.').waitFor();
    expect(JSON.parse((await setting(premium, 'consentPopup'))!)).toMatchObject({ enabled: false, title: '' });
    await consent.getByLabel('Title', { exact: true }).fill('Acceptable use');
    await consent.getByLabel('Body content').fill('Messages are retained for compliance.');
    await consent.getByLabel(/^Close button label/).fill('I agree');
    // The preview follows the form as it is typed.
    await preview.getByText('Acceptable use').waitFor();
    await preview.getByText('Messages are retained for compliance.').waitFor();
    await preview.getByText('I agree').waitFor();
    await env.axe('consent pop-up');
    await env.shot('consent-popup-edit');
    await consent.getByRole('button', { name: 'Save changes' }).click();
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).waitFor();
    await consent.getByText('Saved').waitFor();
    expect(JSON.parse((await setting(premium, 'consentPopup'))!)).toEqual({ enabled: true, title: 'Acceptable use', body: 'Messages are retained for compliance.', buttonLabel: 'I agree' });

    // A reload shows what the server stored: the values and the preview as members see it.
    await page.reload();
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).waitFor();
    expect(await consent.locator('dd').allTextContents()).toEqual(['Yes', 'Acceptable use', 'I agree']);
    await preview.getByRole('heading', { name: 'Acceptable use' }).waitFor();
    await preview.getByText('Messages are retained for compliance.').waitFor();
    await env.shot('consent-popup-saved');

    // Editing again starts from the stored values; turning it off keeps the text.
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).click();
    expect(await consent.getByLabel('Body content').inputValue()).toBe('Messages are retained for compliance.');
    await consent.getByLabel('Enabled').uncheck();
    await consent.getByLabel(/^Close button label/).fill('');
    await consent.getByRole('button', { name: 'Save changes' }).click();
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).waitFor();
    await page.reload();
    await consent.getByRole('button', { name: 'Edit Consent pop-up' }).waitFor();
    expect(await consent.locator('dd').allTextContents()).toEqual(['No', 'Acceptable use', 'OK']);
    expect(JSON.parse((await setting(premium, 'consentPopup'))!)).toEqual({ enabled: false, title: 'Acceptable use', body: 'Messages are retained for compliance.', buttonLabel: '' });
  });

  it('session idle timeout: a preset and a custom value saved and shown after a reload; out of range refused', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${premium}/policies`));
    const idle = page.locator('section', { has: page.getByRole('heading', { name: 'Session idle timeout' }) });
    await idle.getByText('Current setting: Off.').waitFor();
    expect(await idle.getByLabel('Off').isChecked()).toBe(true);
    await idle.getByLabel('15 minutes').check();
    await idle.getByRole('button', { name: 'Save changes' }).click();
    await idle.getByText('Current setting: 15 minutes.').waitFor();
    expect(await setting(premium, 'sessionIdleTimeoutMinutes')).toBe('15');
    await page.reload();
    await idle.getByText('Current setting: 15 minutes.').waitFor();
    expect(await idle.getByLabel('15 minutes').isChecked()).toBe(true);

    await idle.getByLabel('Custom').check();
    await idle.getByLabel('Minutes', { exact: true }).fill('5000');
    await idle.getByRole('button', { name: 'Save changes' }).click();
    await idle.getByText('Enter a whole number from 0 to 1440.').waitFor();
    expect(await setting(premium, 'sessionIdleTimeoutMinutes')).toBe('15');
    await idle.getByLabel('Minutes', { exact: true }).fill('45');
    await idle.getByRole('button', { name: 'Save changes' }).click();
    await idle.getByText('Current setting: 45 minutes.').waitFor();
    expect(await setting(premium, 'sessionIdleTimeoutMinutes')).toBe('45');
    await page.reload();
    await idle.getByText('Current setting: 45 minutes.').waitFor();
    expect(await idle.getByLabel('Custom').isChecked()).toBe(true);
    expect(await idle.getByLabel('Minutes', { exact: true }).inputValue()).toBe('45');
    await env.axe('policies');
    await env.shot('network-policies');
  });

  it('a refused save changes nothing on screen: the server’s reason is shown next to its field', async () => {
    const { page } = env;
    await page.goto(env.url(`/networks/${premium}/policies`));
    const consent = page.locator('section', { has: page.getByRole('heading', { name: 'Consent pop-up' }) });
    // The client checks what the server checks, so the request is altered on its way to make the
    // server refuse it (a title over 100 characters).
    await page.route('**/settings', async (route) => {
      const req = route.request();
      if (req.method() !== 'PATCH') return route.continue();
      const body = JSON.parse(req.postData() ?? '{}') as { settings: { consentPopup?: { title: string } } };
      if (body.settings.consentPopup) body.settings.consentPopup.title = 'y'.repeat(120);
      await route.continue({ postData: JSON.stringify(body) });
    });
    try {
      await consent.getByRole('button', { name: 'Edit Consent pop-up' }).click();
      await consent.getByLabel('Title', { exact: true }).fill('Changed title');
      await consent.getByRole('button', { name: 'Save changes' }).click();
      await consent.locator('.field-error', { hasText: 'at most 100 characters' }).waitFor();
      await consent.getByText('Nothing was saved').waitFor();
      expect(await consent.getByLabel('Title', { exact: true }).inputValue()).toBe('Changed title');
    } finally {
      await page.unroute('**/settings');
    }
    await consent.getByRole('button', { name: 'Cancel' }).click();
    expect(await consent.locator('dd').nth(1).textContent()).toBe('Acceptable use');
    expect(JSON.parse((await setting(premium, 'consentPopup'))!).title).toBe('Acceptable use');
  });
});
