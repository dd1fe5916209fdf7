// The Ed25519 key that signs digest files. Created on first use in the data directory
// (audit-signing-key.pem, mode 0600); its public half is written next to it
// (audit-signing-public-key.pem) for whoever validates the trail.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-public-key.pem';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

function writeNew(path: string, text: string, mode: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, mode);
  return true;
}

/** The public key PEM (SPKI) of a signing key. */
export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Loads <dataDir>/audit-signing-key.pem, creating an Ed25519 key there on first use, and makes sure
 * <dataDir>/audit-signing-public-key.pem holds its public key. Returns the private key.
 */
export function loadAuditSigningKey(dataDir: string): KeyObject {
  mkdirSync(dataDir, { recursive: true });
  const keyPath = join(dataDir, SIGNING_KEY_FILE);
  let pem = readIfExists(keyPath);
  if (pem === undefined) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': when two processes start at once, one key wins and both use it.
    writeNew(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    pem = readFileSync(keyPath, 'utf8');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${keyPath} is not a PEM private key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${keyPath} holds a ${key.asymmetricKeyType} key; the audit trail signs with Ed25519`);

  const pubPath = join(dataDir, PUBLIC_KEY_FILE);
  const pub = publicKeyPem(key);
  if (readIfExists(pubPath) !== pub) {
    const tmp = `${pubPath}.tmp-${process.pid}`;
    writeFileSync(tmp, pub, { mode: 0o644 });
    renameSync(tmp, pubPath);
  }
  return key;
}
