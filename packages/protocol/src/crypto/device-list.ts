/**
 * device-list.ts — owns an account's signed device list (docs/protocol.md, "Device lists and
 * safety numbers"): its canonical byte encoding, signing a first list (the start of a chain) or the
 * next list of a chain, verifying one list against its predecessor, verifying a whole chain, and
 * judging a chain the server serves against the list a client pinned before (unchanged, first
 * sight, a change signed by a device already trusted, an identity reset, or an attack). Also the
 * account's safety number (digits and QR payload) from the root of its chain. Pure: no I/O, no clock.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { Reader, Writer, concatBytes, equalBytes, u32be, utf8Decode, utf8Encode } from './bytes.js';
import { ProtocolError, check } from './errors.js';
import type { IdentityKeyPair } from './identity.js';
import { KEY_LEN, LABEL, SIG_LEN, labelBytes, sign, verify } from './primitives.js';

/** Format byte of the encoding below. */
export const DEVICE_LIST_FORMAT = 0x01;
/** At most this many devices in one account's list. */
export const MAX_LIST_DEVICES = 100;
/** SHA-512 iterations of each side of a safety number (as Signal's numeric fingerprints). */
export const SAFETY_NUMBER_ITERATIONS = 5200;
/** Prefix of the QR payload of a safety number (QR alphanumeric mode: digits, A–Z, ':'). */
export const SAFETY_QR_PREFIX = 'ENCLAVE-SN:1:';

const MAGIC = 0x44; // 'D'
const HASH_LEN = 32;
const MAX_ID_BYTES = 64;
const MAX_ACCOUNT_BYTES = 128;

/** One device as its account's list names it: the identity keys every peer must see for it. */
export interface ListedDevice {
  readonly deviceId: string;
  readonly signPub: Uint8Array;
  readonly dhPub: Uint8Array;
}

/** A decoded signed device list. `encoded` is the exact signed bytes, `hash` their SHA-256 link hash. */
export interface DeviceList {
  readonly account: string;
  readonly version: number;
  /** Hash of the list this one follows; absent for the first list of a chain (a new identity). */
  readonly prev?: Uint8Array;
  /** Sorted by device ID, IDs and signing keys unique. */
  readonly devices: readonly ListedDevice[];
  /** The device whose identity key signed: in `devices` for a first list, in the previous list otherwise. */
  readonly signer: string;
  readonly signature: Uint8Array;
  readonly encoded: Uint8Array;
  readonly hash: Uint8Array;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkAccount(account: string): Uint8Array {
  const bytes = utf8Encode(account);
  check(bytes.length > 0 && bytes.length <= MAX_ACCOUNT_BYTES, 'invalid_argument', 'account must be 1..128 bytes');
  return bytes;
}

function checkVersion(version: number): void {
  check(Number.isInteger(version) && version >= 1 && version <= 0xffffffff, 'invalid_argument', 'version must be a u32 of at least 1');
}

/** body = 'D' ‖ u8 format ‖ vbytes(account) ‖ u32 version ‖ u8 flags ‖ [prev(32)] ‖ u32 n ‖ n × (vbytes(id) ‖ signPub ‖ dhPub) ‖ vbytes(signer) */
function encodeBody(account: string, version: number, prev: Uint8Array | undefined, devices: readonly ListedDevice[], signer: string): Uint8Array {
  const acc = checkAccount(account);
  checkVersion(version);
  check(devices.length >= 1 && devices.length <= MAX_LIST_DEVICES, 'invalid_argument', `a device list holds 1..${MAX_LIST_DEVICES} devices`);
  const sorted = [...devices].sort((a, b) => compareIds(a.deviceId, b.deviceId));
  const w = new Writer().u8(MAGIC).u8(DEVICE_LIST_FORMAT).vbytes(acc).u32(version).u8(prev ? 1 : 0);
  if (prev) w.fixed(prev, HASH_LEN);
  w.u32(sorted.length);
  const keys = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    const d = sorted[i]!;
    const id = utf8Encode(d.deviceId);
    check(id.length > 0 && id.length <= MAX_ID_BYTES, 'invalid_argument', 'device IDs are 1..64 bytes');
    check(i === 0 || sorted[i - 1]!.deviceId !== d.deviceId, 'invalid_argument', 'a device is listed twice');
    const key = hex(d.signPub);
    check(!keys.has(key), 'invalid_argument', 'two devices with one signing key');
    keys.add(key);
    w.vbytes(id).fixed(d.signPub, KEY_LEN).fixed(d.dhPub, KEY_LEN);
  }
  const s = utf8Encode(signer);
  check(s.length > 0 && s.length <= MAX_ID_BYTES, 'invalid_argument', 'device IDs are 1..64 bytes');
  return w.vbytes(s).finish();
}

