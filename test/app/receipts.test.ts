// Browser: read receipts are kept by the SDK in its encrypted store (the message's readAt), not in the
// browser's localStorage. A receipt reaches every device of the sender's account: the sender's second
// browser shows "● Read" for the message sent from the first, and still does after a reload with its
// localStorage wiped.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, messageItem, openDmWith, PASSWORD, send, setupApp, signInBrowser, skipReason } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: read receipts in the SDK's store (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let alice: Page;
  let aliceLaptop: Page;
  let bob: Page;

  beforeAll(async () => {
    env = await setupApp();
    const { networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Receipts Net');
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
    for (const [page, who] of [[alice, ALICE], [bob, BOB]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    // Alice's second browser: a second device of the same account.
    aliceLaptop = (await env.newContext()).page;
    await signInBrowser(env, aliceLaptop, 'alice@example.com');
    await connected(aliceLaptop);
    // It joins the account's signed device list once the first browser approves it.
    const prompt = alice.getByRole('region', { name: 'A new device wants to join your account' });
    await prompt.getByRole('button', { name: 'Approve this device' }).click({ timeout: 60_000 });
    await aliceLaptop.getByRole('region', { name: 'This device is waiting for approval' }).waitFor({ state: 'detached', timeout: 30_000 });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("shows the peer's read receipt on every device of the sender, and keeps it without localStorage", async () => {
    await openDmWith(alice, 'bob', 'Bob Brown');
    await send(alice, 'read me on every device');
    await aliceLaptop.getByRole('link', { name: /Bob Brown/ }).click();
    const onLaptop = messageItem(aliceLaptop, 'read me on every device');
    await onLaptop.locator('.delivery.sent').waitFor();

    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    await messageItem(bob, 'read me on every device').waitFor();
    await messageItem(alice, 'read me on every device').locator('.delivery.read', { hasText: '● Read' }).waitFor();
    await onLaptop.locator('.delivery.read', { hasText: '● Read' }).waitFor();
    await env.shot('95-read-on-second-device', aliceLaptop);
    // Nothing about reads is kept in the browser's localStorage.
    expect(await aliceLaptop.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('enclave.app.read.')))).toEqual([]);

    // Wiped localStorage, reloaded, signed in again: "● Read" comes from the SDK's store.
    await bob.getByRole('link', { name: 'Settings' }).click(); // no new receipts from here on
    await aliceLaptop.evaluate(() => localStorage.clear());
    await signInBrowser(env, aliceLaptop, 'alice@example.com', PASSWORD);
    await connected(aliceLaptop);
    await aliceLaptop.getByRole('link', { name: /Bob Brown/ }).click();
    await onLaptop.locator('.delivery.read', { hasText: '● Read' }).waitFor();
    expect(await onLaptop.locator('.delivery.sent').count()).toBe(0);
  });
});
