// Browser: voice memos (as files). Chromium's fake microphone (--use-fake-device-for-media-stream, the
// permission prompt accepted by --use-fake-ui-for-media-stream, in this file's own browser only):
// the record button only while files are allowed (live), a memo recorded with MediaRecorder and sent
// as an encrypted audio file, played by the receiver in an <audio> element from the decrypted blob
// (it loads and plays; the download is a WebM recording), a cancelled recording sends nothing, a
// microphone the member refused is explained and nothing is sent.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../helpers/harness.js';
import { launchChromium } from '../helpers/browser.js';
import { invite } from '../helpers/members.js';
import { ALICE, type AppEnv, BOB, haveChromium, inviteAndJoin, joinInBrowser, messageItem, openDmWith, send, setupApp, skipReason, startDm } from './browser.js';

describe.skipIf(!haveChromium)(`messenger: voice memos (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let browser: Browser;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let bob: Page;
  const setGroup = (settings: Record<string, unknown>) => env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });
  const memos = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ has: page.locator('.voice-memo') });

  async function member(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addInitScript(`try { if (!localStorage.getItem('enclave.app.lang')) localStorage.setItem('enclave.app.lang', 'en'); } catch {}`);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    return page;
  }

  beforeAll(async () => {
    env = await setupApp();
    browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']);
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Voice Net'));
    await setGroup({ showMasterRecoveryKey: false, filesEnabled: false, enableFileDownload: true });
    alice = await member();
    bob = await member();
    for (const [page, who] of [[alice, ALICE], [bob, BOB]] as const) await inviteAndJoin(env, page, { networkId, groupId }, who);
    await startDm(alice, bob, 'hello Bob');
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await env?.close();
  });

  it('records a voice memo only while files are allowed; the receiver plays it from the decrypted blob', async () => {
    const record = alice.getByRole('button', { name: 'Record a voice memo' });
    expect(await record.count()).toBe(0);
    await setGroup({ filesEnabled: true });
    await record.waitFor();

    await record.click();
    const timer = alice.getByRole('timer').filter({ hasText: 'Recording' });
    await timer.waitFor();
    await alice.getByRole('timer', { name: 'Recording 0:02' }).waitFor({ timeout: 10_000 });
    await env.shot('90-voice-recording', alice);
    await env.axe('voice memo recording', alice);
    await alice.getByRole('button', { name: 'Stop and send' }).click();
    await timer.waitFor({ state: 'detached' });
    await memos(alice).first().locator('.delivery.sent, .delivery.read').waitFor({ timeout: 30_000 });

    const theirs = memos(bob).first();
    await theirs.getByText('Voice memo', { exact: true }).waitFor();
    const name = (await theirs.locator('.file-name').textContent())!;
    expect(name).toMatch(/^voice-memo-\d{8}-\d{6}\.webm$/);
    await theirs.getByRole('button', { name: 'Play voice memo' }).click();
    const audio = theirs.locator('audio.voice-player');
    await audio.waitFor();
    expect(await audio.getAttribute('aria-label')).toBe(`Voice memo ${name}`);
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    // The decrypted recording loads and plays (the fake microphone's tone).
    await bob.waitForFunction((el) => el !== null && el.readyState >= 1 && el.error === null, await audio.elementHandle(), { timeout: 15_000 });
    await audio.evaluate((el: HTMLAudioElement) => el.play());
    await bob.waitForFunction((el) => el !== null && el.currentTime > 0.2, await audio.elementHandle(), { timeout: 15_000 });
    const played = await audio.evaluate((el: HTMLAudioElement) => ({ error: el.error, currentTime: el.currentTime }));
    expect(played.error).toBeNull();
    await env.shot('91-voice-memo-played', bob);
    await env.axe('voice memo played', bob);

    // The recording itself: a WebM file (EBML header) under the memo's name.
    const [download] = await Promise.all([bob.waitForEvent('download'), theirs.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('a cancelled recording sends nothing; the button goes when files are turned off', async () => {
    await alice.getByRole('button', { name: 'Record a voice memo' }).click();
    await alice.getByRole('timer').filter({ hasText: 'Recording' }).waitFor();
    await alice.getByRole('button', { name: 'Cancel' }).click();
    await alice.getByRole('button', { name: 'Record a voice memo' }).waitFor();
    await send(alice, 'after the cancelled memo');
    await messageItem(bob, 'after the cancelled memo').waitFor();
    expect(await memos(bob).count()).toBe(1);
    expect(await memos(alice).count()).toBe(1);

    await setGroup({ filesEnabled: false });
    await alice.getByRole('button', { name: 'Record a voice memo' }).waitFor({ state: 'detached' });
    expect(await bob.getByRole('button', { name: 'Record a voice memo' }).count()).toBe(0);
  });
  it('explains a refused microphone and sends nothing', async () => {
    await setGroup({ filesEnabled: true });
    // A browser with a (fake) microphone but no permission for it: headless Chromium without the
    // fake permission prompt refuses getUserMedia, as when a member answers Block.
    const refusing = await launchChromium(['--use-fake-device-for-media-stream']);
    try {
      const context = await refusing.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
      await context.addInitScript(`try { if (!localStorage.getItem('enclave.app.lang')) localStorage.setItem('enclave.app.lang', 'en'); } catch {}`);
      const carol = await context.newPage();
      carol.setDefaultTimeout(20_000);
      const { inviteCode } = await invite(env.t, networkId, 'carol@example.com', groupId, { firstName: 'Carol', lastName: 'Chen' });
      await joinInBrowser(env, carol, { email: 'carol@example.com', code: inviteCode, firstName: 'Carol', lastName: 'Chen' });
      await openDmWith(carol, 'alice', 'Alice Anders');
      await carol.getByRole('button', { name: 'Record a voice memo' }).click();
      await carol.getByRole('alert').filter({ hasText: 'This browser is not allowed to use the microphone. Allow it in the site settings to record a voice memo.' }).waitFor();
      expect(await carol.getByRole('timer').filter({ hasText: 'Recording' }).count()).toBe(0);
      await env.shot('92-voice-microphone-refused', carol);
      await env.axe('voice memo microphone refused', carol);
      await send(carol, 'after the refused microphone');
      await alice.getByRole('link', { name: /Carol Chen/ }).click();
      await messageItem(alice, 'after the refused microphone').waitFor();
      expect(await memos(alice).count()).toBe(0);
    } finally {
      await refusing.close().catch(() => undefined);
    }
  });
});
