/**
 * session.ts — owns pairwise sessions between two devices: the hybrid
 * PQXDH-style key agreement (X25519 DH1..DH4 + ML-KEM-768 encapsulation) and
 * the Double Ratchet (DH ratchet + symmetric chains, bounded skipped keys).
 * Every function is pure: it returns a new SessionState and never mutates the
 * one it was given, so a failed decrypt leaves the caller's state usable.
 */
import { ProtocolError, check } from './errors.js';
import { concatBytes, equalBytes, u32be } from './bytes.js';
import {
  LABEL,
  type Rng,
  aesGcmDecrypt,
  aesGcmEncrypt,
  chainStep,
  dh,
  hkdfSha256,
  kemDecapsulate,
  kemEncapsulate,
  labelBytes,
  messageKeyMaterial,
  x25519KeyPair,
} from './primitives.js';
import {
  type IdentityKeyPair,
  type OneTimePrekeyPair,
  type PrekeyBundle,
  type PublicIdentity,
  type SignedPrekeyPair,
  identityBindingSignature,
  verifyIdentityBinding,
  verifyPrekeyBundle,
} from './identity.js';
import {
  type ParsedMessage,
  type SessionState,
  type SkippedMessageKey,
  encodeMessageHeader,
  encodePrekeyHeader,
  parseMessage,
} from './session-format.js';

/** Most message keys skipped in one receiving chain by a single message. */
export const MAX_SKIP_PER_CHAIN = 1000;
/** Most skipped message keys kept per session; the oldest are dropped first. */
export const MAX_SKIPPED_KEYS = 2000;

/** Where the responder looks up its own prekeys by id. */
export interface PrekeyStore {
  signedPrekey(id: number): SignedPrekeyPair | undefined;
  oneTimePrekey(id: number): OneTimePrekeyPair | undefined;
}

const PQXDH_F = new Uint8Array(32).fill(0xff);

/**
 * SK = HKDF-SHA-256(salt = 0^32,
 *   ikm  = 0xFF^32 || DH1 || DH2 || DH3 || [DH4] || SS_kem,
 *   info = label("Enclave-v1/PQXDH/X25519/ML-KEM-768/SHA-256") || identityAd || u32(len ad) || ad, L = 32)
 */
function pqxdhSecret(dhs: Uint8Array[], kemSecret: Uint8Array, identityAd: Uint8Array, ad: Uint8Array): Uint8Array {
  const ikm = concatBytes(PQXDH_F, ...dhs, kemSecret);
  const info = concatBytes(labelBytes(LABEL.pqxdh), identityAd, u32be(ad.length), ad);
  return hkdfSha256(ikm, info, 32);
}

/** KDF_RK: HKDF-SHA-256(salt = rootKey, ikm = dhOut, info = label("Enclave-v1/ratchet/root"), L = 64). */
function kdfRoot(rootKey: Uint8Array, dhOut: Uint8Array): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const okm = hkdfSha256(dhOut, labelBytes(LABEL.root), 64, rootKey);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32) };
}

/** AES-GCM additional data: identityAd(128) || u32(len ad) || ad || header bytes. */
function messageAd(identityAd: Uint8Array, ad: Uint8Array, headerBytes: Uint8Array): Uint8Array {
  return concatBytes(identityAd, u32be(ad.length), ad, headerBytes);
}

/**
 * Initiator side of session setup. Verifies the bundle, runs DH1..DH4 and
 * ML-KEM-768 encapsulation, and returns a session whose first messages carry
 * the prekey header until the first reply is decrypted.
 * `ad` must bind both device ids (e.g. encode(ourDeviceId) || encode(theirDeviceId))
 * and must be given identically to every later encrypt/decrypt on this session.
 */
