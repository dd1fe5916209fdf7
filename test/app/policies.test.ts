// Browser: a room of three where a removed member stops receiving; a file downloaded, then only
// previewable after an administrator turns downloads off; forwarding hidden once it is turned off; a
// suspended member signed out live; an account locked after the group's number of wrong passwords.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXTS } from '../../packages/protocol/src/index.js';
import { createNetwork } from '../helpers/harness.js';
import { invite } from '../helpers/members.js';
import { haveChromium, joinInBrowser, messageItem, openDmWith, PASSWORD, send, setupApp, signInBrowser, skipReason, type AppEnv } from './browser.js';

// A 2x2 PNG (red, green / blue, white).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(!haveChromium)(`messenger: rooms, files, forwarding, suspension, lockout (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let bob: Page;
  let carol: Page;
  const ids: Record<string, number> = {};
  const setGroup = (settings: Record<string, unknown>) => env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });

  async function join(page: Page, email: string, firstName: string, lastName: string) {
    const { inviteCode, userId } = await invite(env.t, networkId, email, groupId, { firstName, lastName });
    ids[email] = userId;
    await joinInBrowser(env, page, { email, code: inviteCode, firstName, lastName });
  }

  beforeAll(async () => {
    env = await setupApp();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Policy Net'));
    await setGroup({ showMasterRecoveryKey: false, lockoutThreshold: 3, filesEnabled: true, enableFileDownload: true, messageForwardingEnabled: true });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
    carol = (await env.newContext()).page;
    await join(alice, 'alice@example.com', 'Alice', 'Anders');
    await join(bob, 'bob@example.com', 'Bob', 'Brown');
    await join(carol, 'carol@example.com', 'Carol', 'Chen');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates a room of three; a removed member loses the room and stops receiving', async () => {
    await alice.getByRole('link', { name: 'New room' }).click();
    await alice.getByLabel('Room name').fill('Ops');
    await alice.getByLabel('Description').fill('Operations chat');
    await alice.getByLabel('Search the team directory').fill('b');
    await alice.getByLabel(/^Bob Brown/).check();
    await alice.getByLabel('Search the team directory').fill('carol');
    await alice.getByLabel(/^Carol Chen/).check();
    await alice.getByRole('list', { name: 'Chosen members' }).getByText('Bob Brown').waitFor();
    await env.shot('20-new-room', alice);
    await env.axe('new room', alice);
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'Ops' }).waitFor();
    await send(alice, 'hello room');
    for (const page of [bob, carol]) {
      await page.getByRole('link', { name: /Ops/ }).click();
      await messageItem(page, 'hello room').waitFor();
    }

    await alice.getByRole('link', { name: 'Room settings' }).click();
    await alice.getByRole('listitem').filter({ hasText: 'Alice Anders' }).getByText('Moderator', { exact: true }).waitFor();
    await env.axe('room settings', alice);
    await alice.getByRole('button', { name: 'Remove Carol Chen' }).click();
    await alice.getByRole('heading', { name: 'Members (2)' }).waitFor();
    await env.shot('21-room-member-removed', alice);
    // Carol's messenger drops the room at once.
    await carol.getByRole('link', { name: /Ops/ }).waitFor({ state: 'detached' });
    await carol.getByRole('heading', { name: 'This conversation is not available.' }).waitFor();

    await alice.getByRole('button', { name: /Back to the conversation/ }).click();
    await send(alice, 'after the removal');
    await messageItem(bob, 'after the removal').waitFor();
    await messageItem(alice, 'after the removal').locator('.delivery.sent').waitFor();
    await carol.waitForTimeout(1500);
    expect(await carol.getByText('after the removal').count()).toBe(0);
    await env.shot('22-removed-member', carol);
  });

  it('sends a file with progress: downloaded while allowed, preview-only after the administrator turns downloads off', async () => {
    await openDmWith(alice, 'bob', 'Bob Brown');
    await alice.getByLabel('Attach a file').setInputFiles({ name: 'pixels.png', mimeType: 'image/png', buffer: PNG });
    const mine = messageItem(alice, 'pixels.png');
    await mine.locator('.delivery.sent').waitFor();
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    const theirs = messageItem(bob, 'pixels.png');
    const [download] = await Promise.all([bob.waitForEvent('download'), theirs.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('pixels.png');
    expect(readFileSync((await download.path())!).equals(PNG)).toBe(true);
    await theirs.getByRole('button', { name: 'Preview' }).click();
    await theirs.getByRole('img', { name: 'Preview of pixels.png' }).waitFor();
    expect(await theirs.getByRole('img', { name: 'Preview of pixels.png' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
    await env.shot('23-file-download-allowed', bob);

    await setGroup({ enableFileDownload: false });
    await theirs.getByText('Preview only: your security group does not allow saving files.').waitFor();
    expect(await theirs.getByRole('button', { name: 'Download' }).count()).toBe(0);
    await theirs.getByRole('img', { name: 'Preview of pixels.png' }).waitFor();
    await env.shot('24-file-preview-only', bob);
    await env.axe('preview only', bob);
    await setGroup({ enableFileDownload: true });
  });

  it('hides forwarding when the security group turns it off', async () => {
    await send(alice, 'please forward me');
    const theirs = messageItem(bob, 'please forward me');
    await theirs.getByRole('button', { name: 'Forward' }).click();
    const dialog = bob.getByRole('dialog', { name: 'Forward message' });
    await dialog.getByRole('button', { name: 'Ops' }).click();
    await dialog.getByText('Forwarded to Ops.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    await setGroup({ messageForwardingEnabled: false });
    await theirs.getByRole('button', { name: 'Forward' }).waitFor({ state: 'detached' });
    expect(await bob.getByRole('button', { name: 'Forward' }).count()).toBe(0);
    await theirs.getByRole('button', { name: 'Reply' }).waitFor();
    await env.shot('25-forwarding-hidden', bob);
    await bob.getByRole('link', { name: /Ops/ }).click();
    const forwarded = messageItem(bob, 'please forward me');
    await forwarded.getByText('Forwarded').waitFor();
  });

  it('signs a suspended member out at once with the guide text', async () => {
    await env.t.client.call('BatchToggleUserSuspendStatus', { networkId, suspend: true, userIds: [String(ids['carol@example.com'])] });
    await carol.getByRole('heading', { name: 'Sign in' }).waitFor();
    await carol.getByRole('alert').filter({ hasText: ERROR_TEXTS.account_suspended }).waitFor();
    await env.shot('26-suspended', carol);
    await signInBrowser(env, carol, 'carol@example.com');
    await carol.getByRole('alert').filter({ hasText: ERROR_TEXTS.account_suspended }).waitFor({ timeout: 30_000 });
  });

  it('locks the account after the group’s number of wrong passwords, with the 24-hour text', async () => {
    const { page } = await env.newContext(); // a new browser: no stored profile, every attempt asks the server
    await signInBrowser(env, page, 'bob@example.com', 'Wrong-Passw0rd!1');
    await page.getByRole('alert').filter({ hasText: 'Incorrect password. 2 attempts left' }).waitFor({ timeout: 30_000 });
    await signInBrowser(env, page, 'bob@example.com', 'Wrong-Passw0rd!2');
    await page.getByRole('alert').filter({ hasText: 'Incorrect password. 1 attempt left' }).waitFor({ timeout: 30_000 });
    await signInBrowser(env, page, 'bob@example.com', 'Wrong-Passw0rd!3');
    const locked = page.getByRole('alert').filter({ hasText: ERROR_TEXTS.account_locked });
    await locked.waitFor({ timeout: 30_000 });
    await locked.getByText(/Locked until/).waitFor();
    await env.shot('27-locked', page);
    await env.axe('locked account', page);
    // The right password is refused too while locked.
    await signInBrowser(env, page, 'bob@example.com', PASSWORD);
    await page.getByRole('alert').filter({ hasText: ERROR_TEXTS.account_locked }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(0);
  });
});
