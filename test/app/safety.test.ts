// Browser: safety numbers and signed device lists with two members. Both see the same safety number;
// a mismatching code is refused and a matching one marks the contact verified (badge, notice). A new
// browser of Bob's waits for approval and is approved from his first browser after comparing the
// fingerprint: Alice's conversation shows a device change and she stays verified. Another new browser
// of Bob's resets his safety number instead: Alice's conversation shows the reset, sending to Bob is
// held until she accepts it, and then reaches him.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, messageItem, send, setupApp, signInBrowser, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: safety numbers and device approval (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let bob: Page;
  const bobName = `${BOB.firstName} ${BOB.lastName}`;

  const digitsOn = async (page: Page) => (await page.locator('.sn-digits').getAttribute('aria-label'))!.trim();
  const openSafety = async (page: Page, name: string) => {
    await page.getByRole('link', { name: new RegExp(name) }).first().click();
    await page.getByRole('link', { name: 'Safety number', exact: true }).click();
    await page.locator('.sn-digits').waitFor();
  };
  const notice = (page: Page, kind: string) => page.getByRole('list', { name: 'Messages' }).locator(`li[data-notice="${kind}"]`);

  beforeAll(async () => {
    env = await setupApp();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Safety Net'));
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
    for (const [page, who] of [[alice, ALICE], [bob, BOB]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    await startDm(alice, bob, 'hello Bob');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('shows the same safety number on both sides; verifies only with a matching code', async () => {
    await openSafety(alice, bobName);
    await openSafety(bob, `${ALICE.firstName} ${ALICE.lastName}`);
    const a = await digitsOn(alice);
    expect(a).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await digitsOn(bob)).toBe(a);
    await alice.getByRole('img', { name: 'QR code of the safety number' }).waitFor();
    await alice.getByText(`${bobName} is not verified.`).waitFor();
    await env.shot('60-safety-number', alice);
    await env.axe('safety number', alice);

    const box = alice.getByLabel(`Code or number from ${bobName}`);
    await box.fill('12345 '.repeat(12));
    await alice.getByRole('button', { name: 'Compare' }).click();
    await alice.getByRole('alert').filter({ hasText: 'The safety numbers do not match.' }).waitFor();
    await box.fill(await digitsOn(bob));
    await alice.getByRole('button', { name: 'Compare' }).click();
    await alice.getByRole('status').filter({ hasText: 'The safety numbers match.' }).waitFor();
    await alice.locator('.sn-compare').getByRole('button', { name: 'Mark as verified' }).click();
    await alice.getByText(`You marked ${bobName} as verified.`).first().waitFor();
    await env.shot('61-safety-number-verified', alice);

    await alice.getByRole('link', { name: new RegExp(bobName) }).first().click();
    await alice.locator('.chat-head .badge-verified').waitFor();
    await notice(alice, 'verified').waitFor();
  });

  it("asks Bob's first browser to approve his new one (fingerprints shown on both); Alice sees a device change and stays verified", async () => {
    const bob2 = (await env.newContext()).page;
    await signInBrowser(env, bob2, BOB.email);
    const waiting = bob2.getByRole('region', { name: 'This device is waiting for approval' });
    await waiting.waitFor({ timeout: 60_000 });
    await connected(bob2);
    const fingerprint = (await waiting.locator('code.fingerprint').innerText()).trim();
    expect(fingerprint).toMatch(/^(\d{5} ){11}\d{5}$/);
    await env.shot('62-device-waiting', bob2);
    await env.axe('device waiting for approval', bob2);

    const prompt = bob.getByRole('region', { name: 'A new device wants to join your account' });
    await prompt.waitFor({ timeout: 30_000 });
    expect((await prompt.locator('code.fingerprint').innerText()).trim()).toBe(fingerprint);
    await env.shot('63-approve-new-device', bob);
    await env.axe('approve a new device', bob);
    await prompt.getByRole('button', { name: 'Approve this device' }).click();
    await prompt.waitFor({ state: 'detached' });
    await waiting.waitFor({ state: 'detached', timeout: 30_000 });

    const changed = notice(alice, 'devices_changed');
    await changed.waitFor({ timeout: 30_000 });
    expect(await changed.innerText()).toContain(`${bobName}'s devices changed (1 added, 0 removed)`);
    await alice.locator('.chat-head .badge-verified').waitFor();
    await send(alice, 'to both of your browsers');
    await bob2.getByRole('link', { name: new RegExp(`${ALICE.firstName} ${ALICE.lastName}`) }).click();
    await messageItem(bob2, 'to both of your browsers').waitFor({ timeout: 30_000 });
    await env.shot('64-device-change-notice', alice);
  });

  it("resets Bob's safety number from a third browser: Alice is told, sending waits until she accepts, then reaches Bob", async () => {
    const before = await (async () => {
      await alice.getByRole('link', { name: 'Safety number', exact: true }).click();
      const d = await digitsOn(alice);
      await alice.getByRole('link', { name: new RegExp(bobName) }).first().click();
      return d;
    })();
    const bob3 = (await env.newContext()).page;
    await signInBrowser(env, bob3, BOB.email);
    const waiting = bob3.getByRole('region', { name: 'This device is waiting for approval' });
    await waiting.waitFor({ timeout: 30_000 });
    await waiting.getByRole('button', { name: 'Reset my safety number instead' }).click();
    const dialog = bob3.getByRole('dialog', { name: 'Reset your safety number?' });
    await env.axe('reset confirmation', bob3);
    await dialog.getByRole('button', { name: 'Reset my safety number' }).click();
    await waiting.waitFor({ state: 'detached', timeout: 30_000 });

    const reset = notice(alice, 'identity_reset');
    await reset.waitFor({ timeout: 30_000 });
    expect(await reset.innerText()).toContain(`The safety number of ${bobName} changed`);
    const held = alice.getByRole('alert').filter({ hasText: `The safety number of ${bobName} changed.` });
    await held.waitFor();
    expect(await alice.locator('.chat-head .badge-verified').count()).toBe(0);
    await send(alice, 'held until accepted');
    await messageItem(alice, 'held until accepted').getByText('Not sent').waitFor();
    await env.shot('65-identity-changed', alice);
    await env.axe('identity changed prompt', alice);

    await alice.getByRole('link', { name: 'Safety number', exact: true }).click();
    await alice.locator('.sn-digits').waitFor();
    expect(await digitsOn(alice)).not.toBe(before);
    await alice.getByRole('button', { name: 'Accept the new safety number' }).click();
    await alice.getByText(`${bobName} is not verified.`).waitFor();
    await alice.getByRole('link', { name: new RegExp(bobName) }).first().click();
    await held.waitFor({ state: 'detached' });
    await messageItem(alice, 'held until accepted').getByRole('button', { name: 'Retry' }).click();
    await bob.getByRole('link', { name: new RegExp(`${ALICE.firstName} ${ALICE.lastName}`) }).first().click();
    await messageItem(bob, 'held until accepted').waitFor({ timeout: 30_000 });
    await env.shot('66-after-accepting', alice);
  });

  it('shows the safety number screen in Traditional Chinese', async () => {
    await alice.getByLabel('Language').selectOption('zh-TW');
    await alice.getByRole('link', { name: '安全碼', exact: true }).click();
    await alice.getByRole('heading', { name: `與 ${bobName} 的安全碼` }).waitFor();
    await alice.getByRole('button', { name: '標示為已驗證' }).waitFor();
    await env.shot('67-safety-number-zh-TW', alice);
    await env.axe('safety number zh-TW', alice);
    await alice.getByLabel('語言').selectOption('en');
  });
});
