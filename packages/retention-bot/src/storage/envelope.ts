/**
 * storage/envelope.ts — owns the client-side envelope encryption of archived objects: a fresh AES-256
 * data key per object from KMS GenerateDataKey (the master key WICKRIO_KMS_MSTRKEY_ARN), the file
 * encrypted locally with AES-256-GCM in 64 KiB chunks, and the KMS-encrypted data key stored in the
 * object's own header, so an object is self-contained. Format:
 *   "ENCRET01" | u32 BE header length | header JSON | chunks
 *   header = { alg: "AES-256-GCM", kmsKeyId, encryptionContext, encryptedDataKey (base64), noncePrefix (base64, 8 bytes), chunkSize }
 *   chunk i = AES-256-GCM(ciphertext ‖ 16-byte tag), nonce = noncePrefix ‖ u32 BE i,
 *             AAD = SHA-256(header JSON) ‖ u32 BE i ‖ final flag (1 on the last chunk, which may be empty)
 * Truncation, reordering and tampering all fail authentication. The plaintext data key lives only in
 * memory while one object is processed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

export const MAGIC = Buffer.from('ENCRET01');
export const CHUNK = 64 * 1024;
const TAG = 16;

export interface EnvelopeHeader {
  alg: 'AES-256-GCM';
  kmsKeyId: string;
  encryptionContext: Record<string, string>;
  encryptedDataKey: string;
  noncePrefix: string;
  chunkSize: number;
}

function aad(headerHash: Buffer, index: number, final: boolean): Buffer {
  const b = Buffer.alloc(headerHash.length + 5);
  headerHash.copy(b, 0);
  b.writeUInt32BE(index, headerHash.length);
  b[headerHash.length + 4] = final ? 1 : 0;
  return b;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 8);
  n.writeUInt32BE(index, 8);
  return n;
}

/** Encrypts the file at `src` into `dst` under a new KMS data key. */
export async function encryptFile(kms: KMSClient, keyArn: string, context: Record<string, string>, src: string, dst: string): Promise<void> {
  const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }));
  if (!dk.Plaintext || !dk.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key.');
  const key = Buffer.from(dk.Plaintext);
  try {
    const header: EnvelopeHeader = {
      alg: 'AES-256-GCM',
      kmsKeyId: dk.KeyId ?? keyArn,
      encryptionContext: context,
      encryptedDataKey: Buffer.from(dk.CiphertextBlob).toString('base64'),
      noncePrefix: randomBytes(8).toString('base64'),
      chunkSize: CHUNK,
    };
    const hjson = Buffer.from(JSON.stringify(header));
    const hhash = createHash('sha256').update(hjson).digest();
    const prefix = Buffer.from(header.noncePrefix, 'base64');
    const input = await open(src, 'r');
    const output = await open(dst, 'w', 0o600);
    try {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(hjson.length);
      await output.write(Buffer.concat([MAGIC, len, hjson]));
      const size = (await input.stat()).size;
      const buf = Buffer.alloc(CHUNK);
      let offset = 0;
      for (let i = 0; ; i++) {
        const n = Math.min(CHUNK, size - offset);
        if (n > 0) await input.read(buf, 0, n, offset);
        offset += n;
        const final = offset >= size;
        const c = createCipheriv('aes-256-gcm', key, nonce(prefix, i));
        c.setAAD(aad(hhash, i, final));
        const out = Buffer.concat([c.update(buf.subarray(0, n)), c.final(), c.getAuthTag()]);
        await output.write(out);
        if (final) break;
      }
      await output.datasync();
    } catch (err) {
      await output.close().catch(() => undefined);
      await rm(dst, { force: true });
      throw err;
    } finally {
      await input.close();
      await output.close().catch(() => undefined);
    }
  } finally {
    key.fill(0);
  }
}

/** Reads the header of an envelope file (undefined when the file is not one). */
export async function readHeader(path: string): Promise<{ header: EnvelopeHeader; raw: Buffer; dataOffset: number } | undefined> {
  const fh = await open(path, 'r');
  try {
    const pre = Buffer.alloc(12);
    const { bytesRead } = await fh.read(pre, 0, 12, 0);
    if (bytesRead < 12 || !pre.subarray(0, 8).equals(MAGIC)) return undefined;
    const hlen = pre.readUInt32BE(8);
    if (hlen > 1 << 20) throw new Error('The envelope header is too large.');
    const raw = Buffer.alloc(hlen);
    await fh.read(raw, 0, hlen, 12);
    return { header: JSON.parse(raw.toString('utf8')) as EnvelopeHeader, raw, dataOffset: 12 + hlen };
  } finally {
    await fh.close();
  }
}

/** Decrypts an envelope file into `dst` (KMS Decrypt of the data key); removes `dst` on any failure. */
export async function decryptFile(kms: KMSClient, src: string, dst: string): Promise<EnvelopeHeader> {
  const h = await readHeader(src);
  if (!h) throw new Error(`${src} is not an encrypted archive object (no ENCRET01 header).`);
  const { header, raw, dataOffset } = h;
  const dk = await kms.send(
    new DecryptCommand({ CiphertextBlob: Buffer.from(header.encryptedDataKey, 'base64'), EncryptionContext: header.encryptionContext, KeyId: header.kmsKeyId }),
  );
  if (!dk.Plaintext) throw new Error('KMS Decrypt returned no key.');
  const key = Buffer.from(dk.Plaintext);
  const hhash = createHash('sha256').update(raw).digest();
  const prefix = Buffer.from(header.noncePrefix, 'base64');
  const input = await open(src, 'r');
  const output = await open(dst, 'w', 0o600);
  try {
    const size = (await input.stat()).size;
    const step = header.chunkSize + TAG;
    const buf = Buffer.alloc(step);
    let offset = dataOffset;
    for (let i = 0; ; i++) {
      const n = Math.min(step, size - offset);
      if (n < TAG) throw new Error('The object is truncated.');
      await input.read(buf, 0, n, offset);
      offset += n;
      const final = offset >= size;
      const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, i));
      d.setAAD(aad(hhash, i, final));
      d.setAuthTag(buf.subarray(n - TAG, n));
      await output.write(Buffer.concat([d.update(buf.subarray(0, n - TAG)), d.final()]));
      if (final) break;
    }
    await output.close();
    return header;
  } catch (err) {
    await output.close().catch(() => undefined);
    await rm(dst, { force: true });
    throw new Error(`Decryption failed: ${(err as Error).message === 'Unsupported state or unable to authenticate data' ? 'the object was modified or truncated' : (err as Error).message}`);
  } finally {
    key.fill(0);
    await input.close();
  }
}
