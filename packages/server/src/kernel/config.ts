// Server configuration from flags and environment variables, validated up front: a bad setting stops
// the process with a message that names it.
import { resolve } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  region: string;
  /** Largest request body accepted by the admin API, bytes. */
  bodyLimit: number;
  rootAccessKeyId: string | undefined;
  rootSecretAccessKey: string | undefined;
  masterKey: string | undefined;
  logLevel: string;
  /** PostgreSQL schema to use instead of public (tests use a throw-away schema). */
  databaseSchema: string | undefined;
  /** Where CloudTrail log files and digests are delivered. */
  /** Where encrypted file chunks are kept. */
  blobs: { kind: 'dir'; dir: string } | { kind: 's3'; bucket: string; prefix: string | undefined; endpoint: string | undefined; region: string | undefined };
  /** How nodes tell each other about new messages: in-process (one node) or NATS (several nodes). */
  bus: { kind: 'memory' } | { kind: 'nats'; servers: string; namespace: string };
  /** The base URL members use, for links in emails (defaults to the listening address). */
  publicUrl: string | undefined;
  /** Outgoing email written as .eml files here (the embedded default, when no SMTP server is set). */
  outboxDir: string;
  /** Outgoing email: through this SMTP server when set (ENCLAVE_SMTP_URL), else to outboxDir. */
  smtp: SmtpSettings | undefined;
  /** The From header of outgoing email (ENCLAVE_MAIL_FROM). */
  mailFrom: string;
  audit: {
    intervalMinutes: number;
    target: { kind: 'dir'; dir: string } | { kind: 's3'; bucket: string; prefix: string | undefined; endpoint: string | undefined; region: string | undefined };
  };
}

export class ConfigError extends Error {}

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  /** The URL with the password masked, for messages and logs. */
  display: string;
}

const SMTP_URL_FORMAT = 'expected smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]';

/**
 * Parses ENCLAVE_SMTP_URL. A message about a bad URL never repeats the password: a URL that cannot
 * be parsed is not echoed at all, one that can is shown with the password masked.
 */
