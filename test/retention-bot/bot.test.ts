// The retention bot end to end against a real Enclave server, in process: the guide's first setup
// (initial password from CreateDataRetentionBotChallenge, the generated password in the guide's
// banner, the initial password invalid afterwards), every message and file archived once with the
// SNS events and metrics, graceful stop, restart with the generated password and
// WICKRIO_ROTATE_PASSWORD, and the login failures with their events, metrics and exit codes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { EXIT_CONFIG, EXIT_OK, EXIT_RESTART, runBot, type RetentionBot } from '../../packages/retention-bot/src/bot.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { startAwsFakes, type AwsFakes } from './fakes/aws.js';
import { readArchive, tempDir } from './helpers.js';

const kdf = { N: 2 ** 10, r: 8, p: 1 };
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:bot-events';

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('retention bot end to end', () => {
  let t: TestServer;
  let f: AwsFakes;
  let networkId: string;
  let botName: string;
  let challenge: string;
  const home = tempDir();
  const clients: EnclaveClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    f = await startAwsFakes();
    f.topics.add(TOPIC);
    ({ networkId } = await createNetwork(t.client, 'Retention bot', 'PREMIUM'));
    botName = `compliance_${networkId}_bot`;
    await t.client.call('CreateDataRetentionBot', { networkId });
    ({ challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId }));
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await f.close();
    await t.close();
  });

  const env = (extra: Record<string, string> = {}) => ({
    WICKRIO_BOT_NAME: botName,
    ENCLAVE_SERVER_URL: t.url,
    ENCLAVE_RETENTION_HOME: home,
    WICKRIO_COMP_MESGDEST: join(home, 'messages'),
    WICKRIO_COMP_FILEDEST: join(home, 'attachments'),
    WICKRIO_SNS_TOPIC_ARN: TOPIC,
    WICKRIO_METRICS_TYPE: 'cloudwatch',
    ENCLAVE_METRICS_INTERVAL_MS: '200',
    ENCLAVE_PROMETHEUS_PORT: '0',
    AWS_ACCESS_KEY_ID: 'AKIAFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_ENDPOINT_URL_SNS: f.endpoints.sns,
    AWS_ENDPOINT_URL_CLOUDWATCH: f.endpoints.cloudwatch,
    ...extra,
  });

  /** Starts the bot in process; resolves once it runs (or with the exit code when it stops first). */
  function start(e: Record<string, string>) {
    const out: string[] = [];
    let bot: RetentionBot | undefined;
    const exit = runBot({ env: e, kdf, retryMs: 50, print: (s) => out.push(s), onStarted: (b) => (bot = b) });
    const running = Promise.race([until(() => bot !== undefined, 30_000).then(() => bot!), exit.then((code) => code)]);
    return { out, exit, running, bot: () => bot };
  }

  const events = () => f.published().map((p) => JSON.parse(p.Message) as { message: string; severity: string; complianceBot: string });

  async function member(name: string) {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
    const { inviteCode } = await invite(t, networkId, email);
    const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'test/1' });
    clients.push(client);
    return { client, email };
  }

  let generated = '';

  it('refuses a wrong initial password: the guide\'s event, Login_Failures, no restart', async () => {
    const published = f.metricData().length;
    const run = start(env({ WICKRIO_BOT_PASSWORD: 'not-the-challenge', ENCLAVE_RETENTION_HOME: tempDir() }));
    expect(await run.exit).toBe(EXIT_CONFIG);
    expect(events().at(-2)).toMatchObject({ message: 'Bad credentials. Check password.', severity: 'critical', complianceBot: botName });
    expect(events().at(-1)).toMatchObject({ message: 'Shutting down' });
    // Metrics are per period: the failure is in one of the puts this run made (a later one may say 0).
    const data = f.metricData().slice(published).flatMap((p) => p.MetricData);
    expect(data.filter((d) => d.MetricName === 'Login_Failures').map((d) => d.Value)).toContain(1);
  });

  it('refuses a bot that is not provisioned with "User not found."', async () => {
    const run = start(env({ WICKRIO_BOT_NAME: 'compliance_999999999_bot', WICKRIO_BOT_PASSWORD: challenge, ENCLAVE_RETENTION_HOME: tempDir() }));
    expect(await run.exit).toBe(EXIT_CONFIG);
    expect(events().map((e) => e.message)).toContain('User not found.');
  });

  it('SIGTERM while still signing in stops at once: exit 0 and "Shutting down", not the sign-in failure', async () => {
    const stop = new AbortController();
    // No server answers here: sign-in would retry (5 attempts, 5 s apart) and end with exit 1.
    const exit = runBot({ env: env({ ENCLAVE_SERVER_URL: 'http://127.0.0.1:9', WICKRIO_BOT_PASSWORD: challenge, ENCLAVE_RETENTION_HOME: tempDir() }), kdf, retryMs: 5000, print: () => undefined, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    expect(await exit).toBe(EXIT_OK);
    expect(events().at(-1)).toMatchObject({ message: 'Shutting down', severity: 'normal' });
    expect(events().map((e) => e.message)).not.toContain('All logins failed.');
  });

  it('a missing WICKRIO_BOT_NAME: clear message, event and metric, exit 78', async () => {
    const out: string[] = [];
    const published = f.metricData().length;
    const e = env();
    delete (e as Partial<typeof e>).WICKRIO_BOT_NAME;
    expect(await runBot({ env: e, print: (s) => out.push(s) })).toBe(EXIT_CONFIG);
    expect(out.join('')).toMatch(/WICKRIO_BOT_NAME is required/);
    expect(events().at(-1)).toMatchObject({ severity: 'critical', complianceBot: 'unknown', message: expect.stringMatching(/WICKRIO_BOT_NAME is required/) });
    expect(f.metricData().slice(published).flatMap((p) => p.MetricData).filter((d) => d.MetricName === 'Login_Failures').map((d) => d.Value)).toContain(1);
  });

  it('first setup: generated password banner, archive of every message and file, events and metrics', async () => {
    const before = events().length;
    const run = start(env({ WICKRIO_BOT_PASSWORD: challenge }));
    const bot = await run.running;
    if (typeof bot === 'number') throw new Error(`bot exited with ${bot}: ${run.out.join('')}`);
    const banner = run.out.join('');
    expect(banner).toMatch(/\*{20,}\n\*\*\*\* GENERATED PASSWORD\n\*\*\*\* DO NOT LOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME\n\*\*\*\* TO START THE BOT\n"[A-Za-z0-9]{24}"\n\*{20,}/);
    generated = /"([A-Za-z0-9]{24})"/.exec(banner)![1]!;
    // The initial password no longer works.
    await expect(EnclaveClient.registerRetentionBot({ server: t.url, botName, initialPassword: challenge, newPassword: 'Another-password-123', store: new MemoryStore(), kdf })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(events().slice(before).map((e) => e.message)).toEqual(expect.arrayContaining(['Logged in', 'A device has been added to this account!']));
    expect((await t.client.call('GetDataRetentionBot', { networkId })) as object).toMatchObject({ isDataRetentionBotRegistered: true });

    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    const alice = await member('alice');
    const bob = await member('bob');
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    const dm = await alice.client.openDm(bob.email);
    const room = await alice.client.createRoom({ name: 'Archived', members: [bob.email] });
    const sent = [await alice.client.sendText(dm.id, 'dm one'), await bob.client.sendText(dm.id, 'dm two'), await alice.client.sendText(room.id, 'room one')];
    const fileBytes = randomBytes(300_000);
    sent.push(await alice.client.sendFile(room.id, fileBytes, { name: 'q3 report.pdf', mime: 'application/pdf', text: 'see attached' }));
    await until(() => bot.metrics.totals.Messages_Saved >= 4);
    const recs = readArchive(join(home, 'messages'));
    expect(recs.map((r) => r.messageId).sort()).toEqual(sent.map((m) => m.id).sort());
    const fileRec = recs.find((r) => r.type === 'file')!;
    expect(fileRec).toMatchObject({ network: networkId, text: 'see attached', conversation: { id: room.id }, sender: { userId: alice.client.userId }, attachment: { name: 'q3 report.pdf', mime: 'application/pdf', size: 300_000, saved: true, sha256: createHash('sha256').update(fileBytes).digest('hex') } });
    const attachment = fileRec.attachment as { file: string };
    expect(readFileSync(join(home, 'attachments', attachment.file)).equals(fileBytes)).toBe(true);
    expect(bot.metrics.totals).toMatchObject({ Messages_Rx: 4, Messages_Saved: 4, Files_Saved: 1, Files_Saved_Bytes: 300_000, Logins: 1 });

    await until(() => f.metricData().some((m) => m.MetricData.some((d) => d.MetricName === 'Messages_Saved' && d.Value > 0)));
    const prom = await (await fetch(`http://127.0.0.1:${bot.prometheusPort}/metrics`)).text();
    expect(prom).toMatch(/wickrio_messages_saved_total\{[^}]*network="\d+"[^}]*\} 4/);

    // Edits and deletes for everyone are archived as their own records (acknowledged once written).
    await alice.client.edit(dm.id, sent[0]!.id, 'dm one, corrected');
    await alice.client.deleteForEveryone(room.id, sent[2]!.id);
    await until(() => readArchive(join(home, 'messages')).length >= 6);
    const later = readArchive(join(home, 'messages'));
    expect(later).toHaveLength(6);
    expect(later.find((r) => r.type === 'edit')).toMatchObject({ messageId: sent[0]!.id, editId: expect.any(String), text: 'dm one, corrected', sender: { userId: alice.client.userId }, conversation: { id: dm.id, seq: expect.any(Number) } });
    expect(later.find((r) => r.type === 'delete')).toMatchObject({ messageId: sent[2]!.id, by: alice.client.userId, conversation: { id: room.id, seq: expect.any(Number) } });
    // The deleted message's own record stays in the archive.
    expect(later.filter((r) => r.messageId === sent[2]!.id).map((r) => r.type)).toEqual(['text', 'delete']);

    expect(readdirSync(join(home, 'logs'))).toEqual([`${botName}.log`]);
    expect(readFileSync(join(home, 'logs', `${botName}.log`), 'utf8')).not.toContain('dm one');

    bot.stop();
    expect(await run.exit).toBe(EXIT_OK);
    expect(events().at(-1)).toMatchObject({ message: 'Shutting down', severity: 'normal' });
  });

  it('restarts with the generated password, rotates to WICKRIO_ROTATE_PASSWORD, and the old one stops working', async () => {
    const short = start(env({ WICKRIO_BOT_PASSWORD: generated, WICKRIO_ROTATE_PASSWORD: 'too-short' }));
    const b1 = await short.running;
    if (typeof b1 === 'number') throw new Error(`exited ${b1}: ${short.out.join('')}`);
    expect(short.out.join('')).toContain('WICKRIO_ROTATE_PASSWORD must be at least 12 characters.');
    b1.stop();
    expect(await short.exit).toBe(EXIT_OK);

    const run = start(env({ WICKRIO_BOT_PASSWORD: generated, WICKRIO_ROTATE_PASSWORD: 'Rotated-password-2024' }));
    const bot = await run.running;
    if (typeof bot === 'number') throw new Error(`exited ${bot}: ${run.out.join('')}`);
    expect(run.out.join('')).toContain('The bot password was rotated');
    bot.stop();
    expect(await run.exit).toBe(EXIT_OK);
    // The old password no longer opens the profile: the guide's config.wickr event.
    const old = start(env({ WICKRIO_BOT_PASSWORD: generated }));
    expect(await old.exit).toBe(EXIT_CONFIG);
    expect(events().map((e) => e.message)).toContain('Bad password for config.wickr file.');
    // An environment not yet updated after the rotation still starts (the rotated password is tried).
    const stale = start(env({ WICKRIO_BOT_PASSWORD: generated, WICKRIO_ROTATE_PASSWORD: 'Rotated-password-2024' }));
    const b3 = await stale.running;
    if (typeof b3 === 'number') throw new Error(`exited ${b3}: ${stale.out.join('')}`);
    b3.stop();
    expect(await stale.exit).toBe(EXIT_OK);
  });
  it('no server answering: retried, then "All logins failed." and the restart exit', async () => {
    const run = start(env({ ENCLAVE_SERVER_URL: 'http://127.0.0.1:9', WICKRIO_BOT_PASSWORD: challenge, ENCLAVE_RETENTION_HOME: tempDir() }));
    expect(await run.exit).toBe(EXIT_RESTART);
    expect(events().at(-2)).toMatchObject({ message: 'All logins failed.', severity: 'critical' });
  });

  it('an unreadable device store: "Cannot read config.wickr file.", exit 78', async () => {
    const h = tempDir();
    mkdirSync(join(h, 'profile'), { recursive: true });
    writeFileSync(join(h, 'profile', 'profile.sqlite'), 'this is not a database '.repeat(200));
    const run = start(env({ WICKRIO_BOT_PASSWORD: generated, ENCLAVE_RETENTION_HOME: h }));
    expect(await run.exit).toBe(EXIT_CONFIG);
    expect(events().map((e) => e.message)).toContain('Cannot read config.wickr file.');
  });

  it('no password and the prompt ended (Ctrl-D): "User exited command.", exit 78', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const output = new PassThrough();
    output.resume();
    const exit = runBot({ env: env({ ENCLAVE_RETENTION_HOME: tempDir() }), kdf, retryMs: 50, print: () => undefined, prompt: { input, output } });
    await new Promise((r) => setTimeout(r, 100));
    input.end();
    expect(await exit).toBe(EXIT_CONFIG);
    expect(events().at(-2)).toMatchObject({ message: 'User exited command.', severity: 'critical' });
  });

  it('the bot deleted while it runs: the guide\'s admin-suspend event and a restart; re-created, the old store is "New user but database already exists."', async () => {
    const run = start(env({ WICKRIO_BOT_PASSWORD: 'Rotated-password-2024' }));
    const bot = await run.running;
    if (typeof bot === 'number') throw new Error(`exited ${bot}: ${run.out.join('')}`);
    await t.client.call('DeleteDataRetentionBot', { networkId });
    expect(await run.exit).toBe(EXIT_RESTART);
    expect(events().some((e) => /^WickrIOClientMain::slotAdminUserSuspend: code\(user_not_found\): reason: .+/.test(e.message) && e.severity === 'critical')).toBe(true);
    await t.client.call('CreateDataRetentionBot', { networkId });
    const again = start(env({ WICKRIO_BOT_PASSWORD: 'Rotated-password-2024' }));
    const code = await again.exit;
    expect(code).toBe(EXIT_CONFIG);
    expect(events().slice(-2).map((e) => e.message)).toEqual(['New user but database already exists.', 'Shutting down']);
  });
});