export function initiateSession(ours: IdentityKeyPair, theirs: PrekeyBundle, ad: Uint8Array, rng?: Rng): SessionState {
  verifyPrekeyBundle(theirs);
  const spk = theirs.signedPrekey;
  const ek = x25519KeyPair(rng);
  const dhOuts = [dh(ours.dhPriv, spk.dhPub), dh(ek.priv, theirs.identityDhPub), dh(ek.priv, spk.dhPub)];
  if (theirs.oneTimePrekey) dhOuts.push(dh(ek.priv, theirs.oneTimePrekey.dhPub));
  const kem = kemEncapsulate(spk.kemPublic, rng);
  const identityAd = concatBytes(ours.signPub, ours.dhPub, theirs.identitySignPub, theirs.identityDhPub);
  const sk = pqxdhSecret(dhOuts, kem.sharedSecret, identityAd, ad);
  const pendingPrekey = encodePrekeyHeader({
    senderSignPub: ours.signPub,
    senderDhPub: ours.dhPub,
    bindingSignature: identityBindingSignature(ours),
    ephemeralPub: ek.pub,
    signedPrekeyId: spk.id,
    ...(theirs.oneTimePrekey ? { oneTimePrekeyId: theirs.oneTimePrekey.id } : {}),
    kemCiphertext: kem.cipherText,
  });
  // Double Ratchet initialisation (Alice): the responder's signed prekey is the first remote ratchet key.
  const dhs = x25519KeyPair(rng);
  const send = kdfRoot(sk, dh(dhs.priv, spk.dhPub));
  return {
    version: 1,
    identityAd,
    theirIdentity: { signPub: theirs.identitySignPub, dhPub: theirs.identityDhPub },
    baseKey: ek.pub,
    rootKey: send.rootKey,
    dhsPriv: dhs.priv,
    dhsPub: dhs.pub,
    dhr: spk.dhPub,
    sendChainKey: send.chainKey,
    recvChainKey: null,
    sendN: 0,
    recvN: 0,
    prevSendN: 0,
    skipped: [],
    pendingPrekey,
  };
}

/** Encrypts one message with a fresh message key. Returns the advanced state and the wire bytes. */
export async function sessionEncrypt(
  state: SessionState,
  plaintext: Uint8Array,
  ad: Uint8Array,
): Promise<{ state: SessionState; message: Uint8Array }> {
  check(state.sendChainKey, 'invalid_argument', 'session cannot send yet');
  check(state.sendN < 0xffffffff, 'invalid_argument', 'sending chain exhausted');
  const { messageKey, nextChainKey } = chainStep(state.sendChainKey);
  const headerBytes = encodeMessageHeader(state.pendingPrekey, { dh: state.dhsPub, pn: state.prevSendN, n: state.sendN });
  const { key, nonce } = messageKeyMaterial(messageKey, LABEL.messageKeys);
  const ct = await aesGcmEncrypt(key, nonce, plaintext, messageAd(state.identityAd, ad, headerBytes));
  return {
    state: { ...state, sendChainKey: nextChainKey, sendN: state.sendN + 1 },
    message: concatBytes(headerBytes, ct),
  };
}

/** Derives and stores the keys of the current receiving chain up to (excluding) `until`. */
function skipUntil(s: SessionState, until: number): SessionState {
  if (!s.recvChainKey || !s.dhr || until <= s.recvN) return s;
  check(until - s.recvN <= MAX_SKIP_PER_CHAIN, 'too_many_skipped', 'too many skipped messages');
  let ck = s.recvChainKey;
  const skipped: SkippedMessageKey[] = [...s.skipped];
  for (let n = s.recvN; n < until; n++) {
    const step = chainStep(ck);
    skipped.push({ dh: s.dhr, n, messageKey: step.messageKey });
    ck = step.nextChainKey;
  }
  return { ...s, recvChainKey: ck, recvN: until, skipped: skipped.slice(-MAX_SKIPPED_KEYS) };
}

/** DH ratchet step on a new remote ratchet public key. */
function dhRatchet(s: SessionState, theirRatchet: Uint8Array, rng?: Rng): SessionState {
  const recv = kdfRoot(s.rootKey, dh(s.dhsPriv, theirRatchet));
  const dhs = x25519KeyPair(rng);
  const send = kdfRoot(recv.rootKey, dh(dhs.priv, theirRatchet));
  return {
    ...s,
    prevSendN: s.sendN,
    sendN: 0,
    recvN: 0,
    dhr: theirRatchet,
    recvChainKey: recv.chainKey,
    rootKey: send.rootKey,
    dhsPriv: dhs.priv,
    dhsPub: dhs.pub,
    sendChainKey: send.chainKey,
  };
}

async function openWithKey(messageKey: Uint8Array, p: ParsedMessage, s: SessionState, ad: Uint8Array): Promise<Uint8Array> {
  const { key, nonce } = messageKeyMaterial(messageKey, LABEL.messageKeys);
  return aesGcmDecrypt(key, nonce, p.ciphertext, messageAd(s.identityAd, ad, p.headerBytes));
}

