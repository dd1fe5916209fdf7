// Browser: Settings → Profile changes the member's own name (PATCH /v1/me through the SDK): a blank
// first name refused in the form, the new name shown, kept after a reload, seen by the administrator
// (GetUser), by another member in the team directory and, live, in that member's open conversation
// list and conversation; the form in zh-TW.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, PASSWORD, setupApp, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: profile editing (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let alice: Page;
  let bob: Page;
  let aliceId: number;

  beforeAll(async () => {
    env = await setupApp();
    let groupId: string;
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Profile Net'));
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
    aliceId = (await inviteAndJoin(env, alice, { networkId, groupId }, ALICE)).userId;
    await inviteAndJoin(env, bob, { networkId, groupId }, BOB);
  });
  afterAll(async () => {
    await env?.close();
  });

  const profile = (page: Page) => page.getByRole('region', { name: /^(Profile|個人資料)$/ });

  it('changes the name in Settings → Profile; the administrator and other members see it, open conversations at once', async () => {
    // A conversation Bob has open while Alice changes her name.
    await startDm(alice, bob, 'hi Bob');
    await bob.evaluate(() => ((window as unknown as { stillThisPage?: boolean }).stillThisPage = true));
    await alice.getByRole('link', { name: 'Settings' }).click();
    const first = profile(alice).getByLabel('First name');
    await first.waitFor();
    expect(await first.inputValue()).toBe('Alice');
    expect(await profile(alice).getByLabel('Last name').inputValue()).toBe('Anders');

    // A blank first name is refused in the form; nothing is sent.
    await first.fill('   ');
    await profile(alice).getByRole('button', { name: 'Save profile' }).click();
    await profile(alice).getByText('Enter your first name.').waitFor();
    expect(await first.getAttribute('aria-invalid')).toBe('true');
    expect(await env.t.client.call('GetUser', { networkId, userId: String(aliceId) })).toMatchObject({ firstName: 'Alice', lastName: 'Anders' });

    await first.fill('Alicia');
    await profile(alice).getByLabel('Last name').fill('Andersen');
    await profile(alice).getByRole('button', { name: 'Save profile' }).click();
    await profile(alice).getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await profile(alice).getByText('Alicia Andersen', { exact: true }).waitFor();
    await env.shot('70-profile-saved', alice);
    await env.axe('settings profile', alice);
    expect(await env.t.client.call('GetUser', { networkId, userId: String(aliceId) })).toMatchObject({ firstName: 'Alicia', lastName: 'Andersen' });

    // Bob's open messenger shows the new name live: the conversation list and the conversation's heading.
    await bob.getByRole('navigation').getByRole('link', { name: /Alicia Andersen/ }).waitFor();
    await bob.getByRole('heading', { name: /Alicia Andersen/ }).waitFor();
    expect(await bob.getByRole('navigation').getByRole('link', { name: /Alice Anders\b/ }).count()).toBe(0);
    expect(await bob.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
    await env.shot('70b-profile-name-live', bob);

    // Another member finds the new name in the team directory.
    await bob.getByRole('link', { name: 'New message' }).click();
    await bob.getByLabel('Search the team directory').fill('andersen');
    await bob.getByRole('button', { name: 'Message Alicia Andersen' }).waitFor();
  });

  it('keeps the new name after a reload; the form speaks zh-TW', async () => {
    await alice.reload();
    await alice.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await connected(alice);
    await alice.getByRole('link', { name: 'Settings' }).click();
    expect(await profile(alice).getByLabel('First name').inputValue()).toBe('Alicia');
    await profile(alice).getByText('Alicia Andersen', { exact: true }).waitFor();

    await alice.getByLabel('Language').first().selectOption({ label: '繁體中文' });
    await profile(alice).getByRole('button', { name: '儲存個人資料' }).waitFor();
    await profile(alice).getByLabel('名字').fill('');
    await profile(alice).getByRole('button', { name: '儲存個人資料' }).click();
    await profile(alice).getByText('請輸入您的名字。').waitFor();
    await profile(alice).getByLabel('名字').fill('艾莉西亞');
    await profile(alice).getByRole('button', { name: '儲存個人資料' }).click();
    await profile(alice).getByRole('status').filter({ hasText: '個人資料已儲存' }).waitFor();
    await env.axe('settings profile zh-TW', alice);
    await env.shot('71-profile-zh-TW', alice);
    expect(await env.t.client.call('GetUser', { networkId, userId: String(aliceId) })).toMatchObject({ firstName: '艾莉西亞', lastName: 'Andersen' });
  });
});
