// The bot's AWS side through the AWS SDK v3 clients against local protocol servers: SNS events whose
// JSON matches the guide's examples field by field, CloudWatch metrics (namespace WickrIO, the
// guide's metrics and dimensions) and the Prometheus endpoint, S3 upload under the folder prefix
// with local deletion only after success (s3rver), a bucket that refuses writes (data kept, retried,
// S3_Post_Errors, the guide's S3 failure event), and the KMS envelope round trip with `decrypt`.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchClient, kmsClient, s3Client, snsClient } from '../../packages/retention-bot/src/aws.js';
import { decryptCommand } from '../../packages/retention-bot/src/decrypt.js';
import { EVENT_TEXT, Events } from '../../packages/retention-bot/src/events.js';
import { METRIC_NAMES, Metrics } from '../../packages/retention-bot/src/metrics.js';
import { decryptFile, encryptFile } from '../../packages/retention-bot/src/storage/envelope.js';
import { Uploader } from '../../packages/retention-bot/src/storage/uploader.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { startAwsFakes, type AwsFakes } from './fakes/aws.js';
import { recordingLog, tempDir } from './helpers.js';

const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:wickr-bot-events';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/12345678-1234-abcde-a617-abababababab';
const identity = { botName: 'compliance_1234567890_bot', device: 'Desktop 1234567890ab', dockerImage: 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud', dockerTag: '5.116.13.01' };

describe('retention bot AWS integrations', () => {
  let f: AwsFakes;
  let s3: S3rverHandle;
  beforeAll(async () => {
    f = await startAwsFakes();
    f.topics.add(TOPIC);
    f.kmsKeys.add(KEY);
    s3 = await startS3rver('bot-compliance');
  });
  afterAll(async () => {
    await f.close();
    await s3.stop();
  });

  it('publishes events to SNS as the guide\'s JSON, field by field', async () => {
    const sns = snsClient({ region: 'us-east-1', endpoint: f.endpoints.sns, env: creds });
    const events = new Events(identity, recordingLog(), { client: sns, topicArn: TOPIC }, () => Date.parse('2022-10-12T13:05:39.123Z'));
    events.emit(EVENT_TEXT.loggedIn, 'normal');
    events.emit(EVENT_TEXT.updates, 'normal', ['5.116.10.01']);
    events.emit(EVENT_TEXT.s3Failure('receivedMessages-1.jsonl', 'NoSuchBucket'), 'critical');
    await events.flush();
    const got = f.published();
    expect(got.map((p) => p.TopicArn)).toEqual([TOPIC, TOPIC, TOPIC]);
    const guideLoggedIn = {
      complianceBot: 'compliance_1234567890_bot',
      dateTime: '2022-10-12T13:05:39',
      device: 'Desktop 1234567890ab',
      dockerImage: 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud',
      dockerTag: '5.116.13.01',
      message: 'Logged in',
      notificationType: 'Bot Event',
      severity: 'normal',
    };
    const first = JSON.parse(got[0]!.Message) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(Object.keys(guideLoggedIn));
    expect(first).toEqual(guideLoggedIn);
    const updates = JSON.parse(got[1]!.Message) as Record<string, unknown>;
    expect(Object.keys(updates)).toEqual([...Object.keys(guideLoggedIn), 'versions']);
    expect(updates).toEqual({ ...guideLoggedIn, message: 'There are updates available', versions: ['5.116.10.01'] });
    expect(JSON.parse(got[2]!.Message)).toMatchObject({ severity: 'critical', message: 'Failed to put file receivedMessages-1.jsonl on S3 bucket. Error: NoSuchBucket' });
    sns.destroy();
  });

  it('an SNS failure is logged, never thrown', async () => {
    const log = recordingLog();
    const sns = snsClient({ region: 'us-east-1', endpoint: f.endpoints.sns, env: creds });
    const events = new Events(identity, log, { client: sns, topicArn: 'arn:aws:sns:us-east-1:1:missing' });
    events.emit('Shutting down', 'normal');
    await events.flush();
    expect(log.lines.find((l) => l.event === 'sns.publish_failed')?.fields.error).toMatch(/NotFound/);
    sns.destroy();
  });

  it('sends the guide\'s metrics to CloudWatch (namespace WickrIO, five dimensions) and serves Prometheus', async () => {
    const cw = cloudWatchClient({ region: 'us-east-1', endpoint: f.endpoints.cloudwatch, env: creds });
    const dims = { Id: 'compliance_1234567890_bot', Device: 'Desktop 1234567890ab', Product: 'WickrEnterprise_Production', BotType: 'Compliance', Network: '1234567890' };
    const m = new Metrics(dims, recordingLog(), cw);
    m.signedIn = true;
    m.inc('Messages_Rx', 5);
    m.inc('Messages_Saved', 4);
    m.inc('Files_Saved_Bytes', 1234);
    await m.publish();
    m.inc('Messages_Rx', 2);
    await m.publish();
    const [first, second] = f.metricData().slice(-2);
    expect(first!.Namespace).toBe('WickrIO');
    expect(first!.MetricData.map((d) => d.MetricName)).toEqual([...METRIC_NAMES]);
    for (const d of first!.MetricData) expect(d.Dimensions).toEqual(Object.entries(dims).map(([Name, Value]) => ({ Name, Value })));
    const val = (data: typeof first, name: string) => data!.MetricData.find((d) => d.MetricName === name)!;
    expect(val(first, 'Messages_Rx').Value).toBe(5);
    expect(val(first, 'Messages_Saved').Value).toBe(4);
    expect(val(first, 'Files_Saved_Bytes')).toMatchObject({ Value: 1234, Unit: 'Bytes' });
    expect(val(first, 'Logins').Value).toBe(1);
    expect(val(second, 'Messages_Rx').Value).toBe(2);
    expect(val(second, 'Messages_Saved').Value).toBe(0);
    expect(val(second, 'Logins').Value).toBe(1);

    const port = await m.serve('127.0.0.1', 0);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('# TYPE wickrio_messages_rx_total counter');
    expect(text).toContain('wickrio_messages_rx_total{id="compliance_1234567890_bot",device="Desktop 1234567890ab",product="WickrEnterprise_Production",bottype="Compliance",network="1234567890"} 7');
    expect(text).toContain('wickrio_signed_in{');
    await m.stop();
    cw.destroy();
  });

  it('KMS envelope: GenerateDataKey, AES-256-GCM locally, the encrypted key in the object; tampering fails', async () => {
    const dir = tempDir();
    const kms = kmsClient({ region: 'us-east-1', endpoint: f.endpoints.kms, env: creds });
    const plain = Buffer.alloc(200_000);
    for (let i = 0; i < plain.length; i++) plain[i] = (i * 7) % 251;
    writeFileSync(join(dir, 'p'), plain);
    await encryptFile(kms, KEY, { service: 'enclave-retention-bot', bot: 'b' }, join(dir, 'p'), join(dir, 'c'));
    const enc = readFileSync(join(dir, 'c'));
    expect(enc.subarray(0, 8).toString()).toBe('ENCRET01');
    expect(enc.includes(plain.subarray(0, 64))).toBe(false);
    const gen = f.calls.filter((c) => c.service === 'kms' && c.action === 'GenerateDataKey').at(-1)!;
    expect(gen.body).toMatchObject({ KeyId: KEY, KeySpec: 'AES_256' });
    await decryptFile(kms, join(dir, 'c'), join(dir, 'd'));
    expect(readFileSync(join(dir, 'd')).equals(plain)).toBe(true);
    enc[enc.length - 100] = enc[enc.length - 100]! ^ 1;
    writeFileSync(join(dir, 'c2'), enc);
    await expect(decryptFile(kms, join(dir, 'c2'), join(dir, 'd2'))).rejects.toThrow(/modified or truncated/);
    expect(existsSync(join(dir, 'd2'))).toBe(false);
    writeFileSync(join(dir, 'c3'), readFileSync(join(dir, 'c')).subarray(0, 12 + 65_552 * 2 + 300));
    await expect(decryptFile(kms, join(dir, 'c3'), join(dir, 'd3'))).rejects.toThrow(/Decryption failed/);
    kms.destroy();
  });

  function uploader(bucket: string, folder: string, kms?: boolean) {
    const log = recordingLog();
    const metrics = new Metrics({ Id: 'b', Device: 'd', Product: 'p', BotType: 'Compliance', Network: 'n' }, log);
    const events = new Events(identity, log);
    const u = new Uploader({
      s3: s3Client({ region: 'us-east-1', endpoint: s3.endpoint, env: creds }),
      bucket,
      folder,
      ...(kms ? { kms: { client: kmsClient({ region: 'us-east-1', endpoint: f.endpoints.kms, env: creds }), keyArn: KEY } } : {}),
      botName: 'compliance_1234567890_bot',
      tmpDir: join(tempDir(), 'upload'),
      metrics,
      log,
      events,
      retryMs: 20,
      maxRetryMs: 50,
    });
    return { u, log, metrics, events };
  }
  const getObject = async (key: string) => {
    const c = s3Client({ region: 'us-east-1', endpoint: s3.endpoint, env: creds });
    const o = await c.send(new GetObjectCommand({ Bucket: 'bot-compliance', Key: key }));
    return Buffer.from(await o.Body!.transformToByteArray());
  };

  it('uploads message files and attachments under the folder prefix, deleting them locally only after success', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'm', 'receivedMessages-20240101T000000Z-000001.jsonl'), '{"messageId":"1"}\n');
    writeFileSync(join(dir, 'm', 'receivedMessages.jsonl'), '{"messageId":"2"}\n');
    writeFileSync(join(dir, 'a', 'msg1-report.pdf'), 'PDF');
    const { u } = uploader('bot-compliance', 'network1234567890');
    u.scan(join(dir, 'm'), 'receivedMessages.jsonl', join(dir, 'a'));
    expect(await u.drain(10_000)).toBe(true);
    expect((await getObject('network1234567890/receivedMessages-20240101T000000Z-000001.jsonl')).toString()).toBe('{"messageId":"1"}\n');
    expect((await getObject('network1234567890/msg1-report.pdf')).toString()).toBe('PDF');
    expect(existsSync(join(dir, 'm', 'receivedMessages-20240101T000000Z-000001.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'a', 'msg1-report.pdf'))).toBe(false);
    expect(existsSync(join(dir, 'm', 'receivedMessages.jsonl'))).toBe(true);
    await u.stop();
  });

  it('a bucket that refuses writes: the file stays, S3_Post_Errors, one critical event, retried', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'receivedMessages-x.jsonl'), '{"messageId":"1"}\n');
    const { u, metrics, events, log } = uploader('no-such-bucket', '');
    u.add(join(dir, 'receivedMessages-x.jsonl'));
    await new Promise((r) => setTimeout(r, 400));
    expect(existsSync(join(dir, 'receivedMessages-x.jsonl'))).toBe(true);
    expect(metrics.totals.S3_Post_Errors).toBeGreaterThan(2);
    expect(events.sent).toHaveLength(1);
    expect(events.sent[0]).toMatchObject({ severity: 'critical', message: expect.stringMatching(/^Failed to put file receivedMessages-x\.jsonl on S3 bucket\. Error: NoSuchBucket/) });
    expect(log.lines.filter((l) => l.event === 's3.put_failed').length).toBeGreaterThan(2);
    await u.stop();
    expect(existsSync(join(dir, 'receivedMessages-x.jsonl'))).toBe(true);
  });

  it('S3 + KMS round trip: encrypted objects in the bucket, `decrypt` restores them from S3 and from a file', async () => {
    const dir = tempDir();
    const content = JSON.stringify({ messageId: 'secret-1', text: 'compliance canary 4711' }) + '\n';
    writeFileSync(join(dir, 'receivedMessages-k.jsonl'), content);
    const { u } = uploader('bot-compliance', 'enc', true);
    u.add(join(dir, 'receivedMessages-k.jsonl'));
    expect(await u.drain(10_000)).toBe(true);
    const stored = await getObject('enc/receivedMessages-k.jsonl');
    expect(stored.subarray(0, 8).toString()).toBe('ENCRET01');
    expect(stored.toString('latin1')).not.toContain('canary');
    const head = await s3Client({ region: 'us-east-1', endpoint: s3.endpoint, env: creds }).send(new HeadObjectCommand({ Bucket: 'bot-compliance', Key: 'enc/receivedMessages-k.jsonl' }));
    expect(head.Metadata).toMatchObject({ 'enclave-envelope': 'ENCRET01', 'enclave-kms-key': KEY });

    const env = { ...creds, AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ENDPOINT_URL_KMS: f.endpoints.kms };
    const out: string[] = [];
    expect(await decryptCommand(['--bucket', 'bot-compliance', '--key', 'enc/receivedMessages-k.jsonl', '--out', join(dir, 'restored')], env, (s) => out.push(s))).toBe(0);
    expect(readFileSync(join(dir, 'restored'), 'utf8')).toBe(content);
    writeFileSync(join(dir, 'downloaded'), stored);
    expect(await decryptCommand(['--in', join(dir, 'downloaded'), '--out', join(dir, 'restored2')], env, (s) => out.push(s))).toBe(0);
    expect(readFileSync(join(dir, 'restored2'), 'utf8')).toBe(content);
    // An operator without kms:Decrypt gets a clear error and no output.
    f.failing.kms = 'User is not authorized to perform: kms:Decrypt';
    expect(await decryptCommand(['--in', join(dir, 'downloaded'), '--out', join(dir, 'restored3')], env, (s) => out.push(s))).toBe(1);
    delete f.failing.kms;
    expect(out.at(-1)).toMatch(/error: .*kms:Decrypt/);
    expect(existsSync(join(dir, 'restored3'))).toBe(false);
    await u.stop();
  });
});