function signedBytes(body: Uint8Array): Uint8Array {
  return concatBytes(labelBytes(LABEL.deviceList), body);
}

function listHash(encoded: Uint8Array): Uint8Array {
  return sha256(concatBytes(labelBytes(LABEL.deviceListHash), encoded));
}

function signList(account: string, version: number, prev: Uint8Array | undefined, devices: readonly ListedDevice[], signerId: string, identity: IdentityKeyPair): DeviceList {
  const body = encodeBody(account, version, prev, devices, signerId);
  const signature = sign(identity.signPriv, signedBytes(body));
  return decodeDeviceList(concatBytes(body, signature));
}

/**
 * The first list of a chain — a new account identity, or an identity reset — signed by one of the
 * devices it lists. `version` must be above every version the account had before (the server keeps
 * versions increasing across resets, and clients refuse going back).
 */
export function firstDeviceList(o: { account: string; version: number; devices: readonly ListedDevice[]; signerId: string; identity: IdentityKeyPair }): DeviceList {
  const me = o.devices.find((d) => d.deviceId === o.signerId);
  check(me && equalBytes(me.signPub, o.identity.signPub), 'invalid_argument', 'the signer of a first list must be one of its devices');
  return signList(o.account, o.version, undefined, o.devices, o.signerId, o.identity);
}

/** The list that follows `parent` (version + 1, linked by hash), signed by a device of `parent`. */
export function nextDeviceList(parent: DeviceList, o: { devices: readonly ListedDevice[]; signerId: string; identity: IdentityKeyPair }): DeviceList {
  const me = parent.devices.find((d) => d.deviceId === o.signerId);
  check(me && equalBytes(me.signPub, o.identity.signPub), 'invalid_argument', 'the signer of a next list must be a device of the list it follows');
  return signList(parent.account, parent.version + 1, parent.hash, o.devices, o.signerId, o.identity);
}

/**
 * Parses a signed list (structure only: the signature is checked by the verify functions, which
 * know whose key must have made it). Refuses anything but the one canonical encoding.
 */
export function decodeDeviceList(encoded: Uint8Array): DeviceList {
  check(encoded.length > SIG_LEN, 'malformed', 'device list too short');
  const body = encoded.subarray(0, encoded.length - SIG_LEN);
  const signature = encoded.slice(encoded.length - SIG_LEN);
  const r = new Reader(body);
  check(r.u8() === MAGIC && r.u8() === DEVICE_LIST_FORMAT, 'malformed', 'not a device list of format 1');
  const accBytes = r.vbytes(MAX_ACCOUNT_BYTES);
  check(accBytes.length > 0, 'malformed', 'empty account');
  const account = utf8Decode(accBytes);
  const version = r.u32();
  check(version >= 1, 'malformed', 'version 0');
  const flags = r.u8();
  check(flags === 0 || flags === 1, 'malformed', 'unknown flags');
  const prev = flags === 1 ? r.fixed(HASH_LEN) : undefined;
  const n = r.u32();
  check(n >= 1 && n <= MAX_LIST_DEVICES, 'malformed', 'device count out of range');
  const devices: ListedDevice[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    const idBytes = r.vbytes(MAX_ID_BYTES);
    check(idBytes.length > 0, 'malformed', 'empty device ID');
    const deviceId = utf8Decode(idBytes);
    check(i === 0 || compareIds(devices[i - 1]!.deviceId, deviceId) < 0, 'malformed', 'devices not strictly sorted');
    const signPub = r.fixed(KEY_LEN);
    const dhPub = r.fixed(KEY_LEN);
    const k = hex(signPub);
    check(!keys.has(k), 'malformed', 'two devices with one signing key');
    keys.add(k);
    devices.push({ deviceId, signPub, dhPub });
  }
  const signerBytes = r.vbytes(MAX_ID_BYTES);
  check(signerBytes.length > 0, 'malformed', 'empty signer');
  const signer = utf8Decode(signerBytes);
  r.end();
  const copy = encoded.slice();
  return { account, version, ...(prev ? { prev } : {}), devices, signer, signature, encoded: copy, hash: listHash(copy) };
}

