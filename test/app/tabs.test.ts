// Browser: one tab per account. Two pages of one browser context (same IndexedDB, localStorage and
// Web Locks): the second shows "Enclave is open in another tab" instead of the messenger; **Use here**
// makes the first let go (it shows that Enclave was moved and stops receiving), the second signs in
// and works; the first takes it back the same way; the pages in zh-TW; axe-clean.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, messageItem, PASSWORD, send, setupApp, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: one tab per account (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let context: BrowserContext;
  let first: Page;
  let bob: Page;

  beforeAll(async () => {
    env = await setupApp();
    const { networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Tabs Net');
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
    ({ context, page: first } = await env.newContext());
    bob = (await env.newContext()).page;
    await inviteAndJoin(env, first, { networkId, groupId }, ALICE);
    await inviteAndJoin(env, bob, { networkId, groupId }, BOB);
  });
  afterAll(async () => {
    await env?.close();
  });

  const signIn = async (page: Page) => {
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await connected(page);
  };

  it('lets one tab hold the account; "Use here" moves it from the other', async () => {
    await startDm(first, bob, 'from the first tab');

    // A second tab of the same browser: no messenger, no sign-in form, the explanation and "Use here".
    const second = await context.newPage();
    second.setDefaultTimeout(20_000);
    await second.goto(env.url('/'));
    await second.getByRole('heading', { name: 'Enclave is open in another tab' }).waitFor();
    await second.getByText('alice@example.com is signed in to Enclave in another tab of this browser.').waitFor();
    expect(await second.getByLabel('Password', { exact: true }).count()).toBe(0);
    await env.shot('96-tab-elsewhere', second);
    await env.axe('open in another tab', second);

    await second.getByRole('button', { name: 'Use here' }).click();
    // The first tab lets go and says so; the second signs in (the password is asked, as after a reload).
    await first.getByRole('heading', { name: 'Enclave was moved to another tab' }).waitFor();
    expect(await first.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await env.shot('97-tab-moved', first);
    await env.axe('moved to another tab', first);
    await signIn(second);
    await second.getByRole('link', { name: /Bob Brown/ }).click();
    await messageItem(second, 'from the first tab').waitFor();
    await send(bob, 'to the second tab');
    await messageItem(second, 'to the second tab').waitFor();
    // The first tab is stopped: nothing arrives there.
    expect(await first.getByText('to the second tab').count()).toBe(0);

    // And back: "Use here" in the first tab moves it from the second.
    await first.getByRole('button', { name: 'Use here' }).click();
    await second.getByRole('heading', { name: 'Enclave was moved to another tab' }).waitFor();
    await signIn(first);
    await first.getByRole('link', { name: /Bob Brown/ }).click();
    await messageItem(first, 'to the second tab').waitFor();
    await send(bob, 'back in the first tab');
    await messageItem(first, 'back in the first tab').waitFor();
    await second.close();
  });

  it('speaks zh-TW on those pages', async () => {
    const second = await context.newPage();
    second.setDefaultTimeout(20_000);
    await second.goto(env.url('/'));
    await second.getByRole('heading', { name: 'Enclave is open in another tab' }).waitFor();
    await second.getByLabel('Language').selectOption({ label: '繁體中文' });
    await second.getByRole('heading', { name: 'Enclave 已在另一個分頁中開啟' }).waitFor();
    await env.axe('zh-TW open in another tab', second);
    await env.shot('98-tab-elsewhere-zh-TW', second);
    await second.getByRole('button', { name: '在此使用' }).click();
    await first.getByRole('heading', { name: 'Enclave was moved to another tab' }).waitFor();
    await first.getByLabel('Language').selectOption({ label: '繁體中文' });
    await first.getByRole('heading', { name: 'Enclave 已移至另一個分頁' }).waitFor();
    await first.getByRole('button', { name: '在此使用' }).waitFor();
    await env.axe('zh-TW moved to another tab', first);
    await env.shot('99-tab-moved-zh-TW', first);
    await second.close();
  });
});
