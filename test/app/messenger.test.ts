// Browser: two members join from their invite links and talk end-to-end encrypted in Chromium —
// registration (email prefilled, the security group's password rules as typed, the master recovery
// key once), sign-in, a DM with read receipts and a reply (each message showing its expiry: the group
// maximum when no timer was chosen), the consent pop-up, a burn-on-read message
// counting down and disappearing on both sides, and a canary typed in the browser that never reaches
// the server's database, blobs or log (nor the browser's IndexedDB or the support log in clear).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXTS } from '../../packages/protocol/src/index.js';
import { createNetwork, TEST_DATABASE_URL } from '../helpers/harness.js';
import { invite } from '../helpers/members.js';
import { connected, haveChromium, joinInBrowser, messageItem, openDmWith, PASSWORD, send, setupApp, signInBrowser, skipReason, type AppEnv } from './browser.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CANARY = `CANARY-web-${Math.random().toString(36).slice(2, 12)}`;
/** The expiry countdown of a message sent moments ago with the one-year group maximum. */
const A_YEAR_LEFT = /^Expires in (365d 0h|364d 23h)$/;

/** True when any IndexedDB record of this browser holds the text's UTF-8 bytes; also counts the records. */
async function indexedDbHolds(page: Page, text: string): Promise<{ records: number; found: boolean }> {
  return page.evaluate(async (needle) => {
    const bytes = new TextEncoder().encode(needle);
    const includes = (hay: Uint8Array) => {
      outer: for (let i = 0; i + bytes.length <= hay.length; i++) {
        for (let j = 0; j < bytes.length; j++) if (hay[i + j] !== bytes[j]) continue outer;
        return true;
      }
      return false;
    };
    let records = 0;
    let found = false;
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
          const r = db.transaction(name).objectStore(name).getAllKeys();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        for (const k of keys) if (String(k).includes(needle)) found = true;
        for (const v of values) {
          records++;
          const u = v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : new TextEncoder().encode(JSON.stringify(v));
          if (includes(u)) found = true;
        }
      }
      db.close();
    }
    return { records, found };
  }, text);
}

