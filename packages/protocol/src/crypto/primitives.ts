/**
 * primitives.ts — owns the thin, typed wrappers around the audited primitives
 * (noble X25519/Ed25519/ML-KEM-768/HKDF/HMAC/SHA-2 and WebCrypto AES-256-GCM),
 * the randomness source, and every domain-separation label used by the
 * protocol. Nothing here is home-made cryptography: only key/label plumbing.
 */
import { x25519, ed25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ProtocolError, check } from './errors.js';
import { concatBytes, equalBytes, utf8Encode } from './bytes.js';

/** Source of random bytes. Default: WebCrypto getRandomValues. Pass one for deterministic tests. */
export type Rng = (n: number) => Uint8Array;

export const defaultRng: Rng = (n) => {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  }
  return out;
};

export function randomBytes(n: number, rng: Rng = defaultRng): Uint8Array {
  const out = rng(n);
  check(out instanceof Uint8Array && out.length === n, 'invalid_argument', 'rng returned wrong length');
  return Uint8Array.from(out);
}

// ---- Sizes -----------------------------------------------------------------
export const KEY_LEN = 32;
export const SIG_LEN = 64;
export const KEM_PUBLIC_LEN = 1184;
export const KEM_SECRET_LEN = 2400;
export const KEM_CIPHERTEXT_LEN = 1088;
export const GCM_TAG_LEN = 16;
export const GCM_NONCE_LEN = 12;

// ---- Domain-separation labels (see docs/protocol.md, "KDF inputs") --------
export const LABEL = {
  signedPrekey: 'Enclave-v1/signed-prekey',
  identityBinding: 'Enclave-v1/identity-binding',
  detached: 'Enclave-v1/detached',
  senderKeySig: 'Enclave-v1/sender-key/signature',
  pqxdh: 'Enclave-v1/PQXDH/X25519/ML-KEM-768/SHA-256',
  root: 'Enclave-v1/ratchet/root',
  messageKeys: 'Enclave-v1/ratchet/message-keys',
  senderKeyMessage: 'Enclave-v1/sender-key/message-keys',
  file: 'Enclave-v1/file/chunk-key',
  fileAd: 'Enclave-v1/file/chunk',
  fingerprint: 'Enclave-v1/fingerprint',
  deviceList: 'Enclave-v1/device-list',
  deviceListHash: 'Enclave-v1/device-list/hash',
  safetyNumber: 'Enclave-v1/safety-number',
} as const;

/** utf8(label) || 0x00: labels contain no NUL, so prefixed encodings are unambiguous. */
export function labelBytes(label: string): Uint8Array {
  return concatBytes(utf8Encode(label), Uint8Array.of(0));
}

/** utf8(label) of a constant label, encoded once (read-only: never hand it to a caller that writes). */
function labelUtf8(label: string): Uint8Array {
  let bytes = labelsUtf8.get(label);
  if (!bytes) {
    bytes = utf8Encode(label);
    labelsUtf8.set(label, bytes);
  }
  return bytes;
}
const labelsUtf8 = new Map<string, Uint8Array>();

// ---- X25519 ----------------------------------------------------------------
export interface DhKeyPair {
  priv: Uint8Array;
  pub: Uint8Array;
}

export function x25519KeyPair(rng?: Rng): DhKeyPair {
  const priv = randomBytes(KEY_LEN, rng);
  return { priv, pub: x25519.getPublicKey(priv) };
}

export function x25519Public(priv: Uint8Array): Uint8Array {
  return x25519.getPublicKey(priv);
}

/** X25519; rejects low-order peer keys (all-zero output) as 'malformed'. */
export function dh(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  check(priv.length === KEY_LEN && pub.length === KEY_LEN, 'malformed', 'bad X25519 key length');
  try {
    return x25519.getSharedSecret(priv, pub);
  } catch {
    throw new ProtocolError('malformed', 'invalid X25519 public key');
  }
}

// ---- Ed25519 ---------------------------------------------------------------
export function ed25519KeyPair(rng?: Rng): { priv: Uint8Array; pub: Uint8Array } {
  const priv = randomBytes(KEY_LEN, rng);
  return { priv, pub: ed25519.getPublicKey(priv) };
}

