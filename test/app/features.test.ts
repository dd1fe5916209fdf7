// Browser: location sharing only while the security group allows it (the browser's position, shown as
// coordinates; the map link only while maps are allowed, both live), a group conversation created from
// the UI (at least two others, optional name) and used by all three, and "● Read" kept across a reload.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { ALICE, type AppEnv, BOB, connected, haveChromium, inviteAndJoin, messageItem, PASSWORD, send, setupApp, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: location, group conversations, read state kept (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let aliceContext: BrowserContext;
  let bob: Page;
  let carol: Page;
  const setGroup = (settings: Record<string, unknown>) => env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });

  beforeAll(async () => {
    env = await setupApp();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Feature Net'));
    await setGroup({ showMasterRecoveryKey: false, locationEnabled: false, locationAllowMaps: false });
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    ({ context: aliceContext, page: alice } = await env.newContext());
    await aliceContext.grantPermissions(['geolocation'], { origin: env.t.url });
    await aliceContext.setGeolocation({ latitude: 25.033, longitude: 121.5654, accuracy: 20 });
    bob = (await env.newContext()).page;
    carol = (await env.newContext()).page;
    for (const [page, who] of [[alice, ALICE], [bob, BOB], [carol, { email: 'carol@example.com', firstName: 'Carol', lastName: 'Chen' }]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    await startDm(alice, bob, 'hello Bob');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('shares a location only while the group allows it; the map link only while maps are allowed', async () => {
    const share = alice.getByRole('button', { name: 'Share my location' });
    await alice.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await share.count()).toBe(0);
    await setGroup({ locationEnabled: true, locationAllowMaps: true });
    await share.waitFor();
    await env.axe('chat with location sharing', alice);
    await share.click();
    const mine = alice.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: '25.03300, 121.56540' });
    await mine.locator('.delivery.sent, .delivery.read').waitFor();
    const theirs = bob.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Location: 25.03300, 121.56540' });
    await theirs.waitFor();
    await theirs.getByText('(within 20 m)').waitFor();
    const map = theirs.getByRole('link', { name: 'Open in a map' });
    expect(await map.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=25.03300&mlon=121.56540#map=16/25.03300/121.56540');
    expect(await map.getAttribute('rel')).toContain('noreferrer');
    await env.shot('60-location-with-map', bob);
    await env.axe('location message', bob);

    // Maps turned off: the coordinates stay, the link goes (live).
    await setGroup({ locationAllowMaps: false });
    await map.waitFor({ state: 'detached' });
    await theirs.getByText('25.03300, 121.56540').waitFor();
    await env.shot('61-location-without-map', bob);

    // A browser that may not read the position says so and sends nothing.
    await bob.getByRole('button', { name: 'Share my location' }).click();
    await bob.getByRole('alert').filter({ hasText: /not allowed to read your location|not available on this device/ }).waitFor({ timeout: 30_000 });
    expect(await bob.locator('li.msg.out').filter({ hasText: 'Location:' }).count()).toBe(0);

    // Location sharing turned off: the button goes.
    await setGroup({ locationEnabled: false });
    await share.waitFor({ state: 'detached' });
    expect(await bob.getByRole('button', { name: 'Share my location' }).count()).toBe(0);
  });

  it('creates a group conversation from the UI; all three talk in it', async () => {
    await alice.getByRole('link', { name: 'New group' }).click();
    await alice.getByRole('heading', { name: 'New group conversation' }).waitFor();
    await alice.getByLabel('Search the team directory').fill('bob');
    await alice.getByLabel(/^Bob Brown/).check();
    await alice.getByRole('button', { name: 'Create group' }).click();
    await alice.getByRole('alert').filter({ hasText: 'Choose at least two people.' }).waitFor();
    await alice.getByLabel('Search the team directory').fill('carol');
    await alice.getByLabel(/^Carol Chen/).check();
    await alice.getByLabel('Name (optional)').fill('Trio');
    await env.shot('62-new-group', alice);
    await env.axe('new group', alice);
    await alice.getByRole('button', { name: 'Create group' }).click();
    await alice.getByRole('heading', { name: 'Trio' }).waitFor();
    await alice.getByText('Group conversation · 3 members').waitFor();
    await send(alice, 'hi group');
    for (const page of [bob, carol]) {
      const link = page.getByRole('region', { name: 'Group conversations' }).getByRole('link', { name: /Trio/ });
      await link.click();
      await messageItem(page, 'hi group').waitFor();
    }
    await send(carol, 'hi from Carol');
    await messageItem(alice, 'hi from Carol').waitFor();
    await messageItem(bob, 'hi from Carol').waitFor();
    await env.shot('63-group-chat', bob);
  });

  it('keeps "● Read" across a reload of the sender’s page', async () => {
    await alice.getByRole('link', { name: /Bob Brown/ }).click();
    await send(alice, 'read me before the reload');
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    await messageItem(bob, 'read me before the reload').waitFor();
    const mine = messageItem(alice, 'read me before the reload');
    await mine.locator('.delivery.read', { hasText: '● Read' }).waitFor();
    await bob.getByRole('link', { name: /Trio/ }).click(); // no new receipts from here on

    await alice.reload();
    await alice.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await connected(alice);
    await alice.getByRole('link', { name: /Bob Brown/ }).click();
    await mine.locator('.delivery.read', { hasText: '● Read' }).waitFor();
    expect(await mine.locator('.delivery.sent').count()).toBe(0);
    await env.shot('64-read-after-reload', alice);
  });
});
