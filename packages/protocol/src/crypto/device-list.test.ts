// Signed device lists and safety numbers: the encoding is canonical, a chain is accepted only when
// every step is signed by a device of the list before it, and a served chain is judged against the
// pinned head (unchanged / first / changed / reset) or refused (tampering, rollback, replay, a fork,
// a removed device or a key outside the chain signing). Safety numbers are symmetric, stable across
// signed changes and change on resets.
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  checkDeviceListChain,
  decodeDeviceList,
  firstDeviceList,
  generateIdentity,
  matchesSafetyNumber,
  nextDeviceList,
  safetyNumber,
  verifyDeviceListChain,
  type DeviceList,
  type IdentityKeyPair,
} from './index.js';
import { seededRng } from './seeded-rng.js';

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(code);
}

const ids = (name: string): IdentityKeyPair => generateIdentity(seededRng(`device-list-test/${name}`));
const dev = (deviceId: string, id: IdentityKeyPair) => ({ deviceId, signPub: id.signPub, dhPub: id.dhPub });
const enc = (...lists: DeviceList[]) => lists.map((l) => l.encoded);

describe('device lists', () => {
  const phone = ids('phone');
  const laptop = ids('laptop');
  const tablet = ids('tablet');
  const ghost = ids('ghost');
  // Alice's account 1001: the phone starts the chain, adds the laptop, the laptop adds the tablet,
  // then the tablet removes the phone.
  const v1 = firstDeviceList({ account: '1001', version: 1, devices: [dev('phone', phone)], signerId: 'phone', identity: phone });
  const v2 = nextDeviceList(v1, { devices: [dev('phone', phone), dev('laptop', laptop)], signerId: 'phone', identity: phone });
  const v3 = nextDeviceList(v2, { devices: [dev('phone', phone), dev('laptop', laptop), dev('tablet', tablet)], signerId: 'laptop', identity: laptop });
  const v4 = nextDeviceList(v3, { devices: [dev('laptop', laptop), dev('tablet', tablet)], signerId: 'tablet', identity: tablet });

  it('round-trips the canonical encoding and sorts devices by ID', () => {
    const d = decodeDeviceList(v3.encoded);
    expect(d.devices.map((x) => x.deviceId)).toEqual(['laptop', 'phone', 'tablet']);
    expect(d).toMatchObject({ account: '1001', version: 3, signer: 'laptop' });
    expect(d.prev).toEqual(v2.hash);
    expect(d.hash).toEqual(v3.hash);
    expect(v1.prev).toBeUndefined();
  });

  it('accepts a chain whose every step is signed by a device of the step before', () => {
    const { head, root } = verifyDeviceListChain('1001', enc(v1, v2, v3, v4));
    expect(head.version).toBe(4);
    expect(root).toEqual(v1.hash);
  });

  it('judges a served chain against the pinned head', () => {
    expect(checkDeviceListChain('1001', enc(v1, v2)).outcome).toBe('first');
    expect(checkDeviceListChain('1001', enc(v1, v2), v2.encoded).outcome).toBe('unchanged');
    const changed = checkDeviceListChain('1001', enc(v1, v2, v3, v4), v2.encoded);
    expect(changed.outcome).toBe('changed');
    if (changed.outcome !== 'changed') throw new Error('unreachable');
    expect(changed.added.map((d) => d.deviceId)).toEqual(['tablet']);
    expect(changed.removed.map((d) => d.deviceId)).toEqual(['phone']);
    expect(changed.root).toEqual(v1.hash);
  });

  it('reports a new chain started above the pinned version as an identity reset', () => {
    // The laptop starts over (a reset by a device already known is still a new identity).
    const r5 = firstDeviceList({ account: '1001', version: 5, devices: [dev('laptop', laptop), dev('new', ids('new'))], signerId: 'laptop', identity: laptop });
    const result = checkDeviceListChain('1001', enc(r5), v4.encoded);
    expect(result.outcome).toBe('reset');
    expect(result.root).toEqual(r5.hash);
    expect(result.root).not.toEqual(v1.hash);
  });

  it('refuses a tampered list (one byte changed anywhere)', () => {
    for (const at of [10, v2.encoded.length - 70, v2.encoded.length - 1]) {
      const bad = v2.encoded.slice();
      bad[at] = bad[at]! ^ 0x01;
      let caught: unknown;
      try {
        checkDeviceListChain('1001', [v1.encoded, bad], v1.encoded);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      expect(['bad_signature', 'malformed', 'broken_chain', 'untrusted_signer']).toContain((caught as ProtocolError).code);
    }
    // A device's key swapped for the ghost's, re-encoded but not re-signed: the signature fails.
    const swapped = v2.encoded.slice();
    const at = indexOf(swapped, laptop.signPub);
    swapped.set(ghost.signPub, at);
    expectCode(() => checkDeviceListChain('1001', [v1.encoded, swapped], v1.encoded), 'bad_signature');
  });

  it('refuses a list signed by a device the previous list does not hold (a removed device)', () => {
    // The phone was removed at v4; it signs a v5 that adds the ghost.
    const forged = nextDeviceList(v3, { devices: [dev('laptop', laptop), dev('ghost', ghost)], signerId: 'phone', identity: phone });
    const relinked = relink(forged, v4, 'phone', phone);
    expectCode(() => checkDeviceListChain('1001', enc(v1, v2, v3, v4, relinked), v4.encoded), 'untrusted_signer');
  });

  it('refuses a list signed by a key outside the chain, even under a listed device ID', () => {
    // The ghost signs, naming itself 'laptop' (a listed device): the laptop's key does not verify it.
    const forged = relink(nextDeviceList(v1, { devices: [dev('phone', phone)], signerId: 'phone', identity: phone }), v4, 'laptop', ghost);
    expectCode(() => checkDeviceListChain('1001', enc(v1, v2, v3, v4, forged), v4.encoded), 'bad_signature');
    // Naming an unknown signer ID.
    const stranger = relink(nextDeviceList(v1, { devices: [dev('phone', phone)], signerId: 'phone', identity: phone }), v4, 'ghost', ghost);
    expectCode(() => checkDeviceListChain('1001', enc(v1, v2, v3, v4, stranger), v4.encoded), 'untrusted_signer');
  });

  it('refuses a replayed old chain and a reused version (rollback and fork)', () => {
    expectCode(() => checkDeviceListChain('1001', enc(v1, v2), v4.encoded), 'rollback');
    // Another v4 (the tablet signs a different list at the pinned version).
    const other4 = nextDeviceList(v3, { devices: [dev('tablet', tablet)], signerId: 'tablet', identity: tablet });
    expectCode(() => checkDeviceListChain('1001', enc(v1, v2, v3, other4), v4.encoded), 'rollback');
    // A chain rewritten beneath the pin: a fresh first list at version 2 that grows to version 5.
    const f2 = firstDeviceList({ account: '1001', version: 2, devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost });
    const f3 = nextDeviceList(f2, { devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost });
    const f4 = nextDeviceList(f3, { devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost });
    const f5 = nextDeviceList(f4, { devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost });
    expectCode(() => checkDeviceListChain('1001', enc(f2, f3, f4, f5), v4.encoded), 'rollback');
    // A reset whose version does not exceed the pin is a replay of an older identity.
    const oldReset = firstDeviceList({ account: '1001', version: 4, devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost });
    expectCode(() => checkDeviceListChain('1001', enc(oldReset), v4.encoded), 'rollback');
  });

  it('refuses broken links: a skipped version, a wrong predecessor hash, a first list in the middle, another account', () => {
    const skip = relinkVersion(nextDeviceList(v2, { devices: [dev('phone', phone)], signerId: 'phone', identity: phone }), v2, 4, 'phone', phone);
    expectCode(() => verifyDeviceListChain('1001', enc(v1, v2, skip)), 'broken_chain');
    expectCode(() => verifyDeviceListChain('1001', enc(v1, v3)), 'broken_chain');
    const restart = firstDeviceList({ account: '1001', version: 3, devices: [dev('phone', phone)], signerId: 'phone', identity: phone });
    expectCode(() => verifyDeviceListChain('1001', enc(v1, v2, restart)), 'broken_chain');
    expectCode(() => verifyDeviceListChain('1002', enc(v1, v2)), 'wrong_account');
    expectCode(() => verifyDeviceListChain('1001', []), 'malformed');
  });

  it('refuses a first list signed by a device it does not hold, and malformed encodings', () => {
    expect(() => firstDeviceList({ account: '1001', version: 1, devices: [dev('phone', phone)], signerId: 'laptop', identity: laptop })).toThrow(ProtocolError);
    expect(() => nextDeviceList(v4, { devices: [dev('ghost', ghost)], signerId: 'ghost', identity: ghost })).toThrow(ProtocolError);
    expect(() => firstDeviceList({ account: '1001', version: 1, devices: [dev('a', phone), dev('b', phone)], signerId: 'a', identity: phone })).toThrow(ProtocolError);
    expectCode(() => decodeDeviceList(v1.encoded.subarray(0, 60)), 'malformed');
    expectCode(() => decodeDeviceList(new Uint8Array([...v1.encoded, 0])), 'malformed');
    const wrongFormat = v1.encoded.slice();
    wrongFormat[1] = 2;
    expectCode(() => decodeDeviceList(wrongFormat), 'malformed');
  });
});

describe('safety numbers', () => {
  const a = ids('a');
  const b = ids('b');
  const a1 = firstDeviceList({ account: '1001', version: 1, devices: [dev('a1', a)], signerId: 'a1', identity: a });
  const b1 = firstDeviceList({ account: '1002', version: 1, devices: [dev('b1', b)], signerId: 'b1', identity: b });
  const alice = { account: '1001', root: a1.hash };
  const bob = { account: '1002', root: b1.hash };

  it('is the same on both sides: 60 digits in twelve groups, and a QR payload', () => {
    const sn = safetyNumber(alice, bob);
    expect(sn).toEqual(safetyNumber(bob, alice));
    expect(sn.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(sn.qr).toMatch(/^ENCLAVE-SN:1:[0-9A-F]{120}$/);
    expect(matchesSafetyNumber(sn, sn.qr)).toBe(true);
    expect(matchesSafetyNumber(sn, sn.digits.replace(/ /g, ''))).toBe(true);
    expect(matchesSafetyNumber(sn, sn.qr.toLowerCase())).toBe(true);
  });

  it('stays the same across signed device changes and changes on a reset', () => {
    const a2 = nextDeviceList(a1, { devices: [dev('a1', a), dev('a2', ids('a2'))], signerId: 'a1', identity: a });
    const after = checkDeviceListChain('1001', enc(a1, a2), a1.encoded);
    expect(safetyNumber({ account: '1001', root: after.root }, bob)).toEqual(safetyNumber(alice, bob));
    const reset = firstDeviceList({ account: '1001', version: 3, devices: [dev('a3', ids('a3'))], signerId: 'a3', identity: ids('a3') });
    const r = checkDeviceListChain('1001', enc(reset), a2.encoded);
    const changed = safetyNumber({ account: '1001', root: r.root }, bob);
    expect(changed.digits).not.toBe(safetyNumber(alice, bob).digits);
    expect(matchesSafetyNumber(changed, safetyNumber(alice, bob).qr)).toBe(false);
  });

  it('binds the account: the same root under another account ID gives another number', () => {
    expect(safetyNumber({ account: '1003', root: a1.hash }, bob).digits).not.toBe(safetyNumber(alice, bob).digits);
  });
});

/** Rewrites `list` to follow `parent` (version + 1, its hash) signed by `identity` as `signerId`, bypassing the constructor's checks. */
function relink(list: DeviceList, parent: DeviceList, signerId: string, identity: IdentityKeyPair): DeviceList {
  return relinkVersion(list, parent, parent.version + 1, signerId, identity);
}

function relinkVersion(list: DeviceList, parent: DeviceList, version: number, signerId: string, identity: IdentityKeyPair): DeviceList {
  // Encoded by hand (the format in docs/protocol.md): the library refuses to sign such lists.
  const enc = new TextEncoder();
  const parts: number[] = [0x44, 0x01];
  const u32 = (n: number) => parts.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  const vbytes = (b: Uint8Array) => {
    u32(b.length);
    parts.push(...b);
  };
  vbytes(enc.encode(parent.account));
  u32(version);
  parts.push(1, ...parent.hash);
  u32(list.devices.length);
  for (const d of list.devices) {
    vbytes(enc.encode(d.deviceId));
    parts.push(...d.signPub, ...d.dhPub);
  }
  vbytes(enc.encode(signerId));
  const body = Uint8Array.from(parts);
  const label = enc.encode('Enclave-v1/device-list\0');
  const signature = signRaw(identity, Uint8Array.from([...label, ...body]));
  return decodeDeviceList(Uint8Array.from([...body, ...signature]));
}

function signRaw(identity: IdentityKeyPair, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, identity.signPriv);
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