function verifyBy(signerKeyList: DeviceList, list: DeviceList, code: 'untrusted_signer'): void {
  const signer = signerKeyList.devices.find((d) => d.deviceId === list.signer);
  if (!signer) throw new ProtocolError(code, `device list ${list.version} is signed by ${list.signer}, not a device of the list it follows`);
  verify(signer.signPub, signedBytes(list.encoded.subarray(0, list.encoded.length - SIG_LEN)), list.signature);
}

/** A first list: no predecessor, signed by one of its own devices. */
export function verifyFirstDeviceList(list: DeviceList): void {
  check(!list.prev, 'broken_chain', 'not the first list of a chain');
  verifyBy(list, list, 'untrusted_signer');
}

/** `child` follows `parent`: same account, version + 1, its hash, signed by a device of `parent`. */
export function verifyNextDeviceList(parent: DeviceList, child: DeviceList): void {
  check(child.account === parent.account, 'wrong_account', 'a list of another account in the chain');
  check(child.prev !== undefined && equalBytes(child.prev, parent.hash), 'broken_chain', 'the list does not link to its predecessor');
  check(child.version === parent.version + 1, 'broken_chain', 'versions of a chain increase by one');
  verifyBy(parent, child, 'untrusted_signer');
}

/**
 * Verifies a chain (oldest first): a first list, then each list signed by a device of the one
 * before. Returns the decoded lists, the head and the root (the first list's hash: the identity).
 */
export function verifyDeviceListChain(account: string, chain: readonly Uint8Array[]): { lists: DeviceList[]; head: DeviceList; root: Uint8Array } {
  check(chain.length > 0, 'malformed', 'an empty chain');
  const lists = chain.map((b) => decodeDeviceList(b));
  for (const l of lists) check(l.account === account, 'wrong_account', `a device list of account ${l.account}, expected ${account}`);
  verifyFirstDeviceList(lists[0]!);
  for (let i = 1; i < lists.length; i++) verifyNextDeviceList(lists[i - 1]!, lists[i]!);
  return { lists, head: lists[lists.length - 1]!, root: lists[0]!.hash };
}

/** What a served chain means against what was pinned before. */
export type DeviceListCheck =
  /** The pinned head is still the head. */
  | { outcome: 'unchanged'; head: DeviceList; root: Uint8Array }
  /** Nothing was pinned: trust on first use. */
  | { outcome: 'first'; head: DeviceList; root: Uint8Array }
  /** The chain continues from the pinned head, every step signed by a device already trusted. */
  | { outcome: 'changed'; head: DeviceList; root: Uint8Array; added: ListedDevice[]; removed: ListedDevice[] }
  /** A new chain (another root) started after the pinned version: an identity reset, shown as such. */
  | { outcome: 'reset'; head: DeviceList; root: Uint8Array; added: ListedDevice[]; removed: ListedDevice[] };

function sameDevice(a: ListedDevice, b: ListedDevice): boolean {
  return a.deviceId === b.deviceId && equalBytes(a.signPub, b.signPub) && equalBytes(a.dhPub, b.dhPub);
}

/** Devices of `next` not in `prev` (or with other keys), and the reverse. */
export function diffDeviceLists(prev: DeviceList, next: DeviceList): { added: ListedDevice[]; removed: ListedDevice[] } {
  return {
    added: next.devices.filter((d) => !prev.devices.some((p) => sameDevice(p, d))),
    removed: prev.devices.filter((p) => !next.devices.some((d) => sameDevice(p, d))),
  };
}

