// Browser: joining from a real invitation email. The administrator invites through the admin API
// (BatchCreateUser); the server queues the invitation and delivers it through SMTP (a real SMTP
// receiver, test/helpers/smtp.ts) or, without SMTP, into the outbox directory as an .eml file. The
// link read from that mail is opened in Chromium and the member registers; an expired invite code is
// explained with the guide's text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXTS } from '../../packages/protocol/src/index.js';
import { createNetwork } from '../helpers/harness.js';
import { invitationOf, parseMail, startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { connected, haveChromium, PASSWORD, setupApp, skipReason, type AppEnv } from './browser.js';

async function inviteUser(env: AppEnv, networkId: string, groupId: string, email: string, firstName: string, lastName: string): Promise<{ userId: string; inviteCode: string }> {
  const r = await env.t.client.call<{ successful: { userId: string; inviteCode: string }[]; failed: unknown[] }>('BatchCreateUser', {
    networkId,
    users: [{ username: email, firstName, lastName, securityGroupIds: [groupId] }],
  });
  expect(r.failed).toEqual([]);
  return r.successful[0]!;
}

/** Opens the emailed link and registers with the prefilled address. */
async function registerFromLink(env: AppEnv, page: Page, link: string, email: string, firstName: string): Promise<void> {
  await page.goto(link);
  const field = page.getByLabel('Email address');
  await expect.poll(() => field.inputValue()).toBe(email);
  expect(await field.getAttribute('readonly')).not.toBeNull();
  expect(await page.getByLabel('First name').inputValue()).toBe(firstName);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await connected(page);
}

async function until<T>(f: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveChromium)(`messenger: joining from the invitation email over SMTP (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;
  let smtp: SmtpReceiver;
  let networkId: string;
  let groupId: string;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    env = await setupApp({ env: { ENCLAVE_SMTP_URL: smtp.url } });
    ({ networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Mail Net'));
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  it('registers from the link of the invitation received by SMTP', async () => {
    const { inviteCode } = await inviteUser(env, networkId, groupId, 'dana@example.com', 'Dana', 'Diaz');
    const mail = await smtp.waitFor((m) => m.to === 'dana@example.com');
    expect(mail.subject).toContain('Mail Net');
    const { link, code } = invitationOf(mail);
    expect(code).toBe(inviteCode);
    expect(link.startsWith(`${env.t.url}/app/register?code=`)).toBe(true);
    const { page } = await env.newContext();
    await registerFromLink(env, page, link, 'dana@example.com', 'Dana');
    await page.getByText('No conversations yet. Start a message or create a room.').waitFor();
    await env.shot('30-joined-from-smtp-mail', page);
    // The link works once: opened again, the code is explained as used.
    const { page: again } = await env.newContext();
    await again.goto(link);
    await again.getByRole('alert').filter({ hasText: ERROR_TEXTS.already_registered }).waitFor();
  });

  it('explains an expired invite code from the mail with the guide text', async () => {
    const { userId } = await inviteUser(env, networkId, groupId, 'erin@example.com', 'Erin', 'Evans');
    const { link } = invitationOf(await smtp.waitFor((m) => m.to === 'erin@example.com'));
    // The invitation's validity has passed.
    await env.t.server.store.db
      .updateTable('users')
      .set({ invite_expiration: Math.floor(Date.now() / 1000) - 60 })
      .where('network_id', '=', networkId)
      .where('user_id', '=', Number(userId))
      .execute();
    const { page } = await env.newContext();
    await page.goto(link);
    await page.getByRole('alert').filter({ hasText: ERROR_TEXTS.invite_expired }).waitFor();
    expect(await page.getByRole('button', { name: 'Create account' }).count()).toBe(0);
    await env.shot('31-invite-expired', page);
    await env.axe('expired invite', page);
  });
});

describe.skipIf(!haveChromium)(`messenger: joining from the outbox invitation without SMTP (${haveChromium ? 'chromium' : skipReason})`, () => {
  let env: AppEnv;

  beforeAll(async () => {
    env = await setupApp();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('registers from the link of the .eml file the server wrote to its outbox', async () => {
    const { networkId, defaultGroupId: groupId } = await createNetwork(env.t.client, 'Outbox Net');
    await env.t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: { showMasterRecoveryKey: false } });
    const { inviteCode } = await inviteUser(env, networkId, groupId, 'fay@example.com', 'Fay', 'Fox');
    const outbox = join(env.t.dataDir, 'outbox');
    const file = await until(() => {
      try {
        return readdirSync(outbox).find((n) => n.endsWith('.eml') && readFileSync(join(outbox, n), 'utf8').includes('fay@example.com'));
      } catch {
        return undefined;
      }
    });
    const mail = parseMail(readFileSync(join(outbox, file), 'utf8'));
    expect(mail.to).toBe('fay@example.com');
    const { link, code } = invitationOf(mail);
    expect(code).toBe(inviteCode);
    const { page } = await env.newContext();
    await registerFromLink(env, page, link, 'fay@example.com', 'Fay');
    await env.shot('32-joined-from-outbox', page);
  });
});
