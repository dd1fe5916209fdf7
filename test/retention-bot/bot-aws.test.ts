// The retention bot end to end with its AWS storage settings, in process (runBot) against a real
// Enclave server, s3rver behind a request-recording proxy and the KMS / Secrets Manager / SNS /
// CloudWatch fakes: with WICKRIO_COMP_FILESIZE forcing rotation, the sealed message files and the
// attachments of a real conversation leave the disk for `<bucket>/<folder>/…` (WICKRIO_S3_BUCKET_NAME,
// WICKRIO_S3_FOLDER_NAME; WICKRIO_COMP_BASENAME in the names), envelope-encrypted under the master key
// (WICKRIO_KMS_MSTRKEY_ARN) so `decrypt` is needed to read them back; the same settings taken from the
// Secrets Manager secret (AWS_SECRET_NAME + AWS_SECRET_REGION, or AWS_DEFAULT_REGION only), its
// `password` signing the bot in; and every call signed for its own region (WICKRIO_S3_REGION /
// s3_region, WICKRIO_KMS_REGION / kms_region or the key ARN's, the secret's region, the topic ARN's,
// AWS_DEFAULT_REGION for CloudWatch), read from the SigV4 credential scope of the requests.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, type Message } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { s3Client } from '../../packages/retention-bot/src/aws.js';
import { EXIT_CONFIG, EXIT_OK, runBot, type RetentionBot } from '../../packages/retention-bot/src/bot.js';
import { decryptCommand } from '../../packages/retention-bot/src/decrypt.js';
import { readHeader } from '../../packages/retention-bot/src/storage/envelope.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { startAwsFakes, startRecordingProxy, type AwsFakes, type RecordingProxy } from './fakes/aws.js';
import { tempDir } from './helpers.js';

const kdf = { N: 2 ** 10, r: 8, p: 1 };
const ACCOUNT = '111122223333';
// s3rver verifies SigV4 signatures with its own fixed credentials; the fakes accept any.
const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/** What one run is configured with (from the environment or from the secret) and must show. */
interface StorageSpec {
  bucket: string;
  folder: string;
  s3Region: string;
  keyArn: string;
  kmsRegion: string;
  baseName: string;
  topic?: string;
}

