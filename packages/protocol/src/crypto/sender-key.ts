/**
 * sender-key.ts — owns sender keys for rooms/groups (in the manner of Signal's
 * sender keys): one symmetric hash chain + one Ed25519 signing key per sending
 * device, distributed to member devices over pairwise sessions. Encryption is
 * O(1) in the number of recipients; every message is signed so holders of the
 * chain key cannot forge messages as the sender. All functions are pure.
 */
import { ProtocolError, check } from './errors.js';
import { Reader, Writer, concatBytes, equalBytes, u32be } from './bytes.js';
import {
  KEY_LEN,
  LABEL,
  SIG_LEN,
  type Rng,
  aesGcmDecrypt,
  aesGcmEncrypt,
  chainStep,
  ed25519KeyPair,
  labelBytes,
  messageKeyMaterial,
  randomBytes,
  sign,
  verifyAsync,
  verifyAhead,
} from './primitives.js';
import { TYPE_SENDER_KEY_DISTRIBUTION, TYPE_SENDER_KEY_MESSAGE, WIRE_VERSION } from './session-format.js';

export const SENDER_KEY_ID_LEN = 16;
/** Most iterations a single message may skip ahead, and most skipped keys stored. */
export const MAX_SENDER_KEY_SKIP = 2000;
const HEADER_LEN = 2 + SENDER_KEY_ID_LEN + 4; // 22
const STATE_MAGIC = 0x4b; // 'K'
const STATE_VERSION = 1;

export interface SenderKeyState {
  readonly version: 1;
  readonly keyId: Uint8Array;
  /** Owner: iteration of the next message to send. Receiver: next iteration in chain order. */
  readonly iteration: number;
  /** Chain key at `iteration`. */
  readonly chainKey: Uint8Array;
  readonly signPub: Uint8Array;
  /** Present only in the owner's state; never distributed. */
  readonly signPriv?: Uint8Array;
  /** First iteration this state may decrypt (where it was created/imported). */
  readonly minIteration: number;
  /** Receiver only: keys of skipped iterations not yet received. */
  readonly skipped: readonly { readonly iteration: number; readonly messageKey: Uint8Array }[];
}

export function createSenderKey(rng?: Rng): SenderKeyState {
  const keyId = randomBytes(SENDER_KEY_ID_LEN, rng);
  const chainKey = randomBytes(KEY_LEN, rng);
  const s = ed25519KeyPair(rng);
  return { version: 1, keyId, iteration: 0, chainKey, signPub: s.pub, signPriv: s.priv, minIteration: 0, skipped: [] };
}

/** version(1) || type 0x04 || keyId(16) || u32 iteration || chainKey(32) || signPub(32) — 86 bytes. Send only over pairwise sessions. */
export function senderKeyDistribution(state: SenderKeyState): Uint8Array {
  return new Writer()
    .u8(WIRE_VERSION)
    .u8(TYPE_SENDER_KEY_DISTRIBUTION)
    .fixed(state.keyId, SENDER_KEY_ID_LEN)
    .u32(state.iteration)
    .fixed(state.chainKey, KEY_LEN)
    .fixed(state.signPub, KEY_LEN)
    .finish();
}

export function importSenderKey(distribution: Uint8Array): SenderKeyState {
  const r = new Reader(distribution);
  check(r.u8() === WIRE_VERSION, 'malformed', 'unsupported version');
  check(r.u8() === TYPE_SENDER_KEY_DISTRIBUTION, 'malformed', 'not a sender key distribution');
  const keyId = r.fixed(SENDER_KEY_ID_LEN);
  const iteration = r.u32();
  const chainKey = r.fixed(KEY_LEN);
  const signPub = r.fixed(KEY_LEN);
  r.end();
  return { version: 1, keyId, iteration, chainKey, signPub, minIteration: iteration, skipped: [] };
}

function aeadAd(ad: Uint8Array, header: Uint8Array): Uint8Array {
  return concatBytes(u32be(ad.length), ad, header);
}

const SIG_LABEL = labelBytes(LABEL.senderKeySig);

/** label("Enclave-v1/sender-key/signature") || u32(len ad) || ad || header || ciphertext. */
function signedBytes(ad: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(SIG_LABEL, u32be(ad.length), ad, body);
}

/** Encrypts and signs one room message; the state's chain advances one step (old key gone). */
export async function senderKeyEncrypt(
  state: SenderKeyState,
  plaintext: Uint8Array,
  ad: Uint8Array,
): Promise<{ state: SenderKeyState; message: Uint8Array }> {
  check(state.signPriv, 'invalid_argument', 'not the owner of this sender key');
  check(state.iteration < 0xffffffff, 'invalid_argument', 'sender key exhausted; rotate');
  const { messageKey, nextChainKey } = chainStep(state.chainKey);
  const header = new Writer().u8(WIRE_VERSION).u8(TYPE_SENDER_KEY_MESSAGE).fixed(state.keyId, SENDER_KEY_ID_LEN).u32(state.iteration).finish();
  const { key, nonce } = messageKeyMaterial(messageKey, LABEL.senderKeyMessage);
  const ct = await aesGcmEncrypt(key, nonce, plaintext, aeadAd(ad, header));
  const body = concatBytes(header, ct);
  const signature = sign(state.signPriv, signedBytes(ad, body));
  return {
    state: { ...state, iteration: state.iteration + 1, chainKey: nextChainKey },
    message: concatBytes(body, signature),
  };
}

