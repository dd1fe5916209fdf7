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

// ---- Ed25519 verification on a low-priority worker thread ------------------------------------------

/**
 * The worker's code (CommonJS, run with `eval`: no file to locate next to the built module). It
 * lowers its own scheduling priority first — on Linux the nice value is per thread — so on a busy
 * machine the receiver's main thread is not preempted by verifications, which then run on
 * otherwise idle time. Requests come in packed batches (see workerVerifier); results go back in
 * chunks of a few, so the first messages of a large batch are not held up by the last.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const { nice, chunk, spki } = workerData;
try { require('node:os').setPriority(nice); } catch {}
const SPKI = Buffer.from(spki, 'hex');
const keys = new Map();
function key(pub) {
  const id = pub.toString('hex');
  let k = keys.get(id);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' });
    if (keys.size >= 512) keys.delete(keys.keys().next().value);
    keys.set(id, k);
  }
  return k;
}
parentPort.on('message', ({ first, count, buf }) => {
  const b = Buffer.from(buf);
  let off = 0;
  let out = new Uint8Array(Math.min(chunk, count));
  let from = first;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const pub = b.subarray(off, off + 32);
    const sig = b.subarray(off + 32, off + 96);
    const len = b.readUInt32BE(off + 96);
    const msg = b.subarray(off + 100, off + 100 + len);
    off += 100 + len;
    let ok = 0;
    try { ok = verify(null, msg, key(pub), sig) ? 1 : 0; } catch { ok = 0; }
    out[n++] = ok;
    if (n === out.length || i === count - 1) {
      parentPort.postMessage({ first: from, results: out }, [out.buffer]);
      from += n;
      n = 0;
      out = new Uint8Array(Math.min(chunk, count - i - 1) || 1);
    }
  }
});
`;

/**
 * An AheadVerifier on a dedicated worker thread running at a lower priority (nice +10). Requests
 * made in one turn of the event loop go to the worker as one packed, transferred buffer; results
 * come back in chunks of 8. A worker that fails resolves everything outstanding as "unknown"
 * (rejects), so verifyAsync checks those in line; the next request starts a new worker.
 */
export function workerVerifier(o: { nice?: number; chunk?: number } = {}): AheadVerifier & { close(): Promise<void> } {
  const workerData = { nice: o.nice ?? 10, chunk: o.chunk ?? 8, spki: ED25519_SPKI.toString('hex') };
  let worker: Worker | undefined;
  let next = 0;
  const outstanding = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
  let batch: { pub: Uint8Array; message: Uint8Array; signature: Uint8Array }[] = [];
  let batchFirst = 0;
  let scheduled = false;

  const failAll = (err: Error): void => {
    for (const p of outstanding.values()) p.reject(err);
    outstanding.clear();
    worker = undefined;
  };
  const ensure = (): Worker => {
    if (worker) return worker;
    const w = new Worker(WORKER_CODE, { eval: true, workerData });
    w.unref();
    w.on('message', ({ first, results }: { first: number; results: Uint8Array }) => {
      for (let i = 0; i < results.length; i++) {
        const p = outstanding.get(first + i);
        if (!p) continue;
        outstanding.delete(first + i);
        p.resolve(results[i] === 1);
      }
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', () => {
      if (worker === w) failAll(new Error('The verification worker stopped.'));
    });
    worker = w;
    return w;
  };
  const send = (): void => {
    scheduled = false;
    const items = batch;
    const first = batchFirst;
    batch = [];
    if (items.length === 0) return;
    let size = 0;
    for (const it of items) size += 100 + it.message.length;
    const buf = new ArrayBuffer(size);
    const bytes = new Uint8Array(buf);
    const view = new DataView(buf);
    let off = 0;
    for (const it of items) {
      bytes.set(it.pub, off);
      bytes.set(it.signature, off + 32);
      view.setUint32(off + 96, it.message.length);
      bytes.set(it.message, off + 100);
      off += 100 + it.message.length;
    }
    try {
      ensure().postMessage({ first, count: items.length, buf }, [buf]);
    } catch (err) {
      for (let i = 0; i < items.length; i++) {
        const p = outstanding.get(first + i);
        outstanding.delete(first + i);
        p?.reject(err as Error);
      }
    }
  };
  const verifier = (pub: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      if (pub.length !== 32 || signature.length !== 64) {
        resolve(false);
        return;
      }
      const id = next++;
      if (batch.length === 0) batchFirst = id;
      batch.push({ pub, message, signature });
      outstanding.set(id, { resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(send);
      }
    });
  return Object.assign(verifier, {
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      failAll(new Error('The verification worker was closed.'));
      await w?.terminate();
    },
  });
}

let sharedVerifier: AheadVerifier | undefined;

/**
 * Verifies sender-key signatures of queued messages ahead of their turn (process-wide, idempotent)
 * on a low-priority worker thread: a receiver catching up on a backlog uses another core for the
 * costliest step of each message, without that work preempting its main thread. Results count
 * only for the exact bytes they were computed on (primitives.ts, verifyAsync).
 */
export function installVerifyAhead(): void {
  sharedVerifier ??= workerVerifier();
  useVerifyAhead(sharedVerifier);
}
