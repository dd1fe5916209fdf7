/**
 * identity.ts — owns per-device long-term keys: the identity key pair
 * (Ed25519 signing + X25519 DH), signed prekeys (X25519 + ML-KEM-768
 * last-resort key), one-time prekeys, the public PrekeyBundle and its
 * verification, detached signatures for arbitrary bytes, and fingerprints.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { check } from './errors.js';
import { concatBytes, u32be, utf8Encode } from './bytes.js';
import {
  KEM_PUBLIC_LEN,
  KEY_LEN,
  LABEL,
  SIG_LEN,
  type Rng,
  ed25519KeyPair,
  kemKeyPair,
  labelBytes,
  sign,
  verify,
  x25519KeyPair,
} from './primitives.js';

export interface IdentityKeyPair {
  readonly signPriv: Uint8Array;
  readonly signPub: Uint8Array;
  readonly dhPriv: Uint8Array;
  readonly dhPub: Uint8Array;
}

/** The public half of an identity; what a peer learns and pins. */
export interface PublicIdentity {
  readonly signPub: Uint8Array;
  readonly dhPub: Uint8Array;
}

export interface SignedPrekeyPair {
  readonly id: number;
  readonly dhPriv: Uint8Array;
  readonly dhPub: Uint8Array;
  readonly kemSecret: Uint8Array;
  readonly kemPublic: Uint8Array;
  readonly signature: Uint8Array;
}

export interface PublicSignedPrekey {
  readonly id: number;
  readonly dhPub: Uint8Array;
  readonly kemPublic: Uint8Array;
  readonly signature: Uint8Array;
}

export interface OneTimePrekeyPair {
  readonly id: number;
  readonly dhPriv: Uint8Array;
  readonly dhPub: Uint8Array;
}

export interface PrekeyBundle {
  readonly identitySignPub: Uint8Array;
  readonly identityDhPub: Uint8Array;
  readonly signedPrekey: PublicSignedPrekey;
  readonly oneTimePrekey?: { readonly id: number; readonly dhPub: Uint8Array };
}

export function generateIdentity(rng?: Rng): IdentityKeyPair {
  const s = ed25519KeyPair(rng);
  const d = x25519KeyPair(rng);
  return { signPriv: s.priv, signPub: s.pub, dhPriv: d.priv, dhPub: d.pub };
}

function checkId(id: number): void {
  check(Number.isInteger(id) && id >= 0 && id <= 0xffffffff, 'invalid_argument', 'prekey id must be a u32');
}

/**
 * Bytes covered by a signed prekey signature:
 * label("Enclave-v1/signed-prekey") || identityDhPub(32) || u32 id || dhPub(32) || kemPublic(1184).
 * Including identityDhPub certifies the identity X25519 key with the identity Ed25519 key.
 */
function signedPrekeyMessage(identityDhPub: Uint8Array, id: number, dhPub: Uint8Array, kemPublic: Uint8Array): Uint8Array {
  check(identityDhPub.length === KEY_LEN && dhPub.length === KEY_LEN, 'malformed', 'bad prekey key length');
  check(kemPublic.length === KEM_PUBLIC_LEN, 'malformed', 'bad ML-KEM public key length');
  return concatBytes(labelBytes(LABEL.signedPrekey), identityDhPub, u32be(id), dhPub, kemPublic);
}

export function generateSignedPrekey(identity: IdentityKeyPair, id: number, rng?: Rng): SignedPrekeyPair {
  checkId(id);
  const d = x25519KeyPair(rng);
  const k = kemKeyPair(rng);
  const signature = sign(identity.signPriv, signedPrekeyMessage(identity.dhPub, id, d.pub, k.publicKey));
  return { id, dhPriv: d.priv, dhPub: d.pub, kemSecret: k.secretKey, kemPublic: k.publicKey, signature };
}

export function publicSignedPrekey(spk: SignedPrekeyPair): PublicSignedPrekey {
  return { id: spk.id, dhPub: spk.dhPub, kemPublic: spk.kemPublic, signature: spk.signature };
}

