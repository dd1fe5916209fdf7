/**
 * settings.ts — owns the bot's configuration: the guide's WICKRIO_* environment variables and
 * AWS_* variables, merged with the Secrets Manager secret's keys (password, s3_bucket_name,
 * s3_region, s3_folder_name, kms_master_key_arn, kms_region, sns_topic_arn), defaults, and the
 * validation that names the offending setting. An explicit environment variable wins over the
 * secret's key. Pure: reads only the maps it is given; never logs or prints a password.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

/** The keys a Secrets Manager secret may hold (the guide's list). */
export interface SecretValues {
  password?: string;
  s3_bucket_name?: string;
  s3_region?: string;
  s3_folder_name?: string;
  kms_master_key_arn?: string;
  kms_region?: string;
  sns_topic_arn?: string;
}
export const SECRET_KEYS = ['password', 's3_bucket_name', 's3_region', 's3_folder_name', 'kms_master_key_arn', 'kms_region', 'sns_topic_arn'] as const;

export type AwsService = 's3' | 'kms' | 'sns' | 'cloudwatch' | 'secretsmanager';

export interface Settings {
  botName: string;
  /** From WICKRIO_BOT_PASSWORD or the secret's `password`; undefined → prompt on a TTY. */
  password?: string;
  passwordSource?: 'env' | 'secret';
  rotatePassword?: string;
  /** The Enclave server (an extension: AWS Wickr has one fixed endpoint). */
  server: string;
  /** /tmp/<botname>: the volume the guide mounts; holds the profile, state and logs. */
  home: string;
  profileDir: string;
  stateDir: string;
  logDir: string;
  mesgDest: string;
  fileDest: string;
  baseName: string;
  /** WICKRIO_COMP_FILESIZE in KiB, as bytes. */
  fileSizeBytes: number;
  /** WICKRIO_COMP_TIMEROTATE in minutes, as ms (0 = never). */
  timeRotateMs: number;
  s3?: { bucket: string; region: string; folder: string };
  kms?: { keyArn: string; region: string };
  snsTopicArn?: string;
  snsRegion: string;
  metricsType?: 'cloudwatch';
  prometheus?: { host: string; port: number };
  defaultRegion: string;
  secret?: { name: string; region: string };
  endpoints: Partial<Record<AwsService, string>>;
  device: string;
  dockerImage: string;
  dockerTag: string;
  product: string;
  watchdogMinutes: number;
  updateFeed?: string;
  logMaxBytes: number;
  metricsIntervalMs: number;
}