/**
 * Judges the chain the server serves for `account` (oldest first, from the last first list) against
 * the pinned head (the encoded list a client last accepted). Throws ProtocolError when the chain is
 * not acceptable: 'malformed', 'bad_signature', 'untrusted_signer' (a step not signed by a device of
 * the list before — e.g. a removed device, or a key outside the chain), 'broken_chain',
 * 'wrong_account', 'rollback' (older than the pin, another list at the pinned version, or a chain
 * that forks below the pin). The caller keeps its pin on any error.
 */
export function checkDeviceListChain(account: string, chain: readonly Uint8Array[], pinnedHead?: Uint8Array): DeviceListCheck {
  const { lists, head, root } = verifyDeviceListChain(account, chain);
  if (!pinnedHead) return { outcome: 'first', head, root };
  const pinned = decodeDeviceList(pinnedHead);
  check(pinned.account === account, 'wrong_account', 'the pinned list is of another account');
  check(head.version >= pinned.version, 'rollback', `device list version ${head.version} is older than the pinned version ${pinned.version}`);
  const atPin = lists.find((l) => l.version === pinned.version);
  if (atPin) {
    // The chain covers the pinned version: it must hold the very list pinned (no fork, no rewrite).
    check(equalBytes(atPin.encoded, pinned.encoded), 'rollback', `another device list at the pinned version ${pinned.version}`);
    if (head.version === pinned.version) return { outcome: 'unchanged', head, root };
    return { outcome: 'changed', head, root, ...diffDeviceLists(pinned, head) };
  }
  // A chain that starts after the pin: a new identity. One that starts at or below it without the
  // pinned list was rewritten beneath the pin: refused.
  check(lists[0]!.version > pinned.version, 'rollback', 'the chain forks below the pinned version');
  return { outcome: 'reset', head, root, ...diffDeviceLists(pinned, head) };
}

// ---- Safety numbers ----------------------------------------------------------------------------

/**
 * One account's half of a safety number: 30 bytes of
 * h0 = SHA-512(label("Enclave-v1/safety-number") ‖ u32 len(account) ‖ account ‖ root),
 * h(i+1) = SHA-512(h(i) ‖ root), 5200 iterations.
 */
export function accountFingerprint(account: string, root: Uint8Array): Uint8Array {
  const acc = checkAccount(account);
  check(root.length === HASH_LEN, 'invalid_argument', 'a chain root is 32 bytes');
  let h = sha512(concatBytes(labelBytes(LABEL.safetyNumber), u32be(acc.length), acc, root));
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) h = sha512(concatBytes(h, root));
  return h.slice(0, 30);
}

/** 30 digits: six 5-byte big-endian integers, each mod 100000, zero-padded to 5 digits. */
function digitsOf(fp: Uint8Array): string {
  let out = '';
  for (let g = 0; g < 6; g++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + fp[g * 5 + j]!;
    out += String(v % 100000).padStart(5, '0');
  }
  return out;
}

/**
 * The safety number of two accounts, the same on both sides: each account's 30 digits, the smaller
 * first, as twelve groups of five; and the QR payload `ENCLAVE-SN:1:` + both fingerprints in hex,
 * in the same order. It changes exactly when either account's chain root changes (a reset).
 */
export function safetyNumber(a: { account: string; root: Uint8Array }, b: { account: string; root: Uint8Array }): { digits: string; qr: string } {
  const sides = [accountFingerprint(a.account, a.root), accountFingerprint(b.account, b.root)].map((fp) => ({ fp, digits: digitsOf(fp) }));
  sides.sort((x, y) => (x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : compareIds(hex(x.fp), hex(y.fp))));
  const all = sides[0]!.digits + sides[1]!.digits;
  return { digits: all.match(/.{5}/g)!.join(' '), qr: `${SAFETY_QR_PREFIX}${hex(sides[0]!.fp)}${hex(sides[1]!.fp)}` };
}

/** True when a scanned QR payload (or typed digits) is this safety number. */
export function matchesSafetyNumber(expected: { digits: string; qr: string }, scanned: string): boolean {
  const s = scanned.trim();
  if (s.toUpperCase().startsWith(SAFETY_QR_PREFIX)) return s.toUpperCase() === expected.qr;
  const digits = s.replace(/\s+/g, '');
  return /^\d{60}$/.test(digits) && digits === expected.digits.replace(/\s+/g, '');
}