export function parseSmtpUrl(raw: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`invalid ENCLAVE_SMTP_URL: not a valid URL (check the port, and percent-encode special characters of the password); ${SMTP_URL_FORMAT}`);
  }
  const credentials = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  const display = `${url.protocol}//${credentials}${url.host}${url.pathname === '/' ? '' : url.pathname}${url.search}${url.hash}`;
  const bad = (why: string) => new ConfigError(`invalid ENCLAVE_SMTP_URL "${display}": ${why}; ${SMTP_URL_FORMAT}`);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw bad(`the scheme is ${url.protocol.replace(/:$/, '')}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') throw bad('no path, query or fragment is allowed');
  let user: string | undefined;
  let password: string | undefined;
  try {
    user = url.username ? decodeURIComponent(url.username) : undefined;
    password = url.password ? decodeURIComponent(url.password) : undefined;
  } catch {
    throw bad('the user name or password is not correctly percent-encoded');
  }
  if (password !== undefined && user === undefined) throw bad('a password needs a user name');
  if (user !== undefined && password === undefined) throw bad('a user name needs a password (user:password@host)');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 25;
  if (port < 1) throw bad('the port must be from 1 to 65535');
  return { host, port, secure, user, password, display };
}

const MAIL_ADDRESS_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Validates ENCLAVE_MAIL_FROM: `address@domain` or `Display Name <address@domain>`, one line. */
export function parseMailFrom(raw: string): string {
  const v = raw.trim();
  const bad = () => new ConfigError(`invalid ENCLAVE_MAIL_FROM "${v.replace(/[\r\n]/g, ' ')}": expected an email address, optionally with a display name, such as Enclave <no-reply@example.com>`);
  if (/[\r\n]/.test(v) || v.length > 320) throw bad();
  const named = /^([^<>"]*|"[^"]*")\s*<([^<>\s]+)>$/.exec(v);
  const address = named ? named[2]! : v;
  if (!MAIL_ADDRESS_RE.test(address)) throw bad();
  return v;
}

/** The default sender: no-reply at the public URL's host when that is a DNS name, else at localhost. */
export function defaultMailFrom(publicUrl: string | undefined): string {
  const host = publicUrl ? new URL(publicUrl).hostname : '';
  const dnsName = /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/^[0-9.]+$/.test(host);
  return `Enclave <no-reply@${dnsName ? host.toLowerCase() : 'localhost'}>`;
}

export interface ConfigInput {
  host?: string | undefined;
  port?: string | number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  region?: string | undefined;
  logLevel?: string | undefined;
}

const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const host = flags.host ?? env.ENCLAVE_HOST ?? '127.0.0.1';
  const portRaw = flags.port ?? env.ENCLAVE_PORT ?? '8080';
  const port = Number(portRaw);
  if (!/^\d+$/.test(String(portRaw)) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`invalid --port / ENCLAVE_PORT "${portRaw}": expected an integer from 0 to 65535 (0 = any free port)`);
  }
  if (!host.trim()) throw new ConfigError('invalid --host / ENCLAVE_HOST: must not be empty');
  const region = flags.region ?? env.ENCLAVE_REGION ?? 'us-east-1';
  if (!REGION_RE.test(region)) throw new ConfigError(`invalid --region / ENCLAVE_REGION "${region}": expected an AWS region name such as us-east-1`);
  const databaseUrl = flags.databaseUrl ?? env.ENCLAVE_DATABASE_URL ?? undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('invalid --database-url / ENCLAVE_DATABASE_URL: expected postgres://user@host:port/database');
  }
  const dataDir = resolve(flags.dataDir ?? env.ENCLAVE_DATA_DIR ?? './data');
  const logLevel = flags.logLevel ?? env.ENCLAVE_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`invalid ENCLAVE_LOG_LEVEL "${logLevel}": one of ${LOG_LEVELS.join(', ')}`);
  const rootAccessKeyId = env.ENCLAVE_ROOT_ACCESS_KEY_ID || undefined;
  const rootSecretAccessKey = env.ENCLAVE_ROOT_SECRET_ACCESS_KEY || undefined;
  if (Boolean(rootAccessKeyId) !== Boolean(rootSecretAccessKey)) {
    throw new ConfigError('ENCLAVE_ROOT_ACCESS_KEY_ID and ENCLAVE_ROOT_SECRET_ACCESS_KEY must be set together');
  }
  if (rootAccessKeyId && !/^[A-Z0-9]{16,128}$/.test(rootAccessKeyId)) {
    throw new ConfigError('invalid ENCLAVE_ROOT_ACCESS_KEY_ID: 16-128 upper-case letters and digits');
  }
  if (rootSecretAccessKey && rootSecretAccessKey.length < 16) {
    throw new ConfigError('invalid ENCLAVE_ROOT_SECRET_ACCESS_KEY: at least 16 characters');
  }
  const bodyLimitRaw = env.ENCLAVE_BODY_LIMIT ?? String(1024 * 1024);
  const bodyLimit = Number(bodyLimitRaw);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new ConfigError(`invalid ENCLAVE_BODY_LIMIT "${bodyLimitRaw}": bytes, at least 1024`);
  const intervalRaw = env.ENCLAVE_AUDIT_INTERVAL_MINUTES ?? '5';
  const intervalMinutes = Number(intervalRaw);
  if (!/^\d+$/.test(intervalRaw) || intervalMinutes < 1 || intervalMinutes > 60) {
    throw new ConfigError(`invalid ENCLAVE_AUDIT_INTERVAL_MINUTES "${intervalRaw}": whole minutes from 1 to 60`);
  }
  const bucket = env.ENCLAVE_AUDIT_S3_BUCKET || undefined;
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(`invalid ENCLAVE_AUDIT_S3_BUCKET "${bucket}": an S3 bucket name`);
  }
  const s3Endpoint = env.ENCLAVE_AUDIT_S3_ENDPOINT || undefined;
  if (s3Endpoint !== undefined && !/^https?:\/\//.test(s3Endpoint)) throw new ConfigError(`invalid ENCLAVE_AUDIT_S3_ENDPOINT "${s3Endpoint}": an http(s) URL`);
  const audit: ServerConfig['audit'] = {
    intervalMinutes,
    target: bucket
      ? { kind: 's3', bucket, prefix: env.ENCLAVE_AUDIT_S3_PREFIX || undefined, endpoint: s3Endpoint, region: env.ENCLAVE_AUDIT_S3_REGION || region }
      : { kind: 'dir', dir: resolve(env.ENCLAVE_AUDIT_DIR ?? resolve(dataDir, 'cloudtrail')) },
  };
  const blobBucket = env.ENCLAVE_BLOB_S3_BUCKET || undefined;
  if (blobBucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(blobBucket)) {
    throw new ConfigError(`invalid ENCLAVE_BLOB_S3_BUCKET "${blobBucket}": an S3 bucket name`);
  }
  const blobEndpoint = env.ENCLAVE_BLOB_S3_ENDPOINT || undefined;
  if (blobEndpoint !== undefined && !/^https?:\/\//.test(blobEndpoint)) throw new ConfigError(`invalid ENCLAVE_BLOB_S3_ENDPOINT "${blobEndpoint}": an http(s) URL`);
  const blobs: ServerConfig['blobs'] = blobBucket
    ? { kind: 's3', bucket: blobBucket, prefix: env.ENCLAVE_BLOB_S3_PREFIX || undefined, endpoint: blobEndpoint, region: env.ENCLAVE_BLOB_S3_REGION || region }
    : { kind: 'dir', dir: resolve(env.ENCLAVE_BLOB_DIR ?? resolve(dataDir, 'blobs')) };
  const natsUrl = env.ENCLAVE_NATS_URL || undefined;
  if (natsUrl !== undefined && !/^(nats|tls|wss?):\/\//.test(natsUrl.split(',')[0]!)) throw new ConfigError(`invalid ENCLAVE_NATS_URL "${natsUrl}": nats://host:port (comma-separated for a cluster)`);
  const namespace = env.ENCLAVE_BUS_NAMESPACE || 'enclave';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(namespace)) throw new ConfigError(`invalid ENCLAVE_BUS_NAMESPACE "${namespace}": 1-64 characters of A-Z, a-z, 0-9, _ and -`);
  const bus: ServerConfig['bus'] = natsUrl ? { kind: 'nats', servers: natsUrl, namespace } : { kind: 'memory' };
  const publicUrl = env.ENCLAVE_PUBLIC_URL ? env.ENCLAVE_PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl !== undefined && (!/^https?:\/\//.test(publicUrl) || !URL.canParse(publicUrl))) throw new ConfigError(`invalid ENCLAVE_PUBLIC_URL "${publicUrl}": an http(s) URL`);
  const smtp = env.ENCLAVE_SMTP_URL ? parseSmtpUrl(env.ENCLAVE_SMTP_URL) : undefined;
  const mailFrom = env.ENCLAVE_MAIL_FROM ? parseMailFrom(env.ENCLAVE_MAIL_FROM) : defaultMailFrom(publicUrl);
  return {
    smtp,
    mailFrom,
    blobs,
    bus,
    publicUrl,
    outboxDir: resolve(env.ENCLAVE_OUTBOX_DIR ?? resolve(dataDir, 'outbox')),
    audit,
    host,
    port,
    dataDir,
    databaseUrl,
    region,
    bodyLimit,
    rootAccessKeyId,
    rootSecretAccessKey,
    masterKey: env.ENCLAVE_MASTER_KEY || undefined,
    logLevel,
    databaseSchema: env.ENCLAVE_DATABASE_SCHEMA || undefined,
  };
}
