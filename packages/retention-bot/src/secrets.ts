/**
 * secrets.ts — owns reading the Secrets Manager secret named by AWS_SECRET_NAME (region
 * AWS_SECRET_REGION, else AWS_DEFAULT_REGION, else us-east-1) and turning it into the guide's
 * secret values. An unreadable or malformed secret is a ConfigError naming the secret (never its
 * content).
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { awsErrorText, secretsClient } from './aws.js';
import { ConfigError, parseSecret, secretLocation, type Env, type SecretValues } from './settings.js';

export async function readSecret(env: Env): Promise<SecretValues> {
  const loc = secretLocation(env);
  if (!loc) return {};
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  const client = secretsClient({ region: loc.region, env, ...(endpoint ? { endpoint } : {}) });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: loc.name }));
    const text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
    if (text === undefined) throw new ConfigError(`The secret "${loc.name}" has no value.`);
    return parseSecret(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`Cannot use the secret "${loc.name}" (${loc.region}): ${err.message}`);
    throw new ConfigError(`Cannot read the secret "${loc.name}" (${loc.region}): ${awsErrorText(err)}`);
  } finally {
    client.destroy();
  }
}
