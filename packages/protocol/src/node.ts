// @enclave/protocol/node: installs OpenSSL (node:crypto) implementations of the hot primitives —
// AES-256-GCM, Ed25519 signing and verification, HMAC / HKDF-SHA-256 — in place of WebCrypto's asynchronous jobs, which cost
// tens of microseconds each in Node. Same contracts; the property tests run both paths.
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
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

// ---- Ed25519 verification on a worker thread ----------------------------------------------------

/** The worker: verifies batches with OpenSSL, public keys cached as KeyObjects. CommonJS, eval'd. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI = Buffer.from('${ED25519_SPKI.toString('hex')}', 'hex');
const keys = new Map();
parentPort.on('message', ({ ids, items }) => {
  const results = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const [pub, message, signature] = items[i];
    try {
      const id = Buffer.from(pub).toString('hex');
      let k = keys.get(id);
      if (!k) {
        k = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' });
        if (keys.size >= 512) keys.delete(keys.keys().next().value);
        keys.set(id, k);
      }
      results[i] = verify(null, message, k, signature) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  parentPort.postMessage({ ids, results });
});
`;

/**
 * An AheadVerifier backed by one worker thread: requests made in one turn of the event loop go to
 * the worker as one batch. The worker is started on first use and does not keep the process alive;
 * if it fails, pending and later requests reject (verifyAsync then verifies in line).
 */
export function workerVerifier(): AheadVerifier & { close(): Promise<void> } {
  let worker: Worker | undefined;
  let broken: Error | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
  let batch: { ids: number[]; items: [Uint8Array, Uint8Array, Uint8Array][] } | undefined;

  const fail = (err: Error) => {
    broken = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', ({ ids, results }: { ids: number[]; results: Uint8Array }) => {
      for (let i = 0; i < ids.length; i++) {
        const p = pending.get(ids[i]!);
        pending.delete(ids[i]!);
        p?.resolve(results[i] === 1);
      }
      if (pending.size === 0) w.unref();
    });
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => {
      if (worker === w) fail(new Error(`the verification worker exited (${code})`));
    });
    return w;
  };
  const send = () => {
    const b = batch!;
    batch = undefined;
    try {
      worker ??= start();
      // Keep the process alive while answers are due.
      worker.ref();
      worker.postMessage(b);
    } catch (err) {
      fail(err as Error);
    }
  };

  const verifier = (pub: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    const result = new Promise<boolean>((resolve, reject) => pending.set(id, { resolve, reject }));
    if (!batch) {
      batch = { ids: [], items: [] };
      setImmediate(send);
    }
    batch.ids.push(id);
    batch.items.push([Uint8Array.from(pub), Uint8Array.from(message), Uint8Array.from(signature)]);
    return result;
  };
  return Object.assign(verifier, {
    async close() {
      const w = worker;
      worker = undefined;
      broken = new Error('the verification worker was closed');
      for (const p of pending.values()) p.reject(broken);
      pending.clear();
      await w?.terminate();
    },
  });
}

let sharedVerifier: ReturnType<typeof workerVerifier> | undefined;

/**
 * Verifies sender-key signatures of queued messages on a worker thread, ahead of their turn
 * (process-wide, idempotent): a receiver catching up on a backlog uses a second core for the
 * costliest step of each message. Results count only for the exact bytes they were computed on.
 */
export function installVerifyWorker(): void {
  sharedVerifier ??= workerVerifier();
  useVerifyAhead(sharedVerifier);
}
