// Where `enclave admin` finds its access key, first match wins:
//   1. --access-key-id / --secret-access-key
//   2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
//   3. ENCLAVE_ROOT_ACCESS_KEY_ID / ENCLAVE_ROOT_SECRET_ACCESS_KEY (the server's preset root key)
//   4. <--data-dir, else ENCLAVE_DATA_DIR, else ./data>/bootstrap-credentials.json (written on first start)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT_CONFIG, usageError } from './errors.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they came from, for messages. */
  source: string;
}

export interface CredentialOptions {
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  dataDir?: string | undefined;
}

function pair(id: string | undefined, secret: string | undefined, idName: string, secretName: string, usage: boolean): Credentials | undefined {
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    const msg = `${id ? idName : secretName} is set but ${id ? secretName : idName} is not; set both`;
    throw usage ? usageError(msg) : new CliError(msg, EXIT_CONFIG);
  }
  return { accessKeyId: id, secretAccessKey: secret, source: idName };
}

export function resolveCredentials(opts: CredentialOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Credentials {
  const found =
    pair(opts.accessKeyId, opts.secretAccessKey, '--access-key-id', '--secret-access-key', true) ??
    pair(env.AWS_ACCESS_KEY_ID || undefined, env.AWS_SECRET_ACCESS_KEY || undefined, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', false) ??
    pair(env.ENCLAVE_ROOT_ACCESS_KEY_ID || undefined, env.ENCLAVE_ROOT_SECRET_ACCESS_KEY || undefined, 'ENCLAVE_ROOT_ACCESS_KEY_ID', 'ENCLAVE_ROOT_SECRET_ACCESS_KEY', false);
  if (found) return found;

  const file = resolve(cwd, opts.dataDir ?? (env.ENCLAVE_DATA_DIR || './data'), 'bootstrap-credentials.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new CliError(
      code === 'ENOENT'
        ? `Unable to locate credentials: give --access-key-id/--secret-access-key, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ENCLAVE_ROOT_ACCESS_KEY_ID/ENCLAVE_ROOT_SECRET_ACCESS_KEY, or point --data-dir at the server's data directory (no ${file})`
        : `Unable to read credentials from ${file}: ${(err as Error).message}`,
      EXIT_CONFIG,
    );
  }
  let parsed: { accessKeyId?: unknown; secretAccessKey?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (err) {
    throw new CliError(`Unable to read credentials from ${file}: invalid JSON: ${(err as Error).message}`, EXIT_CONFIG);
  }
  if (typeof parsed?.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
    throw new CliError(`Unable to read credentials from ${file}: accessKeyId and secretAccessKey are missing`, EXIT_CONFIG);
  }
  return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey, source: file };
}
