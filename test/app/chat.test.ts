// Browser: the chat between two members. A message edited and deleted for everyone on both sides (the
// receiver cannot delete the sender's message); delivery states across a lost connection (the
// WebSocket and the API cut off in the browser: the message stays pending and does not reach the peer,
// then is delivered by itself once the connection is back); presence dots in 1:1 while the group
// allows presence, gone when it does not; the pages in Traditional Chinese after the language switch.
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, messageItem, send, setupApp, signInBrowser, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: edit, delete, reconnect, presence, zh-TW (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let aliceContext: BrowserContext;
  let bob: Page;
  // Alice's connection, cut off on demand: her WebSockets are closed and refused, her API calls fail.
  let offline = false;
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];

  beforeAll(async () => {
    env = await setupApp();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Chat Net'));
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false, presenceEnabled: true } });
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    ({ context: aliceContext, page: alice } = await env.newContext());
    await aliceContext.routeWebSocket(/\/v1\/socket/, (ws) => {
      if (offline) return void ws.close();
      sockets.push({ page: ws, server: ws.connectToServer() });
    });
    await aliceContext.route(/\/v1\//, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
    bob = (await env.newContext()).page;
    for (const [page, who] of [[alice, ALICE], [bob, BOB]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    await startDm(alice, bob, 'hello Bob');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('edits a message and deletes another for everyone, on both sides', async () => {
    await send(alice, 'Meet at 10 in room 4B');
    const mine = messageItem(alice, 'Meet at 10 in room 4B');
    await mine.locator('.delivery.sent, .delivery.read').waitFor();
    const theirs = messageItem(bob, 'Meet at 10 in room 4B');
    await theirs.waitFor();
    // Only the sender may edit or delete.
    expect(await theirs.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await theirs.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);

    await mine.getByRole('button', { name: 'Edit' }).click();
    await alice.getByRole('status').filter({ hasText: 'Editing your message.' }).waitFor();
    const box = alice.getByRole('textbox', { name: 'Message' });
    expect(await box.inputValue()).toBe('Meet at 10 in room 4B');
    await box.fill('Meet at 11 in room 4B');
    await alice.getByRole('button', { name: 'Save edit' }).click();
    const edited = messageItem(bob, 'Meet at 11 in room 4B');
    await edited.getByText('Edited', { exact: true }).waitFor();
    await messageItem(alice, 'Meet at 11 in room 4B').getByText('Edited', { exact: true }).waitFor();
    expect(await bob.getByText('Meet at 10 in room 4B').count()).toBe(0);
    await env.shot('50-edited', bob);

    await send(alice, 'Sent to the wrong person');
    await messageItem(bob, 'Sent to the wrong person').waitFor();
    await messageItem(alice, 'Sent to the wrong person').getByRole('button', { name: 'Delete for everyone' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Delete for everyone?' });
    await dialog.getByText('The message is removed from every member’s devices.').waitFor();
    await env.axe('delete for everyone', alice);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await messageItem(alice, 'Sent to the wrong person').count()).toBe(1);
    await messageItem(alice, 'Sent to the wrong person').getByRole('button', { name: 'Delete for everyone' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await messageItem(alice, 'Sent to the wrong person').waitFor({ state: 'detached' });
    await messageItem(bob, 'Sent to the wrong person').waitFor({ state: 'detached' });
    await messageItem(bob, 'Meet at 11 in room 4B').waitFor();
    await env.shot('51-deleted-for-everyone', bob);
  });

  it('keeps a message pending while the connection is lost and delivers it once the socket is back', async () => {
    offline = true;
    for (const s of sockets.splice(0)) {
      await s.page.close().catch(() => undefined);
      await s.server.close().catch(() => undefined);
    }
    await alice.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ }).waitFor();
    await send(alice, 'written while offline');
    const pending = alice.locator('li.msg.pending').filter({ hasText: 'written while offline' });
    await pending.waitFor();
    await pending.locator('.delivery.sending, .delivery.failed').waitFor();
    expect(await pending.locator('.delivery.sent').count()).toBe(0);
    await env.shot('52-pending-offline', alice);
    await bob.waitForTimeout(1500);
    expect(await messageItem(bob, 'written while offline').count()).toBe(0);

    offline = false;
    await connected(alice);
    const delivered = messageItem(alice, 'written while offline');
    await delivered.locator('.delivery.sent, .delivery.read').waitFor({ timeout: 30_000 });
    expect(await alice.locator('li.msg.pending').count()).toBe(0);
    await messageItem(bob, 'written while offline').waitFor();
    await env.shot('53-delivered-after-reconnect', alice);
  });

  it('shows presence dots in 1:1 while presence is on, and none when the group turns it off', async () => {
    const link = alice.getByRole('link', { name: /Bob Brown/ });
    await link.getByRole('img', { name: 'Online' }).waitFor();
    await alice.getByRole('heading', { name: /Bob Brown/ }).getByRole('img', { name: 'Online' }).waitFor();
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await link.getByRole('img', { name: 'Offline' }).waitFor();
    await env.shot('54-presence-offline', alice);
    await signInBrowser(env, bob, 'bob@example.com');
    await connected(bob);
    await link.getByRole('img', { name: 'Online' }).waitFor();

    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { presenceEnabled: false } });
    await link.getByRole('img', { name: /Online|Away|Offline/ }).waitFor({ state: 'detached' });
    expect(await alice.locator('.presence').count()).toBe(0);
  });

  it('renders the messenger in Traditional Chinese after the language switch (axe-clean), and remembers it', async () => {
    await bob.getByLabel('Language').selectOption({ label: '繁體中文' });
    await bob.getByRole('link', { name: '設定' }).waitFor();
    await bob.getByRole('status').filter({ hasText: '已連線' }).waitFor();
    expect(await bob.evaluate(() => document.documentElement.lang)).toBe('zh-TW');
    await bob.getByRole('navigation', { name: '對話' }).getByRole('heading', { name: '直接訊息' }).waitFor();
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    await bob.getByRole('textbox', { name: '訊息' }).waitFor();
    await bob.getByRole('button', { name: '傳送', exact: true }).waitFor();
    expect(await bob.getByRole('button', { name: 'Send', exact: true }).count()).toBe(0);
    await env.shot('55-chat-zh-TW', bob);
    await env.axe('chat in zh-TW', bob);
    await bob.getByRole('link', { name: '設定' }).click();
    await bob.getByRole('heading', { name: '設定', level: 1 }).waitFor();
    await bob.getByRole('heading', { name: '裝置' }).waitFor();
    await env.shot('56-settings-zh-TW', bob);
    await env.axe('settings in zh-TW', bob);
    // Signed out, the sign-in page stays in Chinese.
    await bob.getByRole('button', { name: '登出' }).click();
    await bob.getByRole('heading', { name: '登入' }).waitFor();
    await env.axe('sign-in in zh-TW', bob);
    await bob.reload();
    await bob.getByRole('heading', { name: '登入' }).waitFor();
  });
});
