/**
 * decrypt.ts — owns `enclave-retention-bot decrypt`: restores the plaintext of an archived object the
 * bot encrypted with a KMS data key (storage/envelope.ts), from a local file or straight from S3, for
 * an operator whose credentials allow kms:Decrypt on the master key (the bot itself only needs
 * kms:GenerateDataKey). Writes the plaintext only after every chunk authenticated.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { arnRegion, type Env } from './settings.js';
import { kmsClient, s3Client } from './aws.js';
import { decryptFile, readHeader } from './storage/envelope.js';

export const DECRYPT_USAGE = `Usage: enclave-retention-bot decrypt (--in FILE | --bucket NAME --key KEY [--s3-region R]) --out FILE [--kms-region R]

Restores an archived message file or attachment that the bot encrypted with a KMS data key.
Needs credentials allowed kms:Decrypt on the master key (and s3:GetObject with --bucket).
Endpoints can be overridden with AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL_S3.
`;

export async function decryptCommand(argv: string[], env: Env, out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { in: { type: 'string' }, out: { type: 'string' }, bucket: { type: 'string' }, key: { type: 'string' }, 's3-region': { type: 'string' }, 'kms-region': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    out(DECRYPT_USAGE);
    return 0;
  }
  if (!values.out || (!values.in && !(values.bucket && values.key))) {
    out(DECRYPT_USAGE);
    return 2;
  }
  const region = env.AWS_DEFAULT_REGION || 'us-east-1';
  let src = values.in;
  let tmp: string | undefined;
  try {
    if (!src) {
      tmp = mkdtempSync(join(tmpdir(), 'enclave-decrypt-'));
      src = join(tmp, 'object');
      const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
      const s3 = s3Client({ region: values['s3-region'] || region, env, ...(endpoint ? { endpoint } : {}) });
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: values.bucket, Key: values.key }));
        await pipeline(obj.Body as Readable, createWriteStream(src, { mode: 0o600 }));
      } finally {
        s3.destroy();
      }
    }
    const h = await readHeader(src);
    if (!h) throw new Error('The object is not encrypted by the bot (no ENCRET01 header): it is already plaintext.');
    const endpoint = env.AWS_ENDPOINT_URL_KMS || env.AWS_ENDPOINT_URL;
    const kms = kmsClient({ region: values['kms-region'] || arnRegion(h.header.kmsKeyId) || region, env, ...(endpoint ? { endpoint } : {}) });
    try {
      await decryptFile(kms, src, values.out);
    } finally {
      kms.destroy();
    }
    out(`Decrypted to ${values.out}\n`);
    return 0;
  } catch (err) {
    out(`enclave-retention-bot: error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
