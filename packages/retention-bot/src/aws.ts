/**
 * aws.ts — owns the construction of the AWS SDK v3 clients the bot uses (S3, KMS, SNS, CloudWatch,
 * Secrets Manager): region, the endpoint override (AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL,
 * path-style S3 addressing when S3 is overridden) and credentials (the environment map given, else
 * the SDK's default chain: instance role, profile, …). No calls are made here.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsService, Env } from './settings.js';

export interface AwsConfig {
  region: string;
  endpoint?: string;
  env: Env;
}

function common(c: AwsConfig) {
  const id = c.env.AWS_ACCESS_KEY_ID;
  const secret = c.env.AWS_SECRET_ACCESS_KEY;
  return {
    region: c.region,
    maxAttempts: 3,
    // The SDK's own console warnings (e.g. a non-retryable streaming upload) would bypass the bot's
    // log; failures reach the bot as errors and are logged there.
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    ...(id && secret ? { credentials: { accessKeyId: id, secretAccessKey: secret, ...(c.env.AWS_SESSION_TOKEN ? { sessionToken: c.env.AWS_SESSION_TOKEN } : {}) } } : {}),
  };
}

/** An overridden endpoint is an S3-compatible store: path-style keys, checksums only where required
 * (aws-chunked uploads with checksum trailers are an AWS extension many stores lack). */
export const s3Client = (c: AwsConfig) =>
  new S3Client({ ...common(c), ...(c.endpoint ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}) });
export const kmsClient = (c: AwsConfig) => new KMSClient(common(c));
export const snsClient = (c: AwsConfig) => new SNSClient(common(c));
export const cloudWatchClient = (c: AwsConfig) => new CloudWatchClient(common(c));
export const secretsClient = (c: AwsConfig) => new SecretsManagerClient(common(c));

export function awsConfig(env: Env, region: string, endpoints: Partial<Record<AwsService, string>>, svc: AwsService): AwsConfig {
  return { region, env, ...(endpoints[svc] ? { endpoint: endpoints[svc] } : {}) };
}

/** A short, single-line description of an AWS SDK error (name and message, never the request). */
/**
 * An AWS failure that may pass by itself: no HTTP answer (network, timeout), throttling or a 5xx.
 * (The SDK has already retried it `maxAttempts` times.) Anything else — access denied, not found, a
 * malformed request — is the configuration's.
 */
export function isTransientAwsError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  if (e.$retryable) return true;
  if (status === undefined) return true;
  if (status === 429 || status >= 500) return true;
  return ['ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'TimeoutError'].includes(e.name ?? '');
}

export function awsErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return `${e.name ?? 'Error'}: ${(e.message ?? String(err)).split('\n')[0]}${status}`;
}