async function ratchetDecrypt(
  state: SessionState,
  p: ParsedMessage,
  ad: Uint8Array,
  rng?: Rng,
): Promise<{ state: SessionState; plaintext: Uint8Array }> {
  const h = p.header;
  const idx = state.skipped.findIndex((k) => k.n === h.n && equalBytes(k.dh, h.dh));
  if (idx >= 0) {
    const plaintext = await openWithKey(state.skipped[idx]!.messageKey, p, state, ad);
    const skipped = state.skipped.filter((_, i) => i !== idx);
    return { state: { ...state, skipped, pendingPrekey: null }, plaintext };
  }
  let s = state;
  if (!s.dhr || !equalBytes(h.dh, s.dhr)) {
    s = skipUntil(s, h.pn);
    s = dhRatchet(s, h.dh, rng);
  } else if (h.n < s.recvN) {
    throw new ProtocolError('replay', 'message key already used');
  }
  s = skipUntil(s, h.n);
  check(s.recvChainKey, 'malformed', 'no receiving chain');
  const { messageKey, nextChainKey } = chainStep(s.recvChainKey);
  const plaintext = await openWithKey(messageKey, p, s, ad);
  return { state: { ...s, recvChainKey: nextChainKey, recvN: h.n + 1, pendingPrekey: null }, plaintext };
}

/**
 * Decrypts a message of an established session (also a prekey message of this
 * same session, e.g. the initiator's 2nd message before we replied).
 * `rng` is used only for the new ratchet key pair of a DH ratchet step.
 */
export async function sessionDecrypt(
  state: SessionState,
  message: Uint8Array,
  ad: Uint8Array,
  rng?: Rng,
): Promise<{ state: SessionState; plaintext: Uint8Array }> {
  const p = parseMessage(message);
  if (p.prekey) {
    check(equalBytes(p.prekey.ephemeralPub, state.baseKey), 'session_mismatch', 'prekey message of another session');
  }
  return ratchetDecrypt(state, p, ad, rng);
}

/**
 * Responder side of session setup: processes a prekey message, returns the new
 * session, the plaintext, the initiator's identity (verify it against the
 * directory / safety number!) and the one-time prekey id the caller must delete.
 */
export async function sessionAcceptInitial(
  ours: IdentityKeyPair,
  keys: PrekeyStore,
  message: Uint8Array,
  ad: Uint8Array,
  rng?: Rng,
): Promise<{ state: SessionState; plaintext: Uint8Array; usedOneTimePrekeyId?: number; theirIdentity: PublicIdentity }> {
  const p = parseMessage(message);
  const pk = p.prekey;
  check(pk, 'malformed', 'not a prekey message');
  const spk = keys.signedPrekey(pk.signedPrekeyId);
  check(spk, 'unknown_prekey', 'unknown signed prekey');
  let otpk: OneTimePrekeyPair | undefined;
  if (pk.oneTimePrekeyId !== undefined) {
    otpk = keys.oneTimePrekey(pk.oneTimePrekeyId);
    check(otpk, 'unknown_prekey', 'unknown or used one-time prekey');
  }
  const theirIdentity: PublicIdentity = { signPub: pk.senderSignPub, dhPub: pk.senderDhPub };
  verifyIdentityBinding(theirIdentity, pk.bindingSignature);
  const ek = pk.ephemeralPub;
  const dhOuts = [dh(spk.dhPriv, theirIdentity.dhPub), dh(ours.dhPriv, ek), dh(spk.dhPriv, ek)];
  if (otpk) dhOuts.push(dh(otpk.dhPriv, ek));
  const ss = kemDecapsulate(pk.kemCiphertext, spk.kemSecret);
  const identityAd = concatBytes(theirIdentity.signPub, theirIdentity.dhPub, ours.signPub, ours.dhPub);
  const initial: SessionState = {
    version: 1,
    identityAd,
    theirIdentity,
    baseKey: ek,
    rootKey: pqxdhSecret(dhOuts, ss, identityAd, ad),
    dhsPriv: spk.dhPriv,
    dhsPub: spk.dhPub,
    dhr: null,
    sendChainKey: null,
    recvChainKey: null,
    sendN: 0,
    recvN: 0,
    prevSendN: 0,
    skipped: [],
    pendingPrekey: null,
  };
  const { state, plaintext } = await ratchetDecrypt(initial, p, ad, rng);
  return {
    state,
    plaintext,
    theirIdentity,
    ...(pk.oneTimePrekeyId !== undefined ? { usedOneTimePrekeyId: pk.oneTimePrekeyId } : {}),
  };
}
