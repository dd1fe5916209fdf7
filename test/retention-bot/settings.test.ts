// Retention bot settings: every WICKRIO_* / AWS_* variable and every Secrets Manager key changes the
// settings the bot runs with; defaults are the guide's; bad values name the variable; the secret is
// read through the AWS SDK from a Secrets Manager protocol fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSettings, parseSecret } from '../../packages/retention-bot/src/settings.js';
import { readSecret, SecretUnavailable } from '../../packages/retention-bot/src/secrets.js';
import { EXIT_RESTART, runBot } from '../../packages/retention-bot/src/bot.js';
import { startAwsFakes, type AwsFakes } from './fakes/aws.js';

const base = { WICKRIO_BOT_NAME: 'compliance_1234567890_bot' };

describe('retention bot settings', () => {
  it('uses the guide\'s defaults', () => {
    const s = loadSettings(base);
    expect(s.botName).toBe('compliance_1234567890_bot');
    expect(s.mesgDest).toBe('/tmp/compliance_1234567890_bot/compliance/messages');
    expect(s.fileDest).toBe('/tmp/compliance_1234567890_bot/compliance/attachments');
    expect(s.baseName).toBe('receivedMessages');
    expect(s.fileSizeBytes).toBe(1_000_000_000 * 1024);
    expect(s.timeRotateMs).toBe(0);
    expect(s.logDir).toBe('/tmp/compliance_1234567890_bot/logs');
    expect(s.defaultRegion).toBe('us-east-1');
    expect(s.password).toBeUndefined();
    expect(s.s3).toBeUndefined();
    expect(s.kms).toBeUndefined();
    expect(s.snsTopicArn).toBeUndefined();
    expect(s.metricsType).toBeUndefined();
    expect(s.secret).toBeUndefined();
  });

  it('requires WICKRIO_BOT_NAME with a clear message', () => {
    expect(() => loadSettings({})).toThrow(ConfigError);
    expect(() => loadSettings({})).toThrow(/WICKRIO_BOT_NAME is required/);
    expect(() => loadSettings({ WICKRIO_BOT_NAME: '  ' })).toThrow(/WICKRIO_BOT_NAME is required/);
    expect(() => loadSettings({ WICKRIO_BOT_NAME: '../etc' })).toThrow(/WICKRIO_BOT_NAME may only contain/);
  });

  it('reads every environment variable', () => {
    const s = loadSettings({
      ...base,
      WICKRIO_BOT_PASSWORD: 'pw-from-env',
      WICKRIO_ROTATE_PASSWORD: 'rotated-password-1',
      WICKRIO_COMP_MESGDEST: '/data/msgs',
      WICKRIO_COMP_FILEDEST: '/data/files',
      WICKRIO_COMP_BASENAME: 'archive',
      WICKRIO_COMP_FILESIZE: '64',
      WICKRIO_COMP_TIMEROTATE: '10',
      WICKRIO_S3_BUCKET_NAME: 'bot-compliance',
      WICKRIO_S3_REGION: 'eu-west-1',
      WICKRIO_S3_FOLDER_NAME: '/network1234567890/',
      WICKRIO_KMS_MSTRKEY_ARN: 'arn:aws:kms:eu-central-1:111122223333:key/abc',
      WICKRIO_KMS_REGION: 'eu-west-3',
      WICKRIO_SNS_TOPIC_ARN: 'arn:aws:sns:ap-south-1:111122223333:bot-events',
      WICKRIO_METRICS_TYPE: 'cloudwatch',
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_SECRET_NAME: 'wickr/data/retention/bot',
      AWS_SECRET_REGION: 'ca-central-1',
    });
    expect(s.password).toBe('pw-from-env');
    expect(s.passwordSource).toBe('env');
    expect(s.rotatePassword).toBe('rotated-password-1');
    expect(s.mesgDest).toBe('/data/msgs');
    expect(s.fileDest).toBe('/data/files');
    expect(s.baseName).toBe('archive');
    expect(s.fileSizeBytes).toBe(64 * 1024);
    expect(s.timeRotateMs).toBe(10 * 60_000);
    expect(s.s3).toEqual({ bucket: 'bot-compliance', region: 'eu-west-1', folder: 'network1234567890' });
    expect(s.kms).toEqual({ keyArn: 'arn:aws:kms:eu-central-1:111122223333:key/abc', region: 'eu-west-3' });
    expect(s.snsTopicArn).toBe('arn:aws:sns:ap-south-1:111122223333:bot-events');
    expect(s.snsRegion).toBe('ap-south-1');
    expect(s.metricsType).toBe('cloudwatch');
    expect(s.defaultRegion).toBe('us-west-2');
    expect(s.secret).toEqual({ name: 'wickr/data/retention/bot', region: 'ca-central-1' });
  });

  it('takes the KMS region from the key ARN and the secret region from AWS_DEFAULT_REGION when unset', () => {
    const s = loadSettings({ ...base, WICKRIO_S3_BUCKET_NAME: 'b', WICKRIO_KMS_MSTRKEY_ARN: 'arn:aws:kms:eu-central-1:1:key/k', AWS_SECRET_NAME: 'n', AWS_DEFAULT_REGION: 'sa-east-1' });
    expect(s.kms?.region).toBe('eu-central-1');
    expect(s.secret?.region).toBe('sa-east-1');
    expect(loadSettings({ ...base, AWS_SECRET_NAME: 'n' }).secret?.region).toBe('us-east-1');
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => loadSettings({ ...base, WICKRIO_COMP_FILESIZE: '0' })).toThrow(/WICKRIO_COMP_FILESIZE/);
    expect(() => loadSettings({ ...base, WICKRIO_COMP_FILESIZE: '1.5' })).toThrow(/WICKRIO_COMP_FILESIZE/);
    expect(() => loadSettings({ ...base, WICKRIO_COMP_TIMEROTATE: '-1' })).toThrow(/WICKRIO_COMP_TIMEROTATE/);
    expect(() => loadSettings({ ...base, WICKRIO_METRICS_TYPE: 'statsd' })).toThrow(/WICKRIO_METRICS_TYPE/);
    expect(() => loadSettings({ ...base, WICKRIO_KMS_MSTRKEY_ARN: 'arn:aws:kms:us-east-1:1:key/k' })).toThrow(/WICKRIO_S3_BUCKET_NAME/);
  });

  it('takes every secret key, an explicit environment variable winning', () => {
    const secret = parseSecret(
      JSON.stringify({
        password: 'pw-from-secret',
        s3_bucket_name: 'bucket-name',
        s3_region: 'us-east-2',
        s3_folder_name: 'folder-name',
        kms_master_key_arn: 'arn:aws:kms:us-east-2:111122223333:key/12345678-1234-abcde-a617-abababababab',
        kms_region: 'us-east-2',
        sns_topic_arn: 'arn:aws:sns:us-east-2:111122223333:events',
        unrelated: 'ignored',
      }),
    );
    const s = loadSettings(base, secret);
    expect(s.password).toBe('pw-from-secret');
    expect(s.passwordSource).toBe('secret');
    expect(s.s3).toEqual({ bucket: 'bucket-name', region: 'us-east-2', folder: 'folder-name' });
    expect(s.kms).toEqual({ keyArn: 'arn:aws:kms:us-east-2:111122223333:key/12345678-1234-abcde-a617-abababababab', region: 'us-east-2' });
    expect(s.snsTopicArn).toBe('arn:aws:sns:us-east-2:111122223333:events');
    const o = loadSettings({ ...base, WICKRIO_BOT_PASSWORD: 'env-wins', WICKRIO_S3_FOLDER_NAME: 'env-folder' }, secret);
    expect(o.password).toBe('env-wins');
    expect(o.s3?.folder).toBe('env-folder');
    expect(() => parseSecret('not json')).toThrow(/not a JSON object/);
    expect(() => parseSecret('{"password": 5}')).toThrow(/"password" must be a string/);
  });

  describe('Secrets Manager', () => {
    let f: AwsFakes;
    beforeAll(async () => {
      f = await startAwsFakes();
    });
    afterAll(async () => {
      await f.close();
    });
    const env = (extra: Record<string, string>) => ({ ...base, AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_ENDPOINT_URL_SECRETS_MANAGER: f.endpoints.secretsmanager, ...extra });

    it('reads AWS_SECRET_NAME in AWS_SECRET_REGION', async () => {
      f.secrets.set('wickrpro/compliance/compliance_1234567890_bot', JSON.stringify({ password: 'password', s3_bucket_name: 'bucket-name' }));
      const v = await readSecret(env({ AWS_SECRET_NAME: 'wickrpro/compliance/compliance_1234567890_bot', AWS_SECRET_REGION: 'eu-west-1' }));
      expect(v).toEqual({ password: 'password', s3_bucket_name: 'bucket-name' });
      const call = f.calls.filter((c) => c.service === 'secretsmanager').at(-1)!;
      expect(call.action).toBe('GetSecretValue');
      expect(call.body).toEqual({ SecretId: 'wickrpro/compliance/compliance_1234567890_bot' });
    });

    it('reads nothing without AWS_SECRET_NAME', async () => {
      const before = f.calls.length;
      expect(await readSecret(env({}))).toEqual({});
      expect(f.calls.length).toBe(before);
    });

    it('an unreadable secret is a clear configuration error', async () => {
      await expect(readSecret(env({ AWS_SECRET_NAME: 'missing' }))).rejects.toThrow(/Cannot read the secret "missing" \(us-east-1\): ResourceNotFoundException/);
      f.secrets.set('broken', '{"password":');
      await expect(readSecret(env({ AWS_SECRET_NAME: 'broken' }))).rejects.toThrow(/Cannot use the secret "broken".*not a JSON object/);
      // Access denied is the configuration's too: no retry.
      f.failing.secretsmanager = 'User is not authorized to perform: secretsmanager:GetSecretValue';
      const before = f.calls.length;
      await expect(readSecret(env({ AWS_SECRET_NAME: 'broken' }), { retryMs: 5 })).rejects.toBeInstanceOf(ConfigError);
      expect(f.calls.length - before).toBe(1);
      delete f.failing.secretsmanager;
    });

    it('Secrets Manager not answering is retried with backoff, then a passing failure (the bot restarts, not stops)', async () => {
      f.secrets.set('flaky', JSON.stringify({ password: 'from-the-secret' }));
      // The SDK retries a 5xx itself (3 attempts per read); 4 failures need a second read.
      f.unavailable.secretsmanager = 4;
      const retries: number[] = [];
      expect(await readSecret(env({ AWS_SECRET_NAME: 'flaky' }), { retryMs: 5, onRetry: (_r, attempt) => retries.push(attempt) })).toEqual({ password: 'from-the-secret' });
      expect(retries).toEqual([1]);
      f.unavailable.secretsmanager = 1_000;
      const failed = readSecret(env({ AWS_SECRET_NAME: 'flaky' }), { retryMs: 5, attempts: 3 });
      await expect(failed).rejects.toBeInstanceOf(SecretUnavailable);
      await expect(failed).rejects.toThrow(/Cannot read the secret "flaky" \(us-east-1\): InternalServiceError.*restarts and tries again/);
      // The bot itself: the guide's critical event, then the restart exit code (not the final 78).
      const topic = 'arn:aws:sns:us-east-1:111122223333:secret-outage';
      f.topics.add(topic);
      const code = await runBot({ env: env({ AWS_SECRET_NAME: 'flaky', WICKRIO_SNS_TOPIC_ARN: topic, AWS_ENDPOINT_URL_SNS: f.endpoints.sns }), retryMs: 5, print: () => undefined });
      expect(code).toBe(EXIT_RESTART);
      const published = f.published().map((p) => JSON.parse(p.Message) as { message: string; severity: string });
      expect(published.at(-1)).toMatchObject({ severity: 'critical', message: expect.stringMatching(/Cannot read the secret "flaky".*restarts and tries again/) });
      f.unavailable.secretsmanager = 0;
    });
  });
});
