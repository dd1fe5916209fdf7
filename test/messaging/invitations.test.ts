// Invitations: BatchCreateUser and BatchReinviteUser queue an email in their transaction; the
// messaging jobs deliver it through a real SMTP server (smtp-server, test/helpers/smtp.ts) or, without
// one, into the outbox directory with a development log line. Retries with backoff when the SMTP
// server refuses (451) or is not listening, never twice, also with two nodes on one PostgreSQL.
// GET /v1/invites/:code for the registration page. Configuration errors.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXTS, InviteInfo, type SessionResponse } from '../../packages/protocol/src/index.js';
import { ConfigError, createServer, loadConfig, type EnclaveServer } from '../../packages/server/src/index.js';
import { createNetwork, dialectName, startTestServer, TEST_DATABASE_URL, type TestServer } from '../helpers/harness.js';
import { api, GOOD_PASSWORD, newDevice } from '../helpers/members.js';
import { invitationOf, parseMail, startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';

type Created = { userId: string; username: string; inviteCode: string };

async function createUsers(t: TestServer, networkId: string, groupId: string, users: { username: string; firstName?: string; lastName?: string; inviteCode?: string }[]): Promise<Created[]> {
  const r = await t.client.call<{ successful: Created[]; failed: unknown[] }>('BatchCreateUser', { networkId, users: users.map((u) => ({ securityGroupIds: [groupId], ...u })) });
  expect(r.failed).toEqual([]);
  return r.successful;
}

const queueRows = (t: TestServer, userId?: string) =>
  t.server.store.db
    .selectFrom('mail_queue')
    .selectAll()
    .$if(userId !== undefined, (q) => q.where('user_id', '=', Number(userId)))
    .orderBy('mail_id')
    .execute();

const inviteExpiration = async (t: TestServer, networkId: string, userId: string) =>
  (await t.server.store.db.selectFrom('users').select('invite_expiration').where('network_id', '=', networkId).where('user_id', '=', Number(userId)).executeTakeFirstOrThrow()).invite_expiration;

const register = (t: TestServer, email: string, inviteCode: string) =>
  api<SessionResponse & { code?: string }>(t, 'POST', '/v1/accounts/register', undefined, { email, inviteCode, password: GOOD_PASSWORD, device: newDevice().wire });

async function until(check: () => Promise<boolean> | boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`invitations by SMTP (${dialectName})`, () => {
  let smtp: SmtpReceiver;
  let t: TestServer;
  let net: string;
  let group: string;
  let n = 0;
  const email = (p = 'invitee') => `${p}${++n}@example.com`;

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ auth: { user: 'mailer', password: 'p@ss:word' } });
    t = await startTestServer({ env: { ENCLAVE_SMTP_URL: smtp.url } });
    ({ networkId: net, defaultGroupId: group } = await createNetwork(t.client, 'Acme Ops'));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('BatchCreateUser mails each new user once, with the network, the code, its expiry and a link whose code registers the account', async () => {
    expect(t.server.mailer.kind).toBe('smtp');
    const users = [
      { username: email(), firstName: 'Ada', lastName: 'Lovelace' },
      { username: email() },
      { username: email(), firstName: 'Grace' },
    ];
    const created = await createUsers(t, net, group, users);
    expect(created).toHaveLength(3);
    for (const c of created) {
      const mail = await smtp.waitFor((m) => m.to === c.username);
      expect(mail.user).toBe('mailer'); // authenticated with the URL's user:password (percent-decoded)
      expect(mail.envelope.to).toEqual([c.username]);
      expect(mail.from).toBe('Enclave <no-reply@localhost>');
      expect(mail.subject).toBe('You are invited to join Acme Ops on Enclave');
      expect(mail.messageId).toMatch(/^<\d+-[0-9a-f-]{36}@localhost>$/);
      expect(mail.text).toContain('"Acme Ops"');
      expect(mail.text).toContain(`This invitation is for ${c.username}.`);
      const { link, code } = invitationOf(mail);
      expect(link).toBe(`${t.url}/app/register?code=${c.inviteCode}`);
      expect(code).toBe(c.inviteCode);
      expect(mail.text).toContain(`    ${c.inviteCode}\n`);
      const expiresAt = (await inviteExpiration(t, net, c.userId)) * 1000;
      expect(expiresAt - Date.now()).toBeGreaterThan(6.9 * 86_400_000); // the default 7 days
      expect(mail.text).toContain(`expires on ${new Date(expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    }
    expect(smtp.to(created[0]!.username)[0]!.text).toMatch(/^Hello Ada Lovelace,\n/);
    expect(smtp.to(created[1]!.username)[0]!.text).toMatch(/^Hello,\n/);
    expect(smtp.to(created[2]!.username)[0]!.text).toMatch(/^Hello Grace,\n/);

    // The code from the link registers the account.
    const first = created[0]!;
    const { code } = invitationOf(smtp.to(first.username)[0]!);
    const reg = await register(t, first.username, code);
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email: first.username, firstName: 'Ada', networkId: net });

    // Once each, also after more rounds of the jobs.
    await until(async () => (await queueRows(t)).filter((r) => created.some((c) => Number(c.userId) === r.user_id) && r.state === 'sent').length === 3, 5000, 'the sent marks');
    await sleep(2500);
    for (const c of created) expect(smtp.to(c.username)).toHaveLength(1);
    const rows = await queueRows(t);
    expect(rows.filter((r) => created.some((c) => Number(c.userId) === r.user_id)).map((r) => [r.state, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('items that fail queue nothing; an idempotent replay (same client token) queues nothing more', async () => {
    const before = (await queueRows(t)).length;
    const failed = await t.client.call<{ successful: unknown[]; failed: unknown[] }>('BatchCreateUser', { networkId: net, users: [{ username: 'not-an-email', securityGroupIds: [group] }] });
    expect(failed.successful).toEqual([]);
    const e = email();
    const body = { networkId: net, users: [{ username: e, securityGroupIds: [group] }], clientToken: `tok-${randomBytes(4).toString('hex')}` };
    await t.client.call('BatchCreateUser', body);
    await t.client.call('BatchCreateUser', body);
    await smtp.waitFor((m) => m.to === e);
    await sleep(1500);
    expect(smtp.to(e)).toHaveLength(1);
    expect((await queueRows(t)).length).toBe(before + 1);
  });

  it('BatchReinviteUser mails a new code; the old code stops working', async () => {
    const e = email();
    const [c] = await createUsers(t, net, group, [{ username: e }]);
    const firstMail = await smtp.waitFor((m) => m.to === e);
    const oldCode = invitationOf(firstMail).code;
    expect(oldCode).toBe(c!.inviteCode);
    const r = await t.client.call<{ successful: { userId: string }[] }>('BatchReinviteUser', { networkId: net, userIds: [c!.userId] });
    expect(r.successful).toEqual([{ userId: c!.userId }]);
    const second = await smtp.waitFor((m) => m.to === e && m !== firstMail);
    const newCode = invitationOf(second).code;
    expect(newCode).not.toBe(oldCode);
    expect(second.messageId).not.toBe(firstMail.messageId);
    expect(await api(t, 'GET', `/v1/invites/${oldCode}`)).toMatchObject({ status: 400, body: { code: 'invite_invalid' } });
    expect(await register(t, e, oldCode)).toMatchObject({ status: 400, body: { code: 'invite_invalid' } });
    expect((await api(t, 'GET', `/v1/invites/${newCode}`)).status).toBe(200);
    expect((await register(t, e, newCode)).status).toBe(201);
    await sleep(1500);
    expect(smtp.to(e)).toHaveLength(2);
  });

  it('reinviting before the first invitation went out sends one email, with the new code', async () => {
    const e = email();
    smtp.refuse({ code: 451, to: e });
    const [c] = await createUsers(t, net, group, [{ username: e }]);
    // The first attempt failed and its lease ended (a row being sent is left to its sender).
    await until(async () => (await queueRows(t, c!.userId)).some((r) => r.attempts >= 1 && r.state === 'pending' && r.lease_until === null), 10_000, 'the first attempt');
    await t.client.call('BatchReinviteUser', { networkId: net, userIds: [c!.userId] });
    smtp.accept();
    const mail = await smtp.waitFor((m) => m.to === e);
    const current = (await t.server.store.db.selectFrom('users').select('invite_code').where('network_id', '=', net).where('user_id', '=', Number(c!.userId)).executeTakeFirstOrThrow()).invite_code;
    expect(invitationOf(mail).code).toBe(current);
    expect(current).not.toBe(c!.inviteCode);
    await sleep(2500);
    expect(smtp.to(e)).toHaveLength(1);
    expect((await queueRows(t, c!.userId)).map((r) => r.state)).toEqual(['dropped', 'sent']);
  });

  it('an SMTP server answering 451 is retried with backoff; the invitation is delivered once', async () => {
    const e = email();
    smtp.refuse({ code: 451, to: e, count: 2 });
    const started = Date.now();
    const [c] = await createUsers(t, net, group, [{ username: e }]);
    const mail = await smtp.waitFor((m) => m.to === e, 20_000);
    expect(invitationOf(mail).code).toBe(c!.inviteCode);
    await until(async () => (await queueRows(t, c!.userId))[0]?.state === 'sent', 5000, 'the sent mark');
    expect(smtp.refusals.filter((r) => r.to === e)).toEqual([
      { to: e, code: 451 },
      { to: e, code: 451 },
    ]);
    // Backoff: the retries came 2 s and 4 s after the failures, not at every one-second tick.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_500);
    const [row] = await queueRows(t, c!.userId);
    expect(row).toMatchObject({ state: 'sent', attempts: 3 });
    await sleep(2500);
    expect(smtp.to(e)).toHaveLength(1);
  });

  it('with the SMTP server down the admin call succeeds; the invitation waits and is delivered once when the server is back', async () => {
    await smtp.stop();
    try {
      const emails = [email(), email(), email()];
      const created = await createUsers(t, net, group, emails.map((username) => ({ username })));
      const rowsOf = async () => (await queueRows(t)).filter((r) => created.some((c) => Number(c.userId) === r.user_id));
      await until(async () => (await rowsOf()).every((r) => r.attempts >= 2 && r.lease_until === null), 15_000, 'two failed attempts each');
      for (const row of await rowsOf()) {
        expect(row.state).toBe('pending');
        expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
        expect(row.next_attempt_at).toBeGreaterThan(Date.now());
      }
      await smtp.restart();
      for (const c of created) expect(invitationOf(await smtp.waitFor((m) => m.to === c.username, 20_000)).code).toBe(c.inviteCode);
      await until(async () => (await rowsOf()).every((r) => r.state === 'sent'), 5000, 'the sent marks');
      await sleep(2500);
      for (const e of emails) expect(smtp.to(e)).toHaveLength(1);
    } finally {
      await smtp.restart();
    }
  });

  it('a recipient the SMTP server refuses for good (550) is not retried', async () => {
    const e = email('nobody');
    smtp.refuse({ code: 550, to: e });
    try {
      const [c] = await createUsers(t, net, group, [{ username: e }]);
      await until(async () => (await queueRows(t, c!.userId))[0]?.state === 'failed', 10_000, 'the row to fail');
      await sleep(2500);
      expect(smtp.refusals.filter((r) => r.to === e)).toHaveLength(1);
      expect((await queueRows(t, c!.userId))[0]).toMatchObject({ state: 'failed', attempts: 1 });
    } finally {
      smtp.accept();
    }
  });

  it('nothing is sent to a user deleted or registered before the invitation went out', async () => {
    const gone = email();
    const early = email();
    smtp.refuse({ code: 451 });
    const created = await createUsers(t, net, group, [{ username: gone }, { username: early }]);
    await until(async () => (await queueRows(t)).filter((r) => created.some((c) => Number(c.userId) === r.user_id) && r.attempts >= 1 && r.lease_until === null).length === 2, 10_000, 'first attempts');
    await t.client.call('BatchDeleteUser', { networkId: net, userIds: [created[0]!.userId] });
    expect((await register(t, early, created[1]!.inviteCode)).status).toBe(201);
    smtp.accept();
    await until(async () => (await queueRows(t)).filter((r) => created.some((c) => Number(c.userId) === r.user_id)).every((r) => r.state !== 'pending'), 15_000, 'the rows to settle');
    expect(smtp.to(gone)).toEqual([]);
    expect(smtp.to(early)).toEqual([]);
    expect((await queueRows(t)).filter((r) => created.some((c) => Number(c.userId) === r.user_id)).map((r) => r.state)).toEqual(['dropped', 'dropped']);
  });

  describe('GET /v1/invites/:code', () => {
    it('answers the invitation with the group password rules, recovery key setting and expiry', async () => {
      const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId: net, name: 'Strict', securityGroupSettings: {} });
      await t.client.call('UpdateSecurityGroup', {
        networkId: net,
        groupId: securityGroup.id,
        securityGroupSettings: { passwordRequirements: { minLength: 12, lowercase: 1, uppercase: 2, numbers: 2, symbols: 1 }, isAtoEnabled: true, showMasterRecoveryKey: true },
      });
      const e = email();
      const [c] = await createUsers(t, net, securityGroup.id, [{ username: e, firstName: 'Ada', lastName: 'Lovelace' }]);
      const r = await api(t, 'GET', `/v1/invites/${c!.inviteCode}`);
      expect(r.status).toBe(200);
      expect(InviteInfo.strict().parse(r.body)).toEqual({
        email: e,
        firstName: 'Ada',
        lastName: 'Lovelace',
        networkName: 'Acme Ops',
        passwordRequirements: { minLength: 12, lowercase: 1, uppercase: 2, numbers: 2, symbols: 1 },
        showMasterRecoveryKey: true,
        expiresAt: (await inviteExpiration(t, net, c!.userId)) * 1000,
      });
      // The group's current settings are what the page is told.
      await t.client.call('UpdateSecurityGroup', { networkId: net, groupId: securityGroup.id, securityGroupSettings: { showMasterRecoveryKey: false, passwordRequirements: { minLength: 9, lowercase: 0, uppercase: 0, numbers: 3, symbols: 0 } } });
      const changed = await api<InviteInfo>(t, 'GET', `/v1/invites/${c!.inviteCode}`);
      expect(changed.body).toMatchObject({ showMasterRecoveryKey: false, passwordRequirements: { minLength: 9, lowercase: 0, uppercase: 0, numbers: 3, symbols: 0 } });
      const res = await fetch(`${t.url}/v1/invites/${c!.inviteCode}`);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('answers invite_invalid for an unknown code, invite_expired for an expired one, already_registered for a used one', async () => {
      expect(await api(t, 'GET', '/v1/invites/NOSUCHCODE99')).toEqual({ status: 400, body: { code: 'invite_invalid', message: ERROR_TEXTS.invite_invalid } });
      const [c, d] = await createUsers(t, net, group, [{ username: email() }, { username: email() }]);
      await t.server.store.db.updateTable('users').set({ invite_expiration: Math.floor(Date.now() / 1000) - 1 }).where('network_id', '=', net).where('user_id', '=', Number(c!.userId)).execute();
      expect(await api(t, 'GET', `/v1/invites/${c!.inviteCode}`)).toEqual({ status: 400, body: { code: 'invite_expired', message: ERROR_TEXTS.invite_expired } });
      expect((await register(t, d!.username, d!.inviteCode)).status).toBe(201);
      expect(await api(t, 'GET', `/v1/invites/${d!.inviteCode}`)).toEqual({ status: 409, body: { code: 'already_registered', message: ERROR_TEXTS.already_registered } });
    });

    it('a code an administrator gave to several people needs the email address', async () => {
      const shared = `TEAM-${randomBytes(4).toString('hex')}`;
      const [a, b] = await createUsers(t, net, group, [
        { username: email(), inviteCode: shared },
        { username: email(), inviteCode: shared },
      ]);
      expect(await api(t, 'GET', `/v1/invites/${shared}`)).toMatchObject({ status: 409, body: { code: 'conflict' } });
      expect(await api(t, 'GET', `/v1/invites/${shared}?email=${encodeURIComponent(b!.username.toUpperCase())}`)).toMatchObject({ status: 200, body: { email: b!.username } });
      // Both were mailed the shared code (and their own address).
      for (const u of [a!, b!]) expect(invitationOf(await smtp.waitFor((m) => m.to === u.username)).code).toBe(shared);
    });
  });
});

describe.runIf(TEST_DATABASE_URL)('two server nodes on one PostgreSQL deliver each invitation once', () => {
  let smtp: SmtpReceiver;
  let a: TestServer;
  let b: EnclaveServer;

  beforeAll(async () => {
    // Slow acceptance, so that deliveries of the two nodes overlap.
    smtp = await startSmtpReceiver({ delayMs: 40 });
    a = await startTestServer({ env: { ENCLAVE_SMTP_URL: smtp.url } });
    // A second node on the same schema (and the same root key), with its own jobs loop.
    const config = loadConfig(
      { host: '127.0.0.1', port: 0, dataDir: `${a.dataDir}-b`, databaseUrl: TEST_DATABASE_URL },
      {
        ENCLAVE_ROOT_ACCESS_KEY_ID: a.accessKeyId,
        ENCLAVE_ROOT_SECRET_ACCESS_KEY: a.secretAccessKey,
        ENCLAVE_MASTER_KEY: readFileSync(join(a.dataDir, 'master.key'), 'utf8').trim(),
        ENCLAVE_DATABASE_SCHEMA: a.server.config.databaseSchema!,
        ENCLAVE_SMTP_URL: smtp.url,
      },
    );
    b = await createServer(config, { logger: false });
    await b.listen();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
    rmSync(`${a.dataDir}-b`, { recursive: true, force: true });
  });

  it('both nodes deliver, and no recipient gets two emails', async () => {
    const { networkId, defaultGroupId } = await createNetwork(a.client, 'Cluster');
    const emails = Array.from({ length: 50 }, (_, i) => `node${i}@example.com`);
    // Both nodes claim at once, over and over, while their timers also run.
    const racing = (async () => {
      const stopAt = Date.now() + 8000;
      while (Date.now() < stopAt && smtp.messages.length < emails.length) {
        await Promise.all([a.server.messaging.mail.deliverDue(), b.messaging.mail.deliverDue()]);
        await sleep(5);
      }
    })();
    await createUsers(a, networkId, defaultGroupId, emails.map((username) => ({ username })));
    await racing;
    await until(() => smtp.messages.length >= emails.length, 20_000, 'every invitation');
    await until(async () => (await queueRows(a)).every((r) => r.state === 'sent'), 5000, 'the sent marks');
    await sleep(2500);
    for (const e of emails) expect(smtp.to(e)).toHaveLength(1);
    const rows = await queueRows(a);
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(new Set(rows.map((r) => r.lease_owner))).toEqual(new Set([a.server.messaging.mail.node, b.messaging.mail.node]));
  });
});

describe(`invitations without SMTP: the outbox directory (${dialectName})`, () => {
  let t: TestServer;
  const log: string[] = [];

  beforeAll(async () => {
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (log.push(...chunk.toString('utf8').split('\n').filter(Boolean)), done()) });
    t = await startTestServer({ logger: { level: 'info', stream }, env: { ENCLAVE_PUBLIC_URL: 'https://chat.example.org/' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const outbox = () =>
    readdirSync(join(t.dataDir, 'outbox'))
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((f) => ({ file: f, mail: parseMail(readFileSync(join(t.dataDir, 'outbox', f), 'utf8')) }));

  it('writes the invitation as an .eml file and logs one info line with the recipient, subject and link', async () => {
    expect(t.server.mailer.kind).toBe('outbox');
    const { networkId, defaultGroupId } = await createNetwork(t.client, 'Outbox Net');
    const [c] = await createUsers(t, networkId, defaultGroupId, [{ username: 'dev@example.com', firstName: 'Dev' }]);
    await until(() => outbox().some((o) => o.mail.to === 'dev@example.com'), 10_000, 'the outbox file');
    const mails = outbox().filter((o) => o.mail.to === 'dev@example.com');
    expect(mails).toHaveLength(1);
    const { mail, file } = mails[0]!;
    expect(mail.from).toBe('Enclave <no-reply@chat.example.org>');
    expect(mail.subject).toBe('You are invited to join Outbox Net on Enclave');
    const link = `https://chat.example.org/app/register?code=${c!.inviteCode}`;
    expect(invitationOf(mail)).toEqual({ link, code: c!.inviteCode });
    const [row] = await queueRows(t, c!.userId);
    expect(file).toBe(`${row!.mail_id}.eml`);
    expect(mail.messageId).toBe(`<${row!.mail_id}@chat.example.org>`);

    const lines = log.filter((l) => l.includes(link)).map((l) => JSON.parse(l) as { level: number; msg: string; to: string; subject: string; link: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, to: 'dev@example.com', subject: mail.subject, link });
    expect(lines[0]!.msg).toBe(`invitation for dev@example.com ("${mail.subject}") written to the outbox: ${link}`);

    // The registration code from the file works.
    expect((await register(t, 'dev@example.com', c!.inviteCode)).status).toBe(201);
  });

  it('never logs password reset links or device codes, only invitation links', async () => {
    const { networkId, defaultGroupId } = await createNetwork(t.client, 'Quiet Net');
    const [c] = await createUsers(t, networkId, defaultGroupId, [{ username: 'quiet@example.com' }]);
    expect((await register(t, 'quiet@example.com', c!.inviteCode)).status).toBe(201);
    expect((await api(t, 'POST', '/v1/accounts/password-reset', undefined, { email: 'quiet@example.com' })).status).toBe(202);
    const reset = outbox().find((o) => o.mail.to === 'quiet@example.com' && o.mail.text.includes('reset-password'))!;
    const token = /token=([A-Za-z0-9_-]+)/.exec(reset.mail.text)![1]!;
    await sleep(1500);
    expect(log.some((l) => l.includes(token))).toBe(false);
    expect(log.some((l) => l.includes('reset-password'))).toBe(false);
  });

  it('throttles guessing: after 5 unknown codes from one address, even a valid code is refused for a while', async () => {
    const { networkId, defaultGroupId } = await createNetwork(t.client, 'Guess Net');
    const [c] = await createUsers(t, networkId, defaultGroupId, [{ username: 'guess@example.com' }]);
    expect((await api(t, 'GET', `/v1/invites/${c!.inviteCode}`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api(t, 'GET', `/v1/invites/WRONG${i}CODE`)).body).toMatchObject({ code: 'invite_invalid' });
    const refused = await api(t, 'GET', `/v1/invites/${c!.inviteCode}`);
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(refused.body.message).toMatch(/Try again in 15 minutes\.$/);
  });
});

describe('mail configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ dataDir: '/tmp/enclave-config-test' }, env);
  const error = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads ENCLAVE_SMTP_URL and ENCLAVE_MAIL_FROM', () => {
    expect(load({ ENCLAVE_SMTP_URL: 'smtp://user:p%40ss@127.0.0.1:2525' }).smtp).toEqual({ host: '127.0.0.1', port: 2525, secure: false, user: 'user', password: 'p@ss', display: 'smtp://user:***@127.0.0.1:2525' });
    expect(load({ ENCLAVE_SMTP_URL: 'smtps://mail.example.com' }).smtp).toMatchObject({ host: 'mail.example.com', port: 465, secure: true, user: undefined, password: undefined });
    expect(load({ ENCLAVE_SMTP_URL: 'smtp://mail.example.com/' }).smtp).toMatchObject({ port: 25, secure: false });
    expect(load({}).smtp).toBeUndefined();
    expect(load({}).mailFrom).toBe('Enclave <no-reply@localhost>');
    expect(load({ ENCLAVE_PUBLIC_URL: 'https://Chat.Example.com/' }).mailFrom).toBe('Enclave <no-reply@chat.example.com>');
    expect(load({ ENCLAVE_MAIL_FROM: '"Acme, Inc." <it@acme.example>' }).mailFrom).toBe('"Acme, Inc." <it@acme.example>');
    expect(load({ ENCLAVE_MAIL_FROM: 'it@acme.example' }).mailFrom).toBe('it@acme.example');
  });

  it('refuses a bad ENCLAVE_SMTP_URL with a message naming it, never repeating the password', () => {
    expect(error({ ENCLAVE_SMTP_URL: 'http://mail.example.com' })).toBe(
      'invalid ENCLAVE_SMTP_URL "http://mail.example.com": the scheme is http; expected smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]',
    );
    expect(error({ ENCLAVE_SMTP_URL: 'mail.example.com:25' })).toMatch(/^invalid ENCLAVE_SMTP_URL/);
    const withPassword = error({ ENCLAVE_SMTP_URL: 'smtps://user:hunter2@mail.example.com/inbox' });
    expect(withPassword).toMatch(/^invalid ENCLAVE_SMTP_URL "smtps:\/\/user:\*\*\*@mail.example.com\/inbox": no path, query or fragment is allowed/);
    expect(withPassword).not.toContain('hunter2');
    const badPort = error({ ENCLAVE_SMTP_URL: 'smtp://user:hunter2@mail.example.com:99999' });
    expect(badPort).toMatch(/^invalid ENCLAVE_SMTP_URL: not a valid URL/);
    expect(badPort).not.toContain('hunter2');
    expect(error({ ENCLAVE_SMTP_URL: 'smtp://user@mail.example.com' })).toMatch(/a user name needs a password/);
    expect(error({ ENCLAVE_SMTP_URL: 'smtp://:hunter2@mail.example.com' })).toMatch(/a password needs a user name/);
    expect(error({ ENCLAVE_SMTP_URL: 'smtp://' })).toMatch(/^invalid ENCLAVE_SMTP_URL/);
  });

  it('refuses a bad ENCLAVE_MAIL_FROM', () => {
    expect(error({ ENCLAVE_MAIL_FROM: 'not an address' })).toBe(
      'invalid ENCLAVE_MAIL_FROM "not an address": expected an email address, optionally with a display name, such as Enclave <no-reply@example.com>',
    );
    expect(error({ ENCLAVE_MAIL_FROM: 'Enclave <a@b.example>\r\nBcc: victim@example.com' })).toMatch(/^invalid ENCLAVE_MAIL_FROM/);
  });
});
