/**
 * codec.ts — owns the SDK's byte-level conventions on top of @enclave/protocol: key records as
 * JSON for the local store, prekey bundles from the wire, the login signature, the associated data
 * of pairwise sessions and sender-key messages, and the authenticated envelope that carries each
 * Content (binding conversation, message ID, sender and recipient device). Pure functions; must
 * never hand a private key to anything but the local store.
 */
import {
  Content,
  fromBase64Url,
  signDetached,
  toBase64Url,
  utf8Decode,
  utf8Encode,
  type DeviceKeys,
  type IdentityKeyPair,
  type OneTimePrekeyPair,
  type PrekeyBundle,
  type PrekeyBundleWire,
  type SignedPrekeyPair,
} from '@enclave/protocol';
import { EnclaveError } from './errors.js';

const b = toBase64Url;
const u = fromBase64Url;

export interface IdentityRecord {
  signPriv: string;
  signPub: string;
  dhPriv: string;
  dhPub: string;
}
export const identityToRecord = (k: IdentityKeyPair): IdentityRecord => ({ signPriv: b(k.signPriv), signPub: b(k.signPub), dhPriv: b(k.dhPriv), dhPub: b(k.dhPub) });
export const identityFromRecord = (r: IdentityRecord): IdentityKeyPair => ({ signPriv: u(r.signPriv), signPub: u(r.signPub), dhPriv: u(r.dhPriv), dhPub: u(r.dhPub) });

export interface SignedPrekeyRecord {
  id: number;
  dhPriv: string;
  dhPub: string;
  kemSecret: string;
  kemPublic: string;
  signature: string;
  created: number;
}
export const spkToRecord = (k: SignedPrekeyPair, created: number): SignedPrekeyRecord => ({
  id: k.id,
  dhPriv: b(k.dhPriv),
  dhPub: b(k.dhPub),
  kemSecret: b(k.kemSecret),
  kemPublic: b(k.kemPublic),
  signature: b(k.signature),
  created,
});
export const spkFromRecord = (r: SignedPrekeyRecord): SignedPrekeyPair => ({
  id: r.id,
  dhPriv: u(r.dhPriv),
  dhPub: u(r.dhPub),
  kemSecret: u(r.kemSecret),
  kemPublic: u(r.kemPublic),
  signature: u(r.signature),
});

export interface OneTimePrekeyRecord {
  id: number;
  dhPriv: string;
  dhPub: string;
}
export const otpkToRecord = (k: OneTimePrekeyPair): OneTimePrekeyRecord => ({ id: k.id, dhPriv: b(k.dhPriv), dhPub: b(k.dhPub) });
export const otpkFromRecord = (r: OneTimePrekeyRecord): OneTimePrekeyPair => ({ id: r.id, dhPriv: u(r.dhPriv), dhPub: u(r.dhPub) });

/** Public halves for `PUT /v1/keys` and device registration. */
export function deviceKeysWire(identity: IdentityKeyPair, spk: SignedPrekeyPair, otpks: OneTimePrekeyPair[]): DeviceKeys {
  return {
    identitySignPub: b(identity.signPub),
    identityDhPub: b(identity.dhPub),
    signedPrekey: signedPrekeyWire(spk),
    oneTimePrekeys: otpks.map((k) => ({ id: k.id, dhPub: b(k.dhPub) })),
  };
}

export function signedPrekeyWire(spk: SignedPrekeyPair): DeviceKeys['signedPrekey'] {
  return { id: spk.id, dhPub: b(spk.dhPub), kemPublic: b(spk.kemPublic), signature: b(spk.signature) };
}

export function bundleFromWire(w: PrekeyBundleWire): PrekeyBundle {
  return {
    identitySignPub: u(w.identitySignPub),
    identityDhPub: u(w.identityDhPub),
    signedPrekey: { id: w.signedPrekey.id, dhPub: u(w.signedPrekey.dhPub), kemPublic: u(w.signedPrekey.kemPublic), signature: u(w.signedPrekey.signature) },
    ...(w.oneTimePrekey ? { oneTimePrekey: { id: w.oneTimePrekey.id, dhPub: u(w.oneTimePrekey.dhPub) } } : {}),
  };
}

/**
 * Login of an existing device: the device identity key's detached signature
 * `signDetached(identity, 'enclave-login-v1', utf8("<deviceId>|<timestamp>"))` (docs/messaging.md).
 */
export async function loginSignature(identity: IdentityKeyPair, deviceId: string, timestamp: number): Promise<string> {
  return b(signDetached(identity, 'enclave-login-v1', utf8Encode(`${deviceId}|${timestamp}`)));
}

/**
 * Associated data of a pairwise session. The crypto layer requires the same value for the whole
 * session (setup included), so it binds the two device IDs in a canonical order; the per-message
 * binding (conversation, message ID, direction) is the envelope below.
 */
export function sessionAd(deviceA: string, deviceB: string): Uint8Array {
  const [x, y] = deviceA < deviceB ? [deviceA, deviceB] : [deviceB, deviceA];
  return utf8Encode(`enclave-pw-v1|${x}|${y}`);
}

/** Associated data of a sender-key message: conversation, message ID and sending device. */
export function senderKeyAd(conv: string, messageId: string, senderDevice: string): Uint8Array {
  return utf8Encode(`enclave-sk-v1|${conv}|${messageId}|${senderDevice}`);
}

/** The plaintext inside every ciphertext: Content plus the routing it must match on arrival. */
export interface Envelope {
  v: 1;
  conv: string;
  id: string;
  from: string;
  /** Recipient device (pairwise) or '*' (sender key). */
  to: string;
  c: Content;
}

const PAD = 64;

/** JSON, padded with spaces to a multiple of 64 bytes so ciphertext sizes reveal less. */
export function encodeEnvelope(e: Envelope): Uint8Array {
  const json = utf8Encode(JSON.stringify(e));
  const out = new Uint8Array(Math.ceil((json.length + 1) / PAD) * PAD).fill(0x20);
  out.set(json);
  return out;
}

/** Parses and checks an envelope against the delivery metadata; throws integrity on any mismatch. */
export function decodeEnvelope(bytes: Uint8Array, expect: { conv: string; id: string; from: string; to: string }): Envelope {
  let raw: unknown;
  try {
    raw = JSON.parse(utf8Decode(bytes));
  } catch {
    throw new EnclaveError('integrity', 'A message could not be parsed after decryption.');
  }
  const e = raw as Partial<Envelope>;
  if (e.v !== 1 || e.conv !== expect.conv || e.id !== expect.id || e.from !== expect.from || e.to !== expect.to) {
    throw new EnclaveError('integrity', 'A message does not match its delivery (conversation, ID or devices).');
  }
  const c = Content.safeParse(e.c);
  if (!c.success) throw new EnclaveError('integrity', 'A message has content this client does not understand.');
  return { v: 1, conv: e.conv, id: e.id, from: e.from, to: e.to, c: c.data };
}

/** A new message ID: 16 random bytes, base64url (22 characters). */
export function newId(): string {
  return b(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

export { b as b64, u as unb64 };
