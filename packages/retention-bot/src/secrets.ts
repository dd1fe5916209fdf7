/**
 * secrets.ts — owns reading the Secrets Manager secret named by AWS_SECRET_NAME (region
 * AWS_SECRET_REGION, else AWS_DEFAULT_REGION, else us-east-1) and turning it into the guide's
 * secret values. A secret that cannot be used (not found, access denied, malformed) is a ConfigError
 * naming the secret (never its content); Secrets Manager not answering (network, throttling, 5xx) is
 * retried with backoff and then a SecretUnavailable, which restarts the bot instead of stopping it.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { awsErrorText, isTransientAwsError, secretsClient } from './aws.js';
import { ConfigError, parseSecret, secretLocation, type Env, type SecretValues } from './settings.js';

/** Secrets Manager did not answer, after the retries: a passing failure (the bot restarts). */
export class SecretUnavailable extends Error {
  override name = 'SecretUnavailable';
}

export interface ReadSecretOptions {
  /** Reads before giving up on a failure that may pass (default 6: 1 + 2 + 4 + 8 + 16 s apart). */
  attempts?: number;
  /** First delay between reads (doubles each time). */
  retryMs?: number;
  onRetry?: (reason: string, attempt: number) => void;
  /** A stop (SIGTERM) ends the waiting between reads. */
  signal?: AbortSignal;
}

export async function readSecret(env: Env, o: ReadSecretOptions = {}): Promise<SecretValues> {
  const loc = secretLocation(env);
  if (!loc) return {};
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  const client = secretsClient({ region: loc.region, env, ...(endpoint ? { endpoint } : {}) });
  const attempts = o.attempts ?? 6;
  let delay = o.retryMs ?? 1000;
  try {
    for (let attempt = 1; ; attempt++) {
      let out;
      try {
        out = await client.send(new GetSecretValueCommand({ SecretId: loc.name }));
      } catch (err) {
        const reason = `Cannot read the secret "${loc.name}" (${loc.region}): ${awsErrorText(err)}`;
        if (!isTransientAwsError(err)) throw new ConfigError(reason);
        if (attempt >= attempts || o.signal?.aborted) throw new SecretUnavailable(`${reason}. The bot restarts and tries again.`);
        o.onRetry?.(reason, attempt);
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, delay);
          function done() {
            clearTimeout(t);
            o.signal?.removeEventListener('abort', done);
            resolve();
          }
          o.signal?.addEventListener('abort', done, { once: true });
        });
        delay *= 2;
        continue;
      }
      const text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
      try {
        if (text === undefined) throw new ConfigError(`The secret "${loc.name}" has no value.`);
        return parseSecret(text);
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(`Cannot use the secret "${loc.name}" (${loc.region}): ${err.message}`);
        throw err;
      }
    }
  } finally {
    client.destroy();
  }
}