describe.skipIf(!haveChromium)(`messenger: joining, DMs, consent, burn-on-read (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let networkId: string;
  let groupId: string;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    env = await setupApp();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Web Net'));
    await env.t.client.call('UpdateSecurityGroup', {
      networkId,
      groupId,
      securityGroupSettings: { showMasterRecoveryKey: true, passwordRequirements: { minLength: 12, lowercase: 1, uppercase: 1, numbers: 1, symbols: 1 }, maxBor: 60 },
    });
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    alice = (await env.newContext()).page;
    bob = (await env.newContext()).page;
  });
  afterAll(async () => {
    await env?.close();
  });

  it('explains an unknown invite code with the guide text', async () => {
    await alice.goto(env.url('/register?code=NOTACODE42'));
    await alice.getByRole('alert').filter({ hasText: ERROR_TEXTS.invite_invalid }).waitFor();
    await env.shot('01-invite-invalid', alice);
  });

  it('registers from the invite link: email prefilled, password rules checked as typed, the recovery key shown once', async () => {
    const { inviteCode } = await invite(env.t, networkId, ALICE, groupId, { firstName: 'Alice', lastName: 'Anders' });
    await alice.goto(env.url(`/register?code=${encodeURIComponent(inviteCode)}`));
    const email = alice.getByLabel('Email address');
    await expect.poll(() => email.inputValue()).toBe(ALICE);
    expect(await email.getAttribute('readonly')).not.toBeNull();
    expect(await alice.getByLabel('First name').inputValue()).toBe('Alice');
    await alice.getByText('You were invited to Web Net.').waitFor();

    const rules = alice.getByRole('list', { name: 'Password requirements' });
    await alice.getByLabel('Password', { exact: true }).fill('short');
    await rules.locator('li.todo', { hasText: 'At least 12 characters' }).waitFor();
    await rules.locator('li.ok', { hasText: 'At least 1 lowercase letter' }).waitFor();
    await rules.locator('li.todo', { hasText: 'At least 1 uppercase letter' }).waitFor();
    await env.shot('02-register-rules', alice);
    await env.axe('registration', alice);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByText('The password does not meet the requirements of your security group.').waitFor();

    await alice.getByLabel('Password', { exact: true }).fill(PASSWORD);
    expect(await rules.locator('li.todo').count()).toBe(0);
    await alice.getByLabel('Confirm password').fill(PASSWORD);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByRole('heading', { name: 'Master recovery key' }).waitFor({ timeout: 30_000 });
    const key = await alice.locator('.recovery-key code').innerText();
    expect(key.length).toBeGreaterThan(10);
    const cont = alice.getByRole('button', { name: 'Continue' });
    expect(await cont.isDisabled()).toBe(true);
    await env.shot('03-recovery-key', alice);
    await env.axe('recovery key', alice);
    await alice.getByLabel('I saved my master recovery key').check();
    await cont.click();
    await connected(alice);
    await alice.getByText('No conversations yet. Start a message or create a room.').waitFor();
    await env.shot('04-signed-in-empty', alice);
    await env.axe('empty messenger', alice);
    // The key is not shown again.
    expect(await alice.getByText(key).count()).toBe(0);
  });

  it('signs in with the guide texts for a wrong password, then chats: read receipts and a reply', async () => {
    const { inviteCode } = await invite(env.t, networkId, BOB, groupId, { firstName: 'Bob', lastName: 'Brown' });
    await joinInBrowser(env, bob, { email: BOB, code: inviteCode, firstName: 'Bob' });
    // Sign out and in again (the stored device in this browser's IndexedDB).
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await bob.getByLabel('Email address').inputValue()).toBe(BOB);
    await signInBrowser(env, bob, BOB, 'Wrong-Passw0rd!99');
    await bob.getByRole('alert').filter({ hasText: ERROR_TEXTS.invalid_credentials }).waitFor({ timeout: 30_000 });
    await env.shot('05-signin-wrong-password', bob);
    await env.axe('sign-in error', bob);
    await signInBrowser(env, bob, 'nobody@example.com', PASSWORD);
    await bob.getByRole('alert').filter({ hasText: ERROR_TEXTS.user_not_found }).waitFor({ timeout: 30_000 });
    await signInBrowser(env, bob, BOB);
    await connected(bob);

    await openDmWith(alice, 'bob', 'Bob Brown');
    await env.axe('chat', alice);
    // No timer chosen: the message expires after the group maximum (one year), shown on both sides.
    expect(await alice.getByLabel('Expiration timer').locator('option:checked').textContent()).toBe('Group maximum (365 d)');
    await send(alice, CANARY);
    const mine = messageItem(alice, CANARY);
    await mine.locator('.delivery.sent', { hasText: '✓ Sent' }).waitFor();
    await mine.getByRole('timer', { name: A_YEAR_LEFT }).waitFor();

    const link = bob.getByRole('link', { name: /Alice Anders/ });
    await link.getByLabel('1 unread').waitFor();
    await env.shot('06-unread', bob);
    await link.click();
    await messageItem(bob, CANARY).getByRole('timer', { name: A_YEAR_LEFT }).waitFor();
    await mine.locator('.delivery.read', { hasText: '● Read' }).waitFor();
    expect(await link.getByLabel(/unread/).count()).toBe(0);
    await env.shot('07-read-receipt', alice);

    await messageItem(bob, CANARY).getByRole('button', { name: 'Reply' }).click();
    await bob.getByText(`Replying to “${CANARY}”.`).waitFor();
    await send(bob, 'Got it, thanks');
    const reply = messageItem(alice, 'Got it, thanks');
    await reply.locator('blockquote', { hasText: CANARY }).waitFor();
    await env.shot('08-reply', alice);
  });

  it('shows the consent pop-up live and after every sign-in, and holds the messenger until accepted', async () => {
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: true, title: 'Acceptable use', body: 'Work matters only.', buttonLabel: 'I agree' } } });
    const dialog = alice.getByRole('dialog', { name: 'Acceptable use' });
    await dialog.getByText('Work matters only.').waitFor();
    // Escape does not dismiss it.
    await alice.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await env.shot('09-consent', alice);
    await env.axe('consent pop-up', alice);
    await dialog.getByRole('button', { name: 'I agree' }).click();
    await dialog.waitFor({ state: 'detached' });
    await messageItem(alice, 'Got it, thanks').waitFor();

    // Bob accepts too, signs out and in: shown again.
    await bob.getByRole('dialog', { name: 'Acceptable use' }).getByRole('button', { name: 'I agree' }).click();
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await signInBrowser(env, bob, BOB);
    await bob.getByRole('dialog', { name: 'Acceptable use' }).getByRole('button', { name: 'I agree' }).click();
    await connected(bob);
    await env.t.client.call('UpdateNetworkSettings', { networkId, settings: { consentPopup: { enabled: false } } });
  });

  it('burns a burn-on-read message on both sides after a visible countdown', async () => {
    await alice.getByRole('link', { name: /Bob Brown/ }).click();
    const borChoices = await alice.getByLabel('Burn-on-read').locator('option').allTextContents();
    expect(borChoices).toEqual(['Off', '10 s', '30 s', '1 min']); // capped by the group's maximum (60 s)
    await alice.getByLabel('Burn-on-read').selectOption({ label: '10 s' });
    await send(alice, 'This burns after reading');
    const mine = messageItem(alice, 'This burns after reading');
    await mine.getByText('Burns 10 s after reading').waitFor();
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    const theirs = messageItem(bob, 'This burns after reading');
    // Every message also shows its expiry; the countdown is the burn timer.
    const burning = (item: typeof theirs) => item.getByRole('timer', { name: /^Burns in/ });
    await burning(theirs).waitFor();
    const label = (await burning(theirs).getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Burns in 0:(0\d|10)$/);
    await burning(mine).waitFor();
    await env.shot('10-burn-countdown-receiver', bob);
    await env.shot('10-burn-countdown-sender', alice);
    await theirs.waitFor({ state: 'detached', timeout: 20_000 });
    await mine.waitFor({ state: 'detached', timeout: 20_000 });
    // Gone from the stored history too: a new sign-in does not bring it back.
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await signInBrowser(env, bob, BOB);
    await connected(bob);
    await bob.getByRole('link', { name: /Alice Anders/ }).click();
    await messageItem(bob, 'Got it, thanks').waitFor();
    expect(await messageItem(bob, 'This burns after reading').count()).toBe(0);
  });

  it('never lets the canary reach the server database, blobs or log, nor rest in clear in IndexedDB or the support log', async () => {
    await env.t.server.audit.flush();
    const haystacks: { where: string; bytes: Buffer }[] = [];
    if (TEST_DATABASE_URL) {
      const db = env.t.server.store.db;
      for (const table of await db.introspection.getTables()) {
        const rows = await db.selectFrom(table.name as never).selectAll().execute();
        haystacks.push({ where: `table ${table.name}`, bytes: Buffer.from(JSON.stringify(rows)) });
      }
    }
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    for (const file of walk(env.t.dataDir)) haystacks.push({ where: file, bytes: readFileSync(file) });
    haystacks.push({ where: 'server log', bytes: Buffer.from(env.t.logLines.join('')) });
    expect(env.t.logLines.length).toBeGreaterThan(10);
    const forms = [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(CANARY).toString('base64url'), Buffer.from(CANARY).toString('hex')];
    for (const h of haystacks) for (const f of forms) expect(h.bytes.includes(f), `${f} found in ${h.where}`).toBe(false);

    for (const page of [alice, bob]) {
      const idb = await indexedDbHolds(page, CANARY);
      expect(idb.records).toBeGreaterThan(10);
      expect(idb.found).toBe(false);
    }

    await alice.getByRole('link', { name: 'Settings' }).click();
    await alice.getByRole('heading', { name: 'Settings' }).waitFor();
    await env.axe('settings', alice);
    const [download] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: 'Export the support log' }).click()]);
    const log = readFileSync((await download.path())!, 'utf8');
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(3);
    expect(log).not.toContain(CANARY);
    expect(log).not.toContain(PASSWORD);
    await env.shot('11-settings', alice);
  });
});