export function generateOneTimePrekeys(startId: number, count: number, rng?: Rng): OneTimePrekeyPair[] {
  checkId(startId);
  check(Number.isInteger(count) && count >= 0 && startId + count - 1 <= 0xffffffff, 'invalid_argument', 'bad count');
  const out: OneTimePrekeyPair[] = [];
  for (let i = 0; i < count; i++) {
    const d = x25519KeyPair(rng);
    out.push({ id: startId + i, dhPriv: d.priv, dhPub: d.pub });
  }
  return out;
}

/** Throws ProtocolError('bad_signature') if the signed prekey is not signed by identitySignPub, 'malformed' on bad shapes. */
export function verifyPrekeyBundle(bundle: PrekeyBundle): void {
  const spk = bundle.signedPrekey;
  checkId(spk.id);
  check(bundle.identitySignPub.length === KEY_LEN, 'malformed', 'bad identity key length');
  check(spk.signature.length === SIG_LEN, 'malformed', 'bad signature length');
  if (bundle.oneTimePrekey) {
    checkId(bundle.oneTimePrekey.id);
    check(bundle.oneTimePrekey.dhPub.length === KEY_LEN, 'malformed', 'bad one-time prekey length');
  }
  verify(bundle.identitySignPub, signedPrekeyMessage(bundle.identityDhPub, spk.id, spk.dhPub, spk.kemPublic), spk.signature);
}

/**
 * Signature binding an identity's X25519 key to its Ed25519 key, carried in
 * prekey messages so the responder can trust the initiator's (signPub, dhPub)
 * pair: Sign(signPriv, label("Enclave-v1/identity-binding") || signPub || dhPub).
 */
export function identityBindingSignature(identity: IdentityKeyPair): Uint8Array {
  return sign(identity.signPriv, concatBytes(labelBytes(LABEL.identityBinding), identity.signPub, identity.dhPub));
}

export function verifyIdentityBinding(id: PublicIdentity, signature: Uint8Array): void {
  verify(id.signPub, concatBytes(labelBytes(LABEL.identityBinding), id.signPub, id.dhPub), signature);
}

function detachedMessage(context: string, message: Uint8Array): Uint8Array {
  const ctx = utf8Encode(context);
  check(ctx.length > 0 && ctx.length <= 255, 'invalid_argument', 'context must be 1..255 bytes');
  return concatBytes(labelBytes(LABEL.detached), Uint8Array.of(ctx.length), ctx, message);
}

/**
 * Sign arbitrary bytes with the device identity. `context` is a required
 * domain-separation string (e.g. "enclave/device-list"), so a signature made
 * for one purpose never verifies for another or as a protocol signature.
 */
export function signDetached(identity: IdentityKeyPair, context: string, message: Uint8Array): Uint8Array {
  return sign(identity.signPriv, detachedMessage(context, message));
}

/** Throws ProtocolError('bad_signature') unless `signature` is signPub's signature of (context, message). */
export function verifyDetached(signPub: Uint8Array, context: string, message: Uint8Array, signature: Uint8Array): void {
  verify(signPub, detachedMessage(context, message), signature);
}

export const FINGERPRINT_ITERATIONS = 5200;

/**
 * 60-digit safety number for one Ed25519 identity key, shown as 12 groups of 5 digits.
 * h0 = SHA-512(label("Enclave-v1/fingerprint") || signPub); h(i+1) = SHA-512(h(i) || signPub),
 * 5200 iterations; the first 60 bytes of the result are 12 big-endian 40-bit
 * chunks, each reduced mod 100000 and zero-padded to 5 digits.
 */
export function fingerprint(signPub: Uint8Array): string {
  check(signPub.length === KEY_LEN, 'malformed', 'bad identity key length');
  let h = sha512(concatBytes(labelBytes(LABEL.fingerprint), signPub));
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i++) h = sha512(concatBytes(h, signPub));
  const groups: string[] = [];
  for (let g = 0; g < 12; g++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + h[g * 5 + j]!;
    groups.push(String(v % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
