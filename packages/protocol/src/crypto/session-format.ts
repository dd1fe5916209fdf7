/**
 * session-format.ts — owns the byte layouts of pairwise session messages
 * (prekey header, ratchet header) and of serialized SessionState. The layouts
 * are specified byte by byte in docs/protocol.md ("Message formats").
 */
import { check } from './errors.js';
import { Reader, Writer } from './bytes.js';
import { KEM_CIPHERTEXT_LEN, KEY_LEN, SIG_LEN } from './primitives.js';
import type { PublicIdentity } from './identity.js';

export const WIRE_VERSION = 1;
export const TYPE_MESSAGE = 0x01;
export const TYPE_PREKEY_MESSAGE = 0x02;
export const TYPE_SENDER_KEY_MESSAGE = 0x03;
export const TYPE_SENDER_KEY_DISTRIBUTION = 0x04;
export const SESSION_STATE_MAGIC = 0x53; // 'S'
export const SESSION_STATE_VERSION = 1;

export const PREKEY_HEADER_LEN = 32 + 32 + SIG_LEN + 32 + 4 + 1 + 4 + KEM_CIPHERTEXT_LEN; // 1257
export const RATCHET_HEADER_LEN = 32 + 4 + 4; // 40

export interface PrekeyHeader {
  readonly senderSignPub: Uint8Array;
  readonly senderDhPub: Uint8Array;
  readonly bindingSignature: Uint8Array;
  readonly ephemeralPub: Uint8Array;
  readonly signedPrekeyId: number;
  readonly oneTimePrekeyId?: number;
  readonly kemCiphertext: Uint8Array;
}

export interface RatchetHeader {
  readonly dh: Uint8Array;
  readonly pn: number;
  readonly n: number;
}