/** Views into `message` (not copies): used while `message` is, never kept. */
function parse(message: Uint8Array): { keyId: Uint8Array; iteration: number; header: Uint8Array; body: Uint8Array; ciphertext: Uint8Array; signature: Uint8Array } {
  check(message.length >= HEADER_LEN + 16 + SIG_LEN, 'malformed', 'sender key message too short');
  const r = new Reader(message);
  check(r.u8() === WIRE_VERSION, 'malformed', 'unsupported version');
  check(r.u8() === TYPE_SENDER_KEY_MESSAGE, 'malformed', 'not a sender key message');
  const keyId = r.fixed(SENDER_KEY_ID_LEN);
  const iteration = r.u32();
  const bodyEnd = message.length - SIG_LEN;
  return {
    keyId,
    iteration,
    header: message.subarray(0, HEADER_LEN),
    body: message.subarray(0, bodyEnd),
    ciphertext: message.subarray(HEADER_LEN, bodyEnd),
    signature: message.subarray(bodyEnd),
  };
}

/** The 16-byte sender key id of a sender-key message, to route it to the right state. */
export function senderKeyId(message: Uint8Array): Uint8Array {
  return parse(message).keyId;
}

/**
 * Starts verifying a sender-key message's signature ahead of `senderKeyDecrypt` (see verifyAhead):
 * `signPub` is the signing key the receiver expects for the message's key ID. A no-op for a
 * malformed message or without an ahead-of-time verifier.
 */
export function senderKeyVerifyAhead(signPub: Uint8Array, message: Uint8Array, ad: Uint8Array): void {
  if (message.length < HEADER_LEN + 16 + SIG_LEN) return;
  const bodyEnd = message.length - SIG_LEN;
  verifyAhead(signPub, signedBytes(ad, message.subarray(0, bodyEnd)), message.subarray(bodyEnd));
}

/**
 * Verifies the signature first, then decrypts. Supports out-of-order delivery
 * within MAX_SENDER_KEY_SKIP; rejects replays and iterations before the import point.
 */
export async function senderKeyDecrypt(
  state: SenderKeyState,
  message: Uint8Array,
  ad: Uint8Array,
): Promise<{ state: SenderKeyState; plaintext: Uint8Array }> {
  const m = parse(message);
  check(equalBytes(m.keyId, state.keyId), 'unknown_key', 'message is for another sender key');
  await verifyAsync(state.signPub, signedBytes(ad, m.body), m.signature);
  check(m.iteration >= state.minIteration, 'stale_iteration', 'message predates our copy of the sender key');
  const open = async (messageKey: Uint8Array): Promise<Uint8Array> => {
    const { key, nonce } = messageKeyMaterial(messageKey, LABEL.senderKeyMessage);
    return aesGcmDecrypt(key, nonce, m.ciphertext, aeadAd(ad, m.header));
  };
  if (m.iteration < state.iteration) {
    const idx = state.skipped.findIndex((k) => k.iteration === m.iteration);
    if (idx < 0) throw new ProtocolError('replay', 'sender key message already received');
    const plaintext = await open(state.skipped[idx]!.messageKey);
    return { state: { ...state, skipped: state.skipped.filter((_, i) => i !== idx) }, plaintext };
  }
  check(m.iteration - state.iteration <= MAX_SENDER_KEY_SKIP, 'too_many_skipped', 'too many skipped iterations');
  const skipped = [...state.skipped];
  let ck = state.chainKey;
  for (let i = state.iteration; i < m.iteration; i++) {
    const step = chainStep(ck);
    skipped.push({ iteration: i, messageKey: step.messageKey });
    ck = step.nextChainKey;
  }
  const { messageKey, nextChainKey } = chainStep(ck);
  const plaintext = await open(messageKey);
  return {
    state: { ...state, iteration: m.iteration + 1, chainKey: nextChainKey, skipped: skipped.slice(-MAX_SENDER_KEY_SKIP) },
    plaintext,
  };
}

export function serializeSenderKey(s: SenderKeyState): Uint8Array {
  const w = new Writer()
    .u8(STATE_MAGIC)
    .u8(STATE_VERSION)
    .u8(s.signPriv ? 1 : 0)
    .fixed(s.keyId, SENDER_KEY_ID_LEN)
    .u32(s.iteration)
    .u32(s.minIteration)
    .fixed(s.chainKey, KEY_LEN)
    .fixed(s.signPub, KEY_LEN);
  if (s.signPriv) w.fixed(s.signPriv, KEY_LEN);
  w.u32(s.skipped.length);
  for (const k of s.skipped) w.u32(k.iteration).fixed(k.messageKey, KEY_LEN);
  return w.finish();
}

export function deserializeSenderKey(bytes: Uint8Array): SenderKeyState {
  const r = new Reader(bytes);
  check(r.u8() === STATE_MAGIC, 'malformed', 'not a sender key state');
  check(r.u8() === STATE_VERSION, 'malformed', 'unsupported sender key state version');
  const flags = r.u8();
  check(flags === 0 || flags === 1, 'malformed', 'bad flags');
  const keyId = r.fixed(SENDER_KEY_ID_LEN);
  const iteration = r.u32();
  const minIteration = r.u32();
  const chainKey = r.fixed(KEY_LEN);
  const signPub = r.fixed(KEY_LEN);
  const signPriv = flags === 1 ? r.fixed(KEY_LEN) : undefined;
  const count = r.u32();
  check(count <= MAX_SENDER_KEY_SKIP, 'malformed', 'too many skipped keys');
  const skipped: { iteration: number; messageKey: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) skipped.push({ iteration: r.u32(), messageKey: r.fixed(KEY_LEN) });
  r.end();
  const base = { version: 1 as const, keyId, iteration, chainKey, signPub, minIteration, skipped };
  return signPriv ? { ...base, signPriv } : base;
}