export function sign(priv: Uint8Array, message: Uint8Array): Uint8Array {
  if (native?.ed25519Sign && priv.length === KEY_LEN) return native.ed25519Sign(priv, message);
  return ed25519.sign(message, priv);
}

/** Strict (RFC 8032, non-ZIP-215) verification; throws 'bad_signature' on any failure. */
export function verify(pub: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  let ok = false;
  if (pub.length === KEY_LEN && signature.length === SIG_LEN) {
    try {
      ok = ed25519.verify(signature, message, pub, { zip215: false });
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new ProtocolError('bad_signature', 'signature did not verify');
}

/**
 * Ed25519 public keys imported into WebCrypto, by hex (the signing keys of sender keys: a room has
 * few). null = this runtime has no WebCrypto Ed25519 (verifyAsync falls back to noble).
 */
let webEd25519: Map<string, CryptoKey> | null | undefined;
const WEB_KEY_CACHE = 512;
/** Keys that passed strictPublicKey (native path). */
const checkedKeys = new Set<string>();

/**
 * Same contract as `verify` (strict RFC 8032 on 32-byte keys and 64-byte signatures; throws
 * 'bad_signature'), run by the platform's WebCrypto Ed25519 (OpenSSL in Node, BoringSSL in
 * Chromium) where there is one: ~10x faster than pure JS, for the per-message sender-key
 * signatures. Both implementations reject non-canonical S; the property tests run both.
 */
export async function verifyAsync(pub: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<void> {
  if (pub.length !== KEY_LEN || signature.length !== SIG_LEN) throw new ProtocolError('bad_signature', 'signature did not verify');
  if (native) {
    const id = byteKey(pub);
    if (!checkedKeys.has(id)) {
      if (!strictPublicKey(pub)) throw new ProtocolError('bad_signature', 'signature did not verify');
      if (checkedKeys.size >= WEB_KEY_CACHE) checkedKeys.delete(checkedKeys.values().next().value!);
      checkedKeys.add(id);
    }
    // A verification started ahead counts only for exactly these bytes (key, message, signature).
    const sigId = ahead ? byteKey(signature) : '';
    const early = ahead ? started.get(sigId) : undefined;
    if (early) {
      started.delete(sigId);
      if (equalBytes(early.pub, pub) && equalBytes(early.message, message)) {
        const ok = await early.result.catch(() => undefined);
        if (ok === true) return;
        if (ok === false) throw new ProtocolError('bad_signature', 'signature did not verify');
        // undefined: the verifier failed (not the signature); verify here instead.
      }
    }
    if (!native.ed25519Verify(pub, message, signature)) throw new ProtocolError('bad_signature', 'signature did not verify');
    return;
  }
  if (webEd25519 === null) return verify(pub, message, signature);
  const subtle = globalThis.crypto?.subtle;
  let ok = false;
  try {
    webEd25519 ??= new Map();
    const id = Array.from(pub, (b) => b.toString(16).padStart(2, '0')).join('');
    let key = webEd25519.get(id);
    if (!key) {
      // Strict key checks the WebCrypto engines do not all make: canonical encoding, not of small
      // order (a small-order key would let anyone sign "as" it). Once per key.
      if (!strictPublicKey(pub)) throw new ProtocolError('bad_signature', 'signature did not verify');
      key = await subtle.importKey('raw', own(pub), { name: 'Ed25519' }, false, ['verify']);
      if (webEd25519.size >= WEB_KEY_CACHE) webEd25519.delete(webEd25519.keys().next().value!);
      webEd25519.set(id, key);
    }
    ok = await subtle.verify({ name: 'Ed25519' }, key, own(signature), own(message));
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    if ((err as Error)?.name === 'NotSupportedError' || !subtle) {
      webEd25519 = null;
      return verify(pub, message, signature);
    }
    ok = false;
  }
  if (!ok) throw new ProtocolError('bad_signature', 'signature did not verify');
}

/** A map key for a short byte string (keys and signatures): one char per byte. */
function byteKey(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * Verification ahead of time (native path only): a verifier that checks Ed25519 signatures off the
 * caller's thread (Node uses a low-priority worker thread, see ../node.ts) and a table of the verifications started,
 * by signature. `verifyAsync` uses a started result only when the key and message are byte-for-byte
 * those it is asked about, after its own strict key check; anything else is verified in line. So a
 * wrong guess (a rotated key, a tampered message) costs time, never soundness.
 */
export type AheadVerifier = (pub: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;
let ahead: AheadVerifier | undefined;
const started = new Map<string, { pub: Uint8Array; message: Uint8Array; result: Promise<boolean> }>();
/** Verifications started and not yet asked for are forgotten beyond this many (oldest first). */
const AHEAD_MAX = 4096;

/** Installs (or, with undefined, removes) the ahead-of-time verifier. */
export function useVerifyAhead(verifier: AheadVerifier | undefined): void {
  ahead = verifier;
  started.clear();
}

/**
 * Starts verifying a signature that `verifyAsync` will soon be asked about (a receiver that has
 * messages queued calls this as they arrive). Does nothing without a verifier.
 */
export function verifyAhead(pub: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  if (!ahead || !native || pub.length !== KEY_LEN || signature.length !== SIG_LEN) return;
  const id = byteKey(signature);
  if (started.has(id)) return;
  if (started.size >= AHEAD_MAX) started.delete(started.keys().next().value!);
  // The verifier works on private copies: the bytes it checks are the bytes compared later.
  const entry = { pub: Uint8Array.from(pub), message: Uint8Array.from(message), result: Promise.resolve(false) };
  entry.result = ahead(entry.pub, entry.message, Uint8Array.from(signature));
  entry.result.catch(() => undefined);
  started.set(id, entry);
}

/** True when an ahead-of-time verifier is installed (callers skip preparing work for none). */
export function verifiesAhead(): boolean {
  return ahead !== undefined && native !== undefined;
}

/** Verifications started ahead and not yet used (tests, diagnostics). */
export function verificationsAhead(): number {
  return started.size;
}

function strictPublicKey(pub: Uint8Array): boolean {
  try {
    const point = ed25519.Point.fromBytes(pub, false);
    return !point.isSmallOrder() && equalBytesCT(point.toBytes(), pub);
  } catch {
    return false;
  }
}

function equalBytesCT(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Test hook: force the pure-JS path (false) or re-probe WebCrypto (true). */
export function useWebCryptoEd25519(on: boolean): void {
  webEd25519 = on ? undefined : null;
}

// ---- ML-KEM-768 ------------------------------------------------------------
export function kemKeyPair(rng?: Rng): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { secretKey, publicKey } = ml_kem768.keygen(randomBytes(64, rng));
  return { secretKey, publicKey };
}

export function kemEncapsulate(publicKey: Uint8Array, rng?: Rng): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  check(publicKey.length === KEM_PUBLIC_LEN, 'malformed', 'bad ML-KEM public key length');
  try {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, randomBytes(32, rng));
    return { cipherText, sharedSecret };
  } catch {
    throw new ProtocolError('malformed', 'invalid ML-KEM public key');
  }
}

export function kemDecapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
  check(cipherText.length === KEM_CIPHERTEXT_LEN, 'malformed', 'bad ML-KEM ciphertext length');
  try {
    // Copy: the secret key belongs to the caller's (immutable) prekey record.
    return ml_kem768.decapsulate(cipherText, Uint8Array.from(secretKey));
  } catch {
    throw new ProtocolError('malformed', 'ML-KEM decapsulation failed');
  }
}

// ---- Hashes / KDFs ---------------------------------------------------------
const ZERO32 = new Uint8Array(32);

/** HKDF-SHA-256 (RFC 5869). salt defaults to 32 zero bytes. */
export function hkdfSha256(ikm: Uint8Array, info: Uint8Array, length: number, salt: Uint8Array = ZERO32): Uint8Array {
  if (native?.hkdfSha256) {
    check(length > 0 && length <= 255 * 32, 'invalid_argument', 'bad HKDF output length');
    return native.hkdfSha256(ikm, salt, info, length);
  }
  return hkdf(sha256, ikm, salt, info, length);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return native?.hmacSha256 ? native.hmacSha256(key, data) : hmac(sha256, key, data);
}

/** Symmetric chain step shared by the Double Ratchet and sender keys. */
export function chainStep(chainKey: Uint8Array): { messageKey: Uint8Array; nextChainKey: Uint8Array } {
  return {
    messageKey: hmacSha256(chainKey, Uint8Array.of(0x01)),
    nextChainKey: hmacSha256(chainKey, Uint8Array.of(0x02)),
  };
}

/** Expand a 32-byte message key into an AES-256 key and a 96-bit nonce. */
export function messageKeyMaterial(messageKey: Uint8Array, label: string): { key: Uint8Array; nonce: Uint8Array } {
  const okm = hkdfSha256(messageKey, labelUtf8(label), KEY_LEN + GCM_NONCE_LEN);
  return { key: okm.slice(0, KEY_LEN), nonce: okm.slice(KEY_LEN) };
}

// ---- AES-256-GCM (WebCrypto) -------------------------------------------------
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

async function importAesKey(key: Uint8Array, usage: 'encrypt' | 'decrypt') {
  check(key.length === KEY_LEN, 'invalid_argument', 'AES-256 key must be 32 bytes');
  return globalThis.crypto.subtle.importKey('raw', own(key), { name: 'AES-GCM' }, false, [usage]);
}

/**
 * Optional native implementations of the hot symmetric / verification primitives (Node installs
 * OpenSSL's through `useNativeCrypto`, see ../node.ts). Same contracts as the WebCrypto / noble
 * paths: AES-256-GCM with a 128-bit tag appended; decrypt throws on authentication failure;
 * ed25519Verify returns a boolean for a key that passed `strictPublicKey`; ed25519Sign gives the
 * same (deterministic) signature as noble; HMAC / HKDF give the same bytes as noble's.
 */
export interface NativeCrypto {
  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array;
  ed25519Verify(pub: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** RFC 8032 Ed25519 signature with a 32-byte seed (deterministic: the same bytes as noble's). */
  ed25519Sign?(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** HMAC-SHA-256 (RFC 2104): the same 32 bytes as noble's. */
  hmacSha256?(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-SHA-256 (RFC 5869) extract-and-expand to `length` bytes (1 … 8160). */
  hkdfSha256?(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

let native: NativeCrypto | undefined;

/** Installs (or, with undefined, removes) native primitives. */
export function useNativeCrypto(impl: NativeCrypto | undefined): void {
  native = impl;
}

export async function aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  if (native) {
    check(key.length === KEY_LEN && nonce.length === GCM_NONCE_LEN, 'invalid_argument', 'bad AES-GCM key or nonce length');
    return native.aesGcmEncrypt(key, nonce, plaintext, ad);
  }
  const k = await importAesKey(key, 'encrypt');
  const ct = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: own(nonce), additionalData: own(ad), tagLength: 128 },
    k,
    own(plaintext),
  );
  return new Uint8Array(ct);
}

/** Throws ProtocolError('decrypt_failed') on any authentication failure. */
export async function aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  check(ciphertext.length >= GCM_TAG_LEN, 'malformed', 'ciphertext shorter than tag');
  if (native) {
    check(key.length === KEY_LEN && nonce.length === GCM_NONCE_LEN, 'invalid_argument', 'bad AES-GCM key or nonce length');
    try {
      return native.aesGcmDecrypt(key, nonce, ciphertext, ad);
    } catch {
      throw new ProtocolError('decrypt_failed', 'authentication failed');
    }
  }
  const k = await importAesKey(key, 'decrypt');
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: own(nonce), additionalData: own(ad), tagLength: 128 },
      k,
      own(ciphertext),
    );
    return new Uint8Array(pt);
  } catch {
    throw new ProtocolError('decrypt_failed', 'authentication failed');
  }
}
