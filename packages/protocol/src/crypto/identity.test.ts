import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ProtocolError,
  concatBytes,
  equalBytes,
  fingerprint,
  fromBase64Url,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  publicSignedPrekey,
  signDetached,
  toBase64Url,
  utf8Decode,
  utf8Encode,
  verifyDetached,
  verifyPrekeyBundle,
} from './index.js';
import { seededRng } from './seeded-rng.js';

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error(`expected ProtocolError ${code}`);
}

describe('identity and prekeys', () => {
  const id = generateIdentity(seededRng('id'));
  const spk = generateSignedPrekey(id, 7, seededRng('spk'));

  it('generates keys of the right sizes, deterministic for a seed', () => {
    expect([id.signPriv.length, id.signPub.length, id.dhPriv.length, id.dhPub.length]).toEqual([32, 32, 32, 32]);
    expect(spk.kemPublic.length).toBe(1184);
    expect(spk.kemSecret.length).toBe(2400);
    expect(spk.signature.length).toBe(64);
    expect(generateIdentity(seededRng('id'))).toEqual(id);
    expect(generateIdentity()).not.toEqual(generateIdentity());
    const otpks = generateOneTimePrekeys(50, 4, seededRng('otpk'));
    expect(otpks.map((k) => k.id)).toEqual([50, 51, 52, 53]);
    expect(new Set(otpks.map((k) => toBase64Url(k.dhPub))).size).toBe(4);
  });

  it('verifies a genuine bundle and rejects a forged one', () => {
    const bundle = { identitySignPub: id.signPub, identityDhPub: id.dhPub, signedPrekey: publicSignedPrekey(spk) };
    expect(() => verifyPrekeyBundle(bundle)).not.toThrow();
    expectCode(() => verifyPrekeyBundle({ ...bundle, signedPrekey: { ...bundle.signedPrekey, id: 8 } }), 'bad_signature');
    const other = generateIdentity(seededRng('other'));
    expectCode(() => verifyPrekeyBundle({ ...bundle, identitySignPub: other.signPub }), 'bad_signature');
    const forgedSpk = generateSignedPrekey(other, 7, seededRng('spk'));
    expectCode(() => verifyPrekeyBundle({ ...bundle, signedPrekey: publicSignedPrekey(forgedSpk) }), 'bad_signature');
    expectCode(() => verifyPrekeyBundle({ ...bundle, signedPrekey: { ...bundle.signedPrekey, signature: new Uint8Array(10) } }), 'malformed');
  });

  it('detached signatures are domain separated', () => {
    const msg = utf8Encode('device list v3');
    const sig = signDetached(id, 'enclave/device-list', msg);
    expect(() => verifyDetached(id.signPub, 'enclave/device-list', msg, sig)).not.toThrow();
    expectCode(() => verifyDetached(id.signPub, 'enclave/other', msg, sig), 'bad_signature');
    expectCode(() => verifyDetached(id.signPub, 'enclave/device-list', utf8Encode('device list v4'), sig), 'bad_signature');
    expectCode(() => verifyDetached(generateIdentity().signPub, 'enclave/device-list', msg, sig), 'bad_signature');
    expectCode(() => signDetached(id, '', msg), 'invalid_argument');
    // context/message boundary is unambiguous
    const a = signDetached(id, 'ab', utf8Encode('c'));
    expectCode(() => verifyDetached(id.signPub, 'a', utf8Encode('bc'), a), 'bad_signature');
    // a signed prekey signature is not a valid detached signature of its bytes
    expectCode(() => verifyDetached(id.signPub, 'Enclave-v1/signed-prekey', concatBytes(id.dhPub), spk.signature), 'bad_signature');
  });

  it('fingerprint is 60 digits in 12 groups and differs per key', () => {
    const f = fingerprint(id.signPub);
    expect(f).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(fingerprint(id.signPub)).toBe(f);
    expect(fingerprint(generateIdentity(seededRng('other')).signPub)).not.toBe(f);
  });
});

describe('encoding helpers', () => {
  it('base64url round-trips and matches the standard encoding (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = toBase64Url(bytes);
        expect(s).toBe(btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
        expect(fromBase64Url(s)).toEqual(bytes);
      }),
      { seed: 1 },
    );
  });

  it('base64url rejects non-canonical input', () => {
    expectCode(() => fromBase64Url('A'), 'malformed');
    expectCode(() => fromBase64Url('AB=='), 'malformed');
    expectCode(() => fromBase64Url('AB+/'), 'malformed');
    expectCode(() => fromBase64Url('AB'), 'malformed'); // trailing bits set
    expect(fromBase64Url('AA')).toEqual(Uint8Array.of(0));
  });

  it('utf8, concat, equalBytes', () => {
    expect(utf8Decode(utf8Encode('héllo 👋'))).toBe('héllo 👋');
    expectCode(() => utf8Decode(Uint8Array.of(0xff, 0xfe)), 'malformed');
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
  });
});