export interface ParsedMessage {
  readonly prekey?: PrekeyHeader;
  readonly prekeyBytes?: Uint8Array;
  readonly header: RatchetHeader;
  /** Every byte before the ciphertext: authenticated as AES-GCM additional data. */
  readonly headerBytes: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function encodePrekeyHeader(h: PrekeyHeader): Uint8Array {
  return new Writer()
    .fixed(h.senderSignPub, KEY_LEN)
    .fixed(h.senderDhPub, KEY_LEN)
    .fixed(h.bindingSignature, SIG_LEN)
    .fixed(h.ephemeralPub, KEY_LEN)
    .u32(h.signedPrekeyId)
    .u8(h.oneTimePrekeyId === undefined ? 0 : 1)
    .u32(h.oneTimePrekeyId ?? 0)
    .fixed(h.kemCiphertext, KEM_CIPHERTEXT_LEN)
    .finish();
}

function readPrekeyHeader(r: Reader): PrekeyHeader {
  const senderSignPub = r.fixed(KEY_LEN);
  const senderDhPub = r.fixed(KEY_LEN);
  const bindingSignature = r.fixed(SIG_LEN);
  const ephemeralPub = r.fixed(KEY_LEN);
  const signedPrekeyId = r.u32();
  const flag = r.u8();
  check(flag === 0 || flag === 1, 'malformed', 'bad one-time prekey flag');
  const otpkId = r.u32();
  check(flag === 1 || otpkId === 0, 'malformed', 'one-time prekey id without flag');
  const kemCiphertext = r.fixed(KEM_CIPHERTEXT_LEN);
  const base = { senderSignPub, senderDhPub, bindingSignature, ephemeralPub, signedPrekeyId, kemCiphertext };
  return flag === 1 ? { ...base, oneTimePrekeyId: otpkId } : base;
}

export function decodePrekeyHeader(bytes: Uint8Array): PrekeyHeader {
  const r = new Reader(bytes);
  const h = readPrekeyHeader(r);
  r.end();
  return h;
}

/** version || type || [prekey header] || ratchet header — the authenticated prefix of a message. */
export function encodeMessageHeader(prekeyBytes: Uint8Array | null, h: RatchetHeader): Uint8Array {
  const w = new Writer().u8(WIRE_VERSION).u8(prekeyBytes ? TYPE_PREKEY_MESSAGE : TYPE_MESSAGE);
  if (prekeyBytes) w.fixed(prekeyBytes, PREKEY_HEADER_LEN);
  return w.fixed(h.dh, KEY_LEN).u32(h.pn).u32(h.n).finish();
}

export function isPrekeyMessage(message: Uint8Array): boolean {
  return message.length >= 2 && message[0] === WIRE_VERSION && message[1] === TYPE_PREKEY_MESSAGE;
}

export function parseMessage(message: Uint8Array): ParsedMessage {
  const r = new Reader(message);
  check(r.u8() === WIRE_VERSION, 'malformed', 'unsupported message version');
  const type = r.u8();
  check(type === TYPE_MESSAGE || type === TYPE_PREKEY_MESSAGE, 'malformed', 'not a session message');
  let prekey: PrekeyHeader | undefined;
  let prekeyBytes: Uint8Array | undefined;
  if (type === TYPE_PREKEY_MESSAGE) {
    const start = r.offset;
    prekey = readPrekeyHeader(r);
    prekeyBytes = message.slice(start, r.offset);
  }
  const header = { dh: r.fixed(KEY_LEN), pn: r.u32(), n: r.u32() };
  const headerBytes = message.slice(0, r.offset);
  const ciphertext = r.rest();
  check(ciphertext.length >= 16, 'malformed', 'ciphertext too short');
  return prekey && prekeyBytes ? { prekey, prekeyBytes, header, headerBytes, ciphertext } : { header, headerBytes, ciphertext };
}

// ---- Session state ---------------------------------------------------------

export interface SkippedMessageKey {
  readonly dh: Uint8Array;
  readonly n: number;
  readonly messageKey: Uint8Array;
}

/** Immutable Double Ratchet state of one pairwise session (one device pair). */
export interface SessionState {
  readonly version: 1;
  /** initiator signPub || initiator dhPub || responder signPub || responder dhPub (128 bytes). */
  readonly identityAd: Uint8Array;
  readonly theirIdentity: PublicIdentity;
  /** The initiator's ephemeral public key; identifies the session setup. */
  readonly baseKey: Uint8Array;
  readonly rootKey: Uint8Array;
  readonly dhsPriv: Uint8Array;
  readonly dhsPub: Uint8Array;
  readonly dhr: Uint8Array | null;
  readonly sendChainKey: Uint8Array | null;
  readonly recvChainKey: Uint8Array | null;
  readonly sendN: number;
  readonly recvN: number;
  readonly prevSendN: number;
  readonly skipped: readonly SkippedMessageKey[];
  /** Encoded prekey header; sent with every message until the first reply is decrypted. */
  readonly pendingPrekey: Uint8Array | null;
}

const F_DHR = 1;
const F_SEND = 2;
const F_RECV = 4;
const F_PENDING = 8;

export function serializeSession(s: SessionState): Uint8Array {
  const flags = (s.dhr ? F_DHR : 0) | (s.sendChainKey ? F_SEND : 0) | (s.recvChainKey ? F_RECV : 0) | (s.pendingPrekey ? F_PENDING : 0);
  const w = new Writer()
    .u8(SESSION_STATE_MAGIC)
    .u8(SESSION_STATE_VERSION)
    .u8(flags)
    .fixed(s.identityAd, 4 * KEY_LEN)
    .fixed(s.theirIdentity.signPub, KEY_LEN)
    .fixed(s.theirIdentity.dhPub, KEY_LEN)
    .fixed(s.baseKey, KEY_LEN)
    .fixed(s.rootKey, KEY_LEN)
    .fixed(s.dhsPriv, KEY_LEN)
    .fixed(s.dhsPub, KEY_LEN);
  if (s.dhr) w.fixed(s.dhr, KEY_LEN);
  if (s.sendChainKey) w.fixed(s.sendChainKey, KEY_LEN);
  if (s.recvChainKey) w.fixed(s.recvChainKey, KEY_LEN);
  w.u32(s.sendN).u32(s.recvN).u32(s.prevSendN);
  if (s.pendingPrekey) w.fixed(s.pendingPrekey, PREKEY_HEADER_LEN);
  w.u32(s.skipped.length);
  for (const k of s.skipped) w.fixed(k.dh, KEY_LEN).u32(k.n).fixed(k.messageKey, KEY_LEN);
  return w.finish();
}

export function deserializeSession(bytes: Uint8Array): SessionState {
  const r = new Reader(bytes);
  check(r.u8() === SESSION_STATE_MAGIC, 'malformed', 'not a session state');
  check(r.u8() === SESSION_STATE_VERSION, 'malformed', 'unsupported session state version');
  const flags = r.u8();
  check((flags & ~15) === 0, 'malformed', 'unknown session flags');
  const identityAd = r.fixed(4 * KEY_LEN);
  const theirIdentity = { signPub: r.fixed(KEY_LEN), dhPub: r.fixed(KEY_LEN) };
  const baseKey = r.fixed(KEY_LEN);
  const rootKey = r.fixed(KEY_LEN);
  const dhsPriv = r.fixed(KEY_LEN);
  const dhsPub = r.fixed(KEY_LEN);
  const dhr = flags & F_DHR ? r.fixed(KEY_LEN) : null;
  const sendChainKey = flags & F_SEND ? r.fixed(KEY_LEN) : null;
  const recvChainKey = flags & F_RECV ? r.fixed(KEY_LEN) : null;
  const sendN = r.u32();
  const recvN = r.u32();
  const prevSendN = r.u32();
  const pendingPrekey = flags & F_PENDING ? r.fixed(PREKEY_HEADER_LEN) : null;
  if (pendingPrekey) decodePrekeyHeader(pendingPrekey);
  const count = r.u32();
  check(count <= 100_000, 'malformed', 'too many skipped keys');
  const skipped: SkippedMessageKey[] = [];
  for (let i = 0; i < count; i++) skipped.push({ dh: r.fixed(KEY_LEN), n: r.u32(), messageKey: r.fixed(KEY_LEN) });
  r.end();
  return {
    version: 1,
    identityAd,
    theirIdentity,
    baseKey,
    rootKey,
    dhsPriv,
    dhsPub,
    dhr,
    sendChainKey,
    recvChainKey,
    sendN,
    recvN,
    prevSendN,
    skipped,
    pendingPrekey,
  };
}
