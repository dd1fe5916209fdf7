// Browser: the session around the messenger. With account takeover protection on, a new browser of
// the same account waits for approval and is approved by a code created on another signed-in device,
// by a code emailed through SMTP, and by the master recovery key; another device is signed out from
// Settings → Devices. The network's idle timeout locks the app (the browser clock driven forward) and
// asks for the password; "always re-authenticate" asks on return; the data retention notice appears
// and goes live with the network's setting.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { ERROR_TEXTS } from '../../packages/protocol/src/index.js';
import { createNetwork } from '../helpers/harness.js';
import { invite } from '../helpers/members.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { connected, haveChromium, PASSWORD, registerInBrowser, setupApp, signInBrowser, skipReason, type AppEnv } from './browser.js';

const ALICE = 'alice@example.com';

/** The page goes to the background and comes back (the Page Visibility API's events). */
async function hideAndShow(page: Page): Promise<void> {
  await page.evaluate(() => {
    const set = (v: DocumentVisibilityState) => Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
    set('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    set('visible');
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe.skipIf(!haveChromium)(`messenger: device approval, lock screen, retention notice (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let smtp: SmtpReceiver;
  let networkId: string;
  let groupId: string;
  let recoveryKey: string;
  let first: { context: BrowserContext; page: Page };
  let byCode: Page;
  let byRecovery: Page;
  const bots: EnclaveClient[] = [];

  /** A new browser of Alice's account: signs in and lands on the approval page. */
  async function pendingDevice(): Promise<Page> {
    const { page } = await env.newContext();
    await signInBrowser(env, page, ALICE);
    await page.getByRole('heading', { name: 'Approve this device' }).waitFor({ timeout: 30_000 });
    await page.getByText(ERROR_TEXTS.device_approval_required).waitFor();
    return page;
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    env = await setupApp({ env: { ENCLAVE_SMTP_URL: smtp.url } });
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Session Net'));
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { isAtoEnabled: true, showMasterRecoveryKey: true } });
    const { inviteCode } = await invite(env.t, networkId, ALICE, groupId, { firstName: 'Alice', lastName: 'Anders' });
    first = await env.newContext();
    await registerInBrowser(env, first.page, { email: ALICE, code: inviteCode, firstName: 'Alice', lastName: 'Anders' });
    await first.page.getByRole('heading', { name: 'Master recovery key' }).waitFor({ timeout: 30_000 });
    recoveryKey = (await first.page.locator('.recovery-key code').innerText()).trim();
    await first.page.getByLabel('I saved my master recovery key').check();
    await first.page.getByRole('button', { name: 'Continue' }).click();
    await connected(first.page);
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    await env?.close();
    await smtp?.close();
  });

  it('approves a new device with a code created on another signed-in device (a wrong code refused)', async () => {
    byCode = await pendingDevice();
    await env.shot('40-approve-device', byCode);
    await env.axe('device approval', byCode);
    expect(await byCode.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(0);
    await byCode.getByLabel('Approval code').fill('12345678');
    await byCode.getByRole('button', { name: 'Approve' }).click();
    await byCode.getByRole('alert').filter({ hasText: 'The code or recovery key is not valid' }).waitFor();

    const a = first.page;
    await a.getByRole('link', { name: 'Settings' }).click();
    await a.getByRole('button', { name: 'Approve a new device: create a code' }).click();
    const code = (await a.locator('code.approval').innerText()).trim();
    expect(code.length).toBeGreaterThanOrEqual(6);
    await env.shot('41-approval-code', a);
    await env.axe('settings with approval code', a);
    await byCode.getByLabel('Approval code').fill(code);
    await byCode.getByRole('button', { name: 'Approve' }).click();
    await connected(byCode);
  });

  it('approves a new device with a code emailed through SMTP', async () => {
    const page = await pendingDevice();
    await page.getByLabel('A code sent to my email address').check();
    const before = smtp.messages.length;
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByRole('status').filter({ hasText: 'A code was sent to your email address.' }).waitFor();
    const mail = await smtp.waitFor((m) => m.to === ALICE && /verification code/i.test(m.subject), 15_000, before);
    const code = /Verification code: (\S+)/.exec(mail.text)?.[1];
    expect(code).toBeTruthy();
    await page.getByLabel('Approval code').fill(code!);
    await page.getByRole('button', { name: 'Approve' }).click();
    await connected(page);
    await env.shot('42-approved-by-email', page);
  });

  it('approves a new device with the master recovery key', async () => {
    byRecovery = await pendingDevice();
    await byRecovery.getByLabel('My master recovery key').check();
    await byRecovery.getByRole('textbox', { name: 'Master recovery key' }).fill(recoveryKey);
    await byRecovery.getByRole('button', { name: 'Approve' }).click();
    await connected(byRecovery);
  });

  it('signs another device out from Settings → Devices; that browser returns to sign-in with the guide text', async () => {
    await byRecovery.getByRole('link', { name: 'Settings' }).click();
    const own = byRecovery.locator('ul.devices li').filter({ has: byRecovery.getByText('This device', { exact: true }) });
    const id = ((await own.locator('.device-id').innerText()).match(/ID (\S+)/) ?? [])[1]!;
    expect(id).toBeTruthy();

    const a = first.page;
    await a.getByRole('link', { name: /Enclave/ }).first().click();
    await a.getByRole('link', { name: 'Settings' }).click();
    const devices = a.locator('ul.devices li');
    await expect.poll(() => devices.count()).toBe(4);
    const row = devices.filter({ hasText: `ID ${id}` });
    await row.getByRole('button', { name: 'Sign out this device' }).click();
    const dialog = a.getByRole('dialog', { name: 'Sign out the device?' });
    await env.axe('sign out a device', a);
    await dialog.getByRole('button', { name: 'Sign out this device' }).click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(() => devices.count()).toBe(3);

    await byRecovery.getByRole('heading', { name: 'Sign in' }).waitFor();
    await byRecovery.getByRole('alert').filter({ hasText: ERROR_TEXTS.device_reset }).waitFor();
    await env.shot('43-device-signed-out', byRecovery);
    // The other devices stay signed in.
    await connected(byCode);
  });

  it('locks after the network idle timeout (browser clock driven forward) and unlocks with the password', async () => {
    const { context, page } = first;
    await context.clock.install();
    await page.reload();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await connected(page);
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { sessionIdleTimeoutMinutes: 1 } });
    await page.waitForTimeout(1000); // the policy arrives over the socket
    // Under a minute without activity: still open.
    await page.clock.fastForward('00:40');
    await page.waitForTimeout(500);
    expect(await page.getByRole('heading', { name: 'Enclave is locked' }).count()).toBe(0);
    await page.clock.fastForward('01:00');
    const lock = page.getByRole('heading', { name: 'Enclave is locked' });
    await lock.waitFor({ timeout: 30_000 });
    await page.getByText('You were inactive for a while. Enter your password to continue.').waitFor();
    expect(await page.getByRole('navigation', { name: 'Conversations' }).count()).toBe(0);
    await env.shot('44-idle-lock', page);
    await env.axe('idle lock', page);
    await page.getByLabel('Password', { exact: true }).fill('Wrong-Passw0rd!77');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').filter({ hasText: ERROR_TEXTS.invalid_credentials }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await lock.waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { sessionIdleTimeoutMinutes: 0 } });
  });

  it('asks for the password on every return when the group says always re-authenticate', async () => {
    const page = byCode;
    // Without the setting, leaving and coming back does not lock.
    await hideAndShow(page);
    await page.waitForTimeout(300);
    expect(await page.getByRole('heading', { name: 'Enclave is locked' }).count()).toBe(0);
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { alwaysReauthenticate: true } });
    const lock = page.getByRole('heading', { name: 'Enclave is locked' });
    await expect
      .poll(async () => {
        await hideAndShow(page);
        return lock.count();
      }, { timeout: 15_000 })
      .toBe(1);
    await page.getByText('Your security group asks for your password every time you return.').waitFor();
    await env.shot('45-reauthenticate', page);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await lock.waitFor({ state: 'detached' });
    await connected(page);
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { alwaysReauthenticate: false } });
  });

  it('shows the data retention notice while the network keeps messages, live', async () => {
    const page = byCode;
    const notice = page.getByRole('note').filter({ hasText: 'Data retention is on in your network' });
    expect(await notice.count()).toBe(0);
    const botName = `compliance_${networkId}_bot`;
    await env.t.client.call('CreateDataRetentionBot', { networkId });
    const { challenge } = await env.t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId });
    bots.push(await EnclaveClient.registerRetentionBot({ server: env.t.url, botName, initialPassword: challenge, newPassword: 'A-new-bot-password-1', store: new MemoryStore(), kdf: { N: 2 ** 10, r: 8, p: 1 }, platform: nodePlatform() }));
    await env.t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await env.t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    await notice.waitFor();
    await env.shot('46-retention-notice', page);
    await env.axe('retention notice', page);
    await env.t.client.call('UpdateDataRetention', { networkId, actionType: 'DISABLE' });
    await notice.waitFor({ state: 'detached' });
  });
});
