// @enclave/protocol/node: installs OpenSSL (node:crypto) implementations of the hot primitives —
// AES-256-GCM, Ed25519 signing and verification, HMAC / HKDF-SHA-256 — in place of WebCrypto's asynchronous jobs, which cost
// tens of microseconds each in Node. Same contracts; the property tests run both paths.
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { useNativeCrypto, useVerifyAhead, type AheadVerifier, type NativeCrypto } from './crypto/primitives.js';

const TAG = 16;
/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410). */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
/** DER PKCS#8 prefix of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const keys = new Map<string, KeyObject>();
/** Signing keys by seed (a device signs with few: its identity and its sender keys). */
const signingKeys = new Map<string, KeyObject>();

function privateKey(seed: Uint8Array): KeyObject {
  const id = Buffer.from(seed).toString('base64');
  let k = signingKeys.get(id);
  if (!k) {
    k = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
    if (signingKeys.size >= 64) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, k);
  }
  return k;
}

function publicKey(pub: Uint8Array): KeyObject {
  const id = Buffer.from(pub).toString('hex');
  let k = keys.get(id);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([ED25519_SPKI, pub]), format: 'der', type: 'spki' });
    if (keys.size >= 512) keys.delete(keys.keys().next().value!);
    keys.set(id, k);
  }
  return k;
}

export const nodeCrypto: NativeCrypto = {
  aesGcmEncrypt(key, nonce, plaintext, ad) {
    const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
    c.setAAD(ad);
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
  aesGcmDecrypt(key, nonce, ciphertext, ad) {
    const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
    d.setAAD(ad);
    d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
    const out = Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - TAG)), d.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
  ed25519Sign(seed, message) {
    const sig = sign(null, message, privateKey(seed));
    return new Uint8Array(sig.buffer, sig.byteOffset, sig.length);
  },
  ed25519Verify(pub, message, signature) {
    try {
      return verify(null, message, publicKey(pub), signature);
    } catch {
      return false;
    }
  },
  hmacSha256(key, data) {
    const mac = createHmac('sha256', key).update(data).digest();
    return new Uint8Array(mac.buffer, mac.byteOffset, mac.length);
  },
  hkdfSha256(ikm, salt, info, length) {
    // RFC 5869 with createHmac: hkdfSync builds a KeyObject per call, which costs more than the
    // three or so HMACs a message key needs.
    const prk = createHmac('sha256', salt).update(ikm).digest();
    const out = Buffer.allocUnsafe(Math.ceil(length / 32) * 32);
    let t: Buffer = Buffer.alloc(0);
    for (let i = 0; i * 32 < length; i++) {
      t = createHmac('sha256', prk).update(t).update(info).update(Uint8Array.of(i + 1)).digest();
      t.copy(out, i * 32);
    }
    prk.fill(0);
    t.fill(0);
    const okm = new Uint8Array(length);
    okm.set(out.subarray(0, length));
    out.fill(0);
    return okm;
  },
};

/** Uses node:crypto for AES-GCM, Ed25519, HMAC and HKDF from now on (idempotent). */
export function installNodeCrypto(): void {
  useNativeCrypto(nodeCrypto);
}

// ---- Ed25519 verification on libuv's thread pool --------------------------------------------------

/**
 * Verifications running on the thread pool at once. The pool (4 threads by default) also runs the
 * process's file-system work — a receiver's archive writes and fsyncs — in arrival order: a backlog
 * of a thousand queued verifications would delay each of those by a few hundred milliseconds, so
 * later ones wait here instead, and a pool thread stays free.
 */
const AHEAD_IN_FLIGHT = 3;

/**
 * An AheadVerifier on libuv's thread pool: node:crypto's `verify` with a callback runs OpenSSL's
 * Ed25519 verification as an asynchronous job, so the calling thread spends a few microseconds per
 * signature instead of the whole verification (~130-170 µs here), and the pool's threads use the
 * machine's other cores. At most `inFlight` run at once, the rest start in the order asked.
 * Public keys are parsed once (cached KeyObjects). A key OpenSSL refuses resolves false.
 */
export function threadPoolVerifier(inFlight = AHEAD_IN_FLIGHT): AheadVerifier {
  const waiting: { pub: Uint8Array; message: Uint8Array; signature: Uint8Array; resolve: (ok: boolean) => void }[] = [];
  let head = 0;
  let running = 0;
  const start = (pub: Uint8Array, message: Uint8Array, signature: Uint8Array, resolve: (ok: boolean) => void): void => {
    let key: KeyObject;
    try {
      key = publicKey(pub);
    } catch {
      resolve(false);
      return;
    }
    running++;
    verify(null, message, key, signature, (err, ok) => {
      running--;
      resolve(!err && ok);
      next();
    });
  };
  const next = (): void => {
    while (running < inFlight && head < waiting.length) {
      const w = waiting[head]!;
      waiting[head++] = undefined!;
      if (head === waiting.length) {
        waiting.length = 0;
        head = 0;
      }
      start(w.pub, w.message, w.signature, w.resolve);
    }
  };
  return (pub, message, signature) =>
    new Promise<boolean>((resolve) => {
      waiting.push({ pub, message, signature, resolve });
      next();
    });
}

let sharedVerifier: AheadVerifier | undefined;

/**
 * Verifies sender-key signatures of queued messages ahead of their turn on the thread pool
 * (process-wide, idempotent): a receiver catching up on a backlog uses the other cores for the
 * costliest step of each message. Results count only for the exact bytes they were computed on
 * (primitives.ts, verifyAsync).
 */
export function installVerifyAhead(): void {
  sharedVerifier ??= threadPoolVerifier();
  useVerifyAhead(sharedVerifier);
}