// Every region differs from every other one and from the defaults, so a call signed for the wrong
// setting cannot pass. (The KMS fake does not tie keys to regions: the test checks that the bot calls
// the region it was told, even where that is not the ARN's.)
const FROM_ENV: StorageSpec & { defaultRegion: string } = {
  bucket: 'env-bucket',
  folder: 'env-folder',
  s3Region: 'eu-west-1',
  keyArn: `arn:aws:kms:ap-southeast-2:${ACCOUNT}:key/1b9a6f10-5c3e-4b6c-9a1e-0123456789ab`,
  kmsRegion: 'ap-northeast-1',
  baseName: 'envArchive',
  topic: `arn:aws:sns:eu-west-3:${ACCOUNT}:env-bot-events`,
  defaultRegion: 'us-west-2',
};
const FROM_SECRET: StorageSpec & { name: string; secretRegion: string; defaultRegion: string } = {
  name: 'wickr/data-retention/full',
  secretRegion: 'ap-south-1',
  defaultRegion: 'us-west-1',
  bucket: 'secret-bucket',
  folder: 'secret/archive',
  s3Region: 'sa-east-1',
  keyArn: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/2c8b7e21-6d4f-4c7d-8b2f-123456789abc`,
  kmsRegion: 'eu-south-1',
  baseName: 'receivedMessages',
  topic: `arn:aws:sns:ap-southeast-1:${ACCOUNT}:secret-bot-events`,
};
// Read with AWS_DEFAULT_REGION only; no s3_region / kms_region: S3 in us-east-1, KMS in the ARN's region.
const MINIMAL_SECRET: StorageSpec & { name: string; defaultRegion: string } = {
  name: 'wickr/data-retention/minimal',
  defaultRegion: 'eu-north-1',
  bucket: 'default-region-bucket',
  folder: 'minimal',
  s3Region: 'us-east-1',
  keyArn: `arn:aws:kms:ca-central-1:${ACCOUNT}:key/3d9c8f32-7e5a-4d8e-9c3a-23456789abcd`,
  kmsRegion: 'ca-central-1',
  baseName: 'receivedMessages',
};

/** Polls until `cond` holds; false after `ms` (the caller's expect then shows what was there). */
async function eventually(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  if (!(await eventually(cond, ms))) throw new Error(`timed out waiting for ${what}`);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('retention bot end to end with S3, KMS and the Secrets Manager secret', () => {
  let t: TestServer;
  let f: AwsFakes;
  let s3: S3rverHandle;
  let proxy: RecordingProxy;
  let admin: S3Client;
  let networkId: string;
  let botName: string;
  let challenge: string;
  let generated = '';
  const home = tempDir();
  const clients: EnclaveClient[] = [];
  let alice: EnclaveClient;
  let bob: EnclaveClient;
  let dmId: string;

  beforeAll(async () => {
    t = await startTestServer();
    f = await startAwsFakes();
    for (const spec of [FROM_ENV, FROM_SECRET, MINIMAL_SECRET]) {
      f.kmsKeys.add(spec.keyArn);
      if (spec.topic) f.topics.add(spec.topic);
    }
    s3 = await startS3rver(FROM_ENV.bucket);
    proxy = await startRecordingProxy(s3.endpoint);
    // The test's own S3 client talks to s3rver directly: the proxy records the bot's requests only.
    admin = s3Client({ region: 'us-east-1', endpoint: s3.endpoint, env: CREDS });
    for (const b of [FROM_SECRET.bucket, MINIMAL_SECRET.bucket]) await admin.send(new CreateBucketCommand({ Bucket: b }));
    ({ networkId } = await createNetwork(t.client, 'Retention bot S3', 'PREMIUM'));
    botName = `compliance_${networkId}_bot`;
    await t.client.call('CreateDataRetentionBot', { networkId });
    ({ challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId }));
  });
  // A failed test must not leave its bot running into the next one (same profile).
  const live = new Set<{ running: Promise<RetentionBot | number>; exit: Promise<number> }>();
  afterEach(async () => {
    for (const r of live) {
      const bot = await r.running.catch(() => undefined);
      if (typeof bot === 'object') bot.stop();
      await r.exit;
    }
    live.clear();
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    admin?.destroy();
    await proxy?.close();
    await s3?.stop();
    await f?.close();
    await t?.close();
  });

  /** Fresh message and attachment directories (the profile and state stay in `home` across runs). */
  const newDirs = () => {
    const d = tempDir('enclave-rb-aws-');
    return { messages: join(d, 'messages'), attachments: join(d, 'attachments') };
  };

  const env = (dirs: { messages: string; attachments: string }, extra: Record<string, string>) => ({
    WICKRIO_BOT_NAME: botName,
    ENCLAVE_SERVER_URL: t.url,
    ENCLAVE_RETENTION_HOME: home,
    WICKRIO_COMP_MESGDEST: dirs.messages,
    WICKRIO_COMP_FILEDEST: dirs.attachments,
    // 1 KiB: every record below is larger, so each one seals the file holding the previous one.
    WICKRIO_COMP_FILESIZE: '1',
    ...CREDS,
    AWS_ENDPOINT_URL_S3: proxy.url,
    AWS_ENDPOINT_URL_KMS: f.endpoints.kms,
    AWS_ENDPOINT_URL_SNS: f.endpoints.sns,
    AWS_ENDPOINT_URL_CLOUDWATCH: f.endpoints.cloudwatch,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: f.endpoints.secretsmanager,
    ...extra,
  });

  function start(e: Record<string, string>) {
    const out: string[] = [];
    let bot: RetentionBot | undefined;
    const exit = runBot({ env: e, kdf, retryMs: 50, print: (s) => out.push(s), onStarted: (b) => (bot = b) });
    const running = Promise.race([until(() => bot !== undefined, 'the bot to start').then(() => bot!), exit.then((code) => code)]);
    const handle = { running, exit };
    live.add(handle);
    const forget = () => live.delete(handle);
    exit.then(forget, forget);
    return { out, exit, running };
  }

  async function startRunning(e: Record<string, string>) {
    const run = start(e);
    const bot = await run.running;
    if (typeof bot === 'number') throw new Error(`bot exited with ${bot}: ${run.out.join('')}`);
    return { ...run, bot };
  }

  /** Where the recorded calls stood before a run. */
  const mark = () => ({ calls: f.calls.length, requests: proxy.requests.length });
  type Mark = ReturnType<typeof mark>;
  const callsSince = (m: Mark, service: string, action?: string) => f.calls.slice(m.calls).filter((c) => c.service === service && (action === undefined || c.action === action));

  async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
    const out = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  }
  async function getObject(bucket: string, key: string): Promise<Buffer> {
    const o = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await o.Body!.transformToByteArray());
  }

  async function member(name: string): Promise<{ client: EnclaveClient; email: string }> {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
    const { inviteCode } = await invite(t, networkId, email);
    const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'test/1' });
    clients.push(client);
    return { client, email };
  }

  /** Two texts and a file in the DM (each record over 1 KiB), then one more text that seals the last. */
  async function exchange(bot: RetentionBot, label: string) {
    const canary = `canary-${label}-${randomBytes(4).toString('hex')}`;
    const long = (who: string) => `${who} ${canary} ${'archived words '.repeat(90)}`;
    const fileBytes = randomBytes(150_000);
    const sent: Message[] = [
      await alice.sendText(dmId, long('alice')),
      await bob.sendText(dmId, long('bob')),
      await alice.sendFile(dmId, fileBytes, { name: `${label} report.pdf`, mime: 'application/pdf', text: long('attached') }),
    ];
    await until(() => bot.metrics.totals.Messages_Saved >= sent.length, 'the messages to be archived');
    const filler = await bob.sendText(dmId, `filler ${label}`);
    await until(() => bot.metrics.totals.Messages_Saved >= sent.length + 1, 'the filler to be archived');
    return { label, canary, fileBytes, sent, filler, fileMessage: sent[2]! };
  }

  /**
   * After `exchange`: the three sealed message files and the attachment are objects under
   * `<folder>/`, encrypted, and gone locally; `decrypt` restores exactly the sent messages. Returns the keys.
   */
  async function expectArchivedToS3(spec: StorageSpec, dirs: { messages: string; attachments: string }, x: Awaited<ReturnType<typeof exchange>>) {
    const prefix = `${spec.folder}/`;
    const attachmentKey = `${prefix}${x.fileMessage.id}-${x.label}_report.pdf`;
    const ls = (d: string) => (existsSync(d) ? readdirSync(d) : [`(no ${d})`]);
    const localsGone = () => ls(dirs.messages).filter((n) => n !== `${spec.baseName}.jsonl`).length === 0 && ls(dirs.attachments).length === 0;
    const done = await eventually(async () => (await listKeys(spec.bucket, prefix)).length >= 4 && localsGone());
    const keys = await listKeys(spec.bucket, prefix);
    const sealedRe = new RegExp(`^${escapeRe(prefix)}${escapeRe(spec.baseName)}-\\d{8}T\\d{6}Z-\\d{6}\\.jsonl$`);
    expect(done, `uploads not finished: ${JSON.stringify({ keys, messages: ls(dirs.messages), attachments: ls(dirs.attachments) })}`).toBe(true);
    expect(keys.filter((k) => sealedRe.test(k))).toHaveLength(3);
    expect(keys).toContain(attachmentKey);
    expect(keys).toHaveLength(4);
    // The local copies are gone; only the active file (holding the filler) is left, in plaintext.
    expect(readdirSync(dirs.messages)).toEqual([`${spec.baseName}.jsonl`]);
    expect(readdirSync(dirs.attachments)).toEqual([]);
    expect(readFileSync(join(dirs.messages, `${spec.baseName}.jsonl`), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { messageId: string }).messageId)).toEqual([x.filler.id]);

    // Envelope-encrypted under the master key: no plaintext in the bucket.
    const dir = tempDir('enclave-rb-decrypt-');
    for (const key of keys) {
      const raw = await getObject(spec.bucket, key);
      expect(raw.subarray(0, 8).toString(), key).toBe('ENCRET01');
      expect(raw.toString('latin1'), key).not.toContain(x.canary);
      expect(raw.includes(x.fileBytes.subarray(1000, 1064)), key).toBe(false);
      const local = join(dir, `raw-${key.replace(/\//g, '_')}`);
      writeFileSync(local, raw);
      expect((await readHeader(local))?.header, key).toMatchObject({ alg: 'AES-256-GCM', kmsKeyId: spec.keyArn, encryptionContext: { service: 'enclave-retention-bot', bot: botName } });
      const head = await admin.send(new HeadObjectCommand({ Bucket: spec.bucket, Key: key }));
      expect(head.Metadata, key).toMatchObject({ 'enclave-envelope': 'ENCRET01', 'enclave-kms-key': spec.keyArn });
    }

    // The operator's `decrypt` (kms:Decrypt) restores them straight from the bucket.
    const operatorEnv = { ...CREDS, AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ENDPOINT_URL_KMS: f.endpoints.kms };
    const restored = new Map<string, Buffer>();
    for (const key of keys) {
      const out = join(dir, `plain-${key.replace(/\//g, '_')}`);
      const said: string[] = [];
      expect(await decryptCommand(['--bucket', spec.bucket, '--key', key, '--s3-region', spec.s3Region, '--kms-region', spec.kmsRegion, '--out', out], operatorEnv, (s) => said.push(s)), said.join('')).toBe(0);
      restored.set(key, readFileSync(out));
    }
    expect(restored.get(attachmentKey)!.equals(x.fileBytes)).toBe(true);
    const records = keys
      .filter((k) => sealedRe.test(k))
      .flatMap((k) => restored.get(k)!.toString('utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as { messageId: string; type: string; network: string; text: string; attachment?: Record<string, unknown> });
    expect(records.map((r) => r.messageId).sort()).toEqual(x.sent.map((m) => m.id).sort());
    for (const r of records) expect(r).toMatchObject({ network: networkId, text: expect.stringContaining(x.canary) });
    expect(records.find((r) => r.type === 'file')).toMatchObject({
      messageId: x.fileMessage.id,
      attachment: { saved: true, size: x.fileBytes.length, sha256: createHash('sha256').update(x.fileBytes).digest('hex'), file: attachmentKey.slice(prefix.length) },
    });
    return keys;
  }

  /** The bot's S3 requests since `m` all went to the bucket, signed for the S3 region; at least one GenerateDataKey per object, for the master key, in the KMS region. */
  function expectRegions(m: Mark, spec: StorageSpec, keys: string[]) {
    const requests = proxy.requests.slice(m.requests);
    const puts = requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual(expect.arrayContaining(keys.map((k) => `/${spec.bucket}/${k}`)));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r, `${r.method} ${r.path}`).toMatchObject({ region: spec.s3Region, signedService: 's3', path: expect.stringMatching(new RegExp(`^/${escapeRe(spec.bucket)}/${escapeRe(spec.folder)}/`)) });
    const gen = callsSince(m, 'kms', 'GenerateDataKey');
    expect(gen.length).toBeGreaterThanOrEqual(keys.length);
    for (const c of gen) expect(c).toMatchObject({ region: spec.kmsRegion, signedService: 'kms', body: { KeyId: spec.keyArn, KeySpec: 'AES_256', EncryptionContext: { service: 'enclave-retention-bot', bot: botName } } });
  }

  /** Events since `m`: all to the topic, signed for the topic ARN's region. */
  function expectEvents(m: Mark, topic: string, messages: string[]) {
    const sns = callsSince(m, 'sns', 'Publish');
    expect(sns.length).toBeGreaterThan(0);
    const region = topic.split(':')[3];
    for (const c of sns) expect(c).toMatchObject({ region, signedService: 'sns', body: { TopicArn: topic } });
    const events = sns.map((c) => JSON.parse(String(c.body.Message)) as { message: string; complianceBot: string });
    for (const e of events) expect(e.complianceBot).toBe(botName);
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(messages));
  }

  it('WICKRIO_S3_* / WICKRIO_KMS_* / WICKRIO_COMP_BASENAME: rotated files and attachments are uploaded encrypted under the folder, and deleted locally', async () => {
    const dirs = newDirs();
    const m = mark();
    const run = await startRunning(
      env(dirs, {
        WICKRIO_BOT_PASSWORD: challenge,
        WICKRIO_COMP_BASENAME: FROM_ENV.baseName,
        WICKRIO_S3_BUCKET_NAME: FROM_ENV.bucket,
        WICKRIO_S3_REGION: FROM_ENV.s3Region,
        WICKRIO_S3_FOLDER_NAME: FROM_ENV.folder,
        WICKRIO_KMS_MSTRKEY_ARN: FROM_ENV.keyArn,
        WICKRIO_KMS_REGION: FROM_ENV.kmsRegion,
        WICKRIO_SNS_TOPIC_ARN: FROM_ENV.topic!,
        WICKRIO_METRICS_TYPE: 'cloudwatch',
        ENCLAVE_METRICS_INTERVAL_MS: '200',
        AWS_DEFAULT_REGION: FROM_ENV.defaultRegion,
      }),
    );
    generated = /"([A-Za-z0-9]{24})"/.exec(run.out.join(''))?.[1] ?? '';
    expect(generated).toHaveLength(24);

    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    const a = await member('alice');
    const b = await member('bob');
    alice = a.client;
    bob = b.client;
    await Promise.all([alice.connect(), bob.connect()]);
    dmId = (await alice.openDm(b.email)).id;

    const x = await exchange(run.bot, 'env');
    const keys = await expectArchivedToS3(FROM_ENV, dirs, x);
    expectRegions(m, FROM_ENV, keys);
    await until(() => callsSince(m, 'cloudwatch', 'PutMetricData').length > 0, 'a CloudWatch put');
    for (const c of callsSince(m, 'cloudwatch')) expect(c).toMatchObject({ region: FROM_ENV.defaultRegion });
    expect(callsSince(m, 'secretsmanager')).toEqual([]);
    // Nothing went to the other buckets.
    expect(await listKeys(FROM_SECRET.bucket)).toEqual([]);
    expect(await listKeys(MINIMAL_SECRET.bucket)).toEqual([]);

    run.bot.stop();
    expect(await run.exit).toBe(EXIT_OK);
    expectEvents(m, FROM_ENV.topic!, ['Logged in', 'Shutting down']);
  });

  it('the secret (AWS_SECRET_NAME + AWS_SECRET_REGION): its password signs in; its bucket, folder, regions, key and topic are used', async () => {
    expect(generated).not.toBe('');
    f.secrets.set(
      FROM_SECRET.name,
      JSON.stringify({
        password: generated,
        s3_bucket_name: FROM_SECRET.bucket,
        s3_region: FROM_SECRET.s3Region,
        s3_folder_name: FROM_SECRET.folder,
        kms_master_key_arn: FROM_SECRET.keyArn,
        kms_region: FROM_SECRET.kmsRegion,
        sns_topic_arn: FROM_SECRET.topic,
      }),
    );
    const envBefore = await listKeys(FROM_ENV.bucket);
    const dirs = newDirs();
    const m = mark();
    // No WICKRIO_BOT_PASSWORD, no S3/KMS/SNS variable and no terminal: all of it comes from the secret.
    const run = await startRunning(env(dirs, { AWS_SECRET_NAME: FROM_SECRET.name, AWS_SECRET_REGION: FROM_SECRET.secretRegion, AWS_DEFAULT_REGION: FROM_SECRET.defaultRegion }));
    const sm = callsSince(m, 'secretsmanager');
    expect(sm).toHaveLength(1);
    expect(sm[0]).toMatchObject({ action: 'GetSecretValue', region: FROM_SECRET.secretRegion, signedService: 'secretsmanager', body: { SecretId: FROM_SECRET.name } });

    const x = await exchange(run.bot, 'secret');
    const keys = await expectArchivedToS3(FROM_SECRET, dirs, x);
    expectRegions(m, FROM_SECRET, keys);
    expect(await listKeys(FROM_ENV.bucket)).toEqual(envBefore);

    run.bot.stop();
    expect(await run.exit).toBe(EXIT_OK);
    expectEvents(m, FROM_SECRET.topic!, ['Logged in', 'Shutting down']);
  });

  it('the secret read in AWS_DEFAULT_REGION; without s3_region / kms_region: S3 in us-east-1, KMS in the key ARN\'s region', async () => {
    f.secrets.set(
      MINIMAL_SECRET.name,
      JSON.stringify({ password: generated, s3_bucket_name: MINIMAL_SECRET.bucket, s3_folder_name: MINIMAL_SECRET.folder, kms_master_key_arn: MINIMAL_SECRET.keyArn }),
    );
    const dirs = newDirs();
    const m = mark();
    const run = await startRunning(env(dirs, { AWS_SECRET_NAME: MINIMAL_SECRET.name, AWS_DEFAULT_REGION: MINIMAL_SECRET.defaultRegion }));
    const sm = callsSince(m, 'secretsmanager');
    expect(sm).toHaveLength(1);
    expect(sm[0]).toMatchObject({ action: 'GetSecretValue', region: MINIMAL_SECRET.defaultRegion, body: { SecretId: MINIMAL_SECRET.name } });

    const x = await exchange(run.bot, 'minimal');
    const keys = await expectArchivedToS3(MINIMAL_SECRET, dirs, x);
    expectRegions(m, MINIMAL_SECRET, keys);
    run.bot.stop();
    expect(await run.exit).toBe(EXIT_OK);
    expect(callsSince(m, 'sns')).toEqual([]);
  });

  it('a wrong password in the secret is refused (the secret\'s password is the one used): exit 78, the event on the secret\'s topic', async () => {
    const name = 'wickr/data-retention/wrong-password';
    f.secrets.set(name, JSON.stringify({ password: 'Not-the-bot-password-1', sns_topic_arn: FROM_SECRET.topic }));
    const m = mark();
    const run = start(env(newDirs(), { AWS_SECRET_NAME: name, AWS_SECRET_REGION: FROM_SECRET.secretRegion }));
    expect(await run.exit).toBe(EXIT_CONFIG);
    expect(callsSince(m, 'secretsmanager')).toMatchObject([{ region: FROM_SECRET.secretRegion, body: { SecretId: name } }]);
    expectEvents(m, FROM_SECRET.topic!, ['Bad password for config.wickr file.']);
    expect(existsSync(join(home, 'profile'))).toBe(true);
  });
});