/** A configuration problem: the bot stops with this message and does not restart. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const VERSION = '0.1.0';
export const DEFAULT_FILESIZE_KIB = 1_000_000_000;

function intSetting(env: Env, name: string, def: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min} (got "${raw}").`);
  return n;
}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

/** The region in an ARN (arn:aws:<svc>:<region>:…), if any. */
export function arnRegion(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

/** The network ID in a bot name compliance_<networkId>_bot. */
export function networkOf(botName: string): string {
  return /^compliance_(.+)_bot$/.exec(botName)?.[1] ?? '';
}

/** The endpoint override of one AWS service: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL. */
function endpointOf(env: Env, svc: AwsService): string | undefined {
  const names: Record<AwsService, string> = { s3: 'S3', kms: 'KMS', sns: 'SNS', cloudwatch: 'CLOUDWATCH', secretsmanager: 'SECRETS_MANAGER' };
  return nonEmpty(env[`AWS_ENDPOINT_URL_${names[svc]}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

/** The Secrets Manager secret to read before the rest, if AWS_SECRET_NAME is set. */
export function secretLocation(env: Env): { name: string; region: string } | undefined {
  const name = nonEmpty(env.AWS_SECRET_NAME);
  if (!name) return undefined;
  return { name, region: nonEmpty(env.AWS_SECRET_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1' };
}

/** Validates a parsed secret: a JSON object of strings whose keys are the guide's. */
export function parseSecret(text: string): SecretValues {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ConfigError('The Secrets Manager secret is not a JSON object.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('The Secrets Manager secret is not a JSON object.');
  const out: SecretValues = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (!(SECRET_KEYS as readonly string[]).includes(k)) continue;
    if (typeof val !== 'string') throw new ConfigError(`The secret's key "${k}" must be a string.`);
    out[k as keyof SecretValues] = val;
  }
  return out;
}

/** Builds the settings from the environment and the (optional) secret's values. */
export function loadSettings(env: Env, secret: SecretValues = {}): Settings {
  const botName = nonEmpty(env.WICKRIO_BOT_NAME);
  if (!botName) throw new ConfigError('WICKRIO_BOT_NAME is required: the data retention bot\'s user name (compliance_<networkId>_bot).');
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(botName)) throw new ConfigError('WICKRIO_BOT_NAME may only contain letters, digits, "_", "." and "-".');
  const home = nonEmpty(env.ENCLAVE_RETENTION_HOME) ?? join('/tmp', botName);
  const defaultRegion = nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';

  const envPassword = env.WICKRIO_BOT_PASSWORD !== undefined && env.WICKRIO_BOT_PASSWORD !== '' ? env.WICKRIO_BOT_PASSWORD : undefined;
  const password = envPassword ?? (secret.password ? secret.password : undefined);

  const bucket = nonEmpty(env.WICKRIO_S3_BUCKET_NAME) ?? nonEmpty(secret.s3_bucket_name);
  const s3Region = nonEmpty(env.WICKRIO_S3_REGION) ?? nonEmpty(secret.s3_region) ?? 'us-east-1';
  const folder = (nonEmpty(env.WICKRIO_S3_FOLDER_NAME) ?? nonEmpty(secret.s3_folder_name) ?? '').replace(/^\/+|\/+$/g, '');
  const keyArn = nonEmpty(env.WICKRIO_KMS_MSTRKEY_ARN) ?? nonEmpty(secret.kms_master_key_arn);
  const kmsRegion = nonEmpty(env.WICKRIO_KMS_REGION) ?? nonEmpty(secret.kms_region) ?? (keyArn ? arnRegion(keyArn) : undefined) ?? 'us-east-1';
  if (keyArn && !bucket) throw new ConfigError('WICKRIO_KMS_MSTRKEY_ARN re-encrypts what is stored in S3: set WICKRIO_S3_BUCKET_NAME too.');
  const snsTopicArn = nonEmpty(env.WICKRIO_SNS_TOPIC_ARN) ?? nonEmpty(secret.sns_topic_arn);

  const metrics = nonEmpty(env.WICKRIO_METRICS_TYPE);
  if (metrics !== undefined && metrics.toLowerCase() !== 'cloudwatch') throw new ConfigError(`WICKRIO_METRICS_TYPE must be "cloudwatch" (got "${metrics}").`);
  const promPort = nonEmpty(env.ENCLAVE_PROMETHEUS_PORT);

  const endpoints: Settings['endpoints'] = {};
  for (const svc of ['s3', 'kms', 'sns', 'cloudwatch', 'secretsmanager'] as const) {
    const e = endpointOf(env, svc);
    if (e) endpoints[svc] = e;
  }
  const rotate = env.WICKRIO_ROTATE_PASSWORD !== undefined && env.WICKRIO_ROTATE_PASSWORD !== '' ? env.WICKRIO_ROTATE_PASSWORD : undefined;
  const secretLoc = secretLocation(env);

  return {
    botName,
    ...(password !== undefined ? { password, passwordSource: envPassword !== undefined ? 'env' : 'secret' } : {}),
    ...(rotate !== undefined ? { rotatePassword: rotate } : {}),
    server: (nonEmpty(env.ENCLAVE_SERVER_URL) ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    home,
    profileDir: join(home, 'profile'),
    stateDir: join(home, 'state'),
    logDir: join(home, 'logs'),
    mesgDest: nonEmpty(env.WICKRIO_COMP_MESGDEST) ?? join('/tmp', botName, 'compliance', 'messages'),
    fileDest: nonEmpty(env.WICKRIO_COMP_FILEDEST) ?? join('/tmp', botName, 'compliance', 'attachments'),
    baseName: nonEmpty(env.WICKRIO_COMP_BASENAME) ?? 'receivedMessages',
    fileSizeBytes: intSetting(env, 'WICKRIO_COMP_FILESIZE', DEFAULT_FILESIZE_KIB, 1) * 1024,
    timeRotateMs: intSetting(env, 'WICKRIO_COMP_TIMEROTATE', 0, 0) * 60_000,
    ...(bucket ? { s3: { bucket, region: s3Region, folder } } : {}),
    ...(keyArn ? { kms: { keyArn, region: kmsRegion } } : {}),
    ...(snsTopicArn ? { snsTopicArn } : {}),
    snsRegion: (snsTopicArn && arnRegion(snsTopicArn)) || defaultRegion,
    ...(metrics ? { metricsType: 'cloudwatch' as const } : {}),
    ...(promPort !== undefined ? { prometheus: { host: nonEmpty(env.ENCLAVE_PROMETHEUS_HOST) ?? '127.0.0.1', port: intSetting(env, 'ENCLAVE_PROMETHEUS_PORT', 0, 0) } } : {}),
    defaultRegion,
    ...(secretLoc ? { secret: secretLoc } : {}),
    endpoints,
    device: nonEmpty(env.ENCLAVE_DEVICE_NAME) ?? `Desktop ${hostname().replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 'retention'}`,
    dockerImage: nonEmpty(env.ENCLAVE_DOCKER_IMAGE) ?? 'enclave/retention-bot',
    dockerTag: nonEmpty(env.ENCLAVE_DOCKER_TAG) ?? VERSION,
    product: nonEmpty(env.ENCLAVE_PRODUCT) ?? 'WickrEnterprise_Production',
    watchdogMinutes: intSetting(env, 'ENCLAVE_WATCHDOG_MINUTES', 5, 1),
    ...(nonEmpty(env.ENCLAVE_UPDATE_FEED) ? { updateFeed: nonEmpty(env.ENCLAVE_UPDATE_FEED)! } : {}),
    logMaxBytes: intSetting(env, 'ENCLAVE_LOG_MAX_BYTES', 10 * 1024 * 1024, 1024),
    metricsIntervalMs: intSetting(env, 'ENCLAVE_METRICS_INTERVAL_MS', 60_000, 100),
  };
}

/** Non-fatal advice printed at start (the guide's notes). */
export function settingWarnings(s: Settings): string[] {
  const out: string[] = [];
  if (s.s3 && s.timeRotateMs === 0 && s.fileSizeBytes === DEFAULT_FILESIZE_KIB * 1024) {
    out.push('WICKRIO_S3_BUCKET_NAME is set but WICKRIO_COMP_TIMEROTATE is 0: message files are never rotated, so they are never sent to S3 (10 minutes is a good start).');
  }
  return out;
}
