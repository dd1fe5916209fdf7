import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ProtocolError,
  concatBytes,
  deserializeSession,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  initiateSession,
  isPrekeyMessage,
  publicSignedPrekey,
  serializeSession,
  sessionAcceptInitial,
  sessionDecrypt,
  sessionEncrypt,
  utf8Decode,
  utf8Encode,
  type IdentityKeyPair,
  type OneTimePrekeyPair,
  type PrekeyBundle,
  type PrekeyStore,
  type SessionState,
  type SignedPrekeyPair,
} from './index.js';
import { seededRng } from './seeded-rng.js';

const AD = utf8Encode('alice-device-1|bob-device-7');
const enc = utf8Encode;
const dec = utf8Decode;

interface Device {
  identity: IdentityKeyPair;
  spk: SignedPrekeyPair;
  otpks: OneTimePrekeyPair[];
  store: PrekeyStore;
}

function device(seed: string): Device {
  const rng = seededRng(seed);
  const identity = generateIdentity(rng);
  const spk = generateSignedPrekey(identity, 1, rng);
  const otpks = generateOneTimePrekeys(100, 3, rng);
  return {
    identity,
    spk,
    otpks,
    store: {
      signedPrekey: (id) => (id === spk.id ? spk : undefined),
      oneTimePrekey: (id) => otpks.find((k) => k.id === id),
    },
  };
}

function bundle(d: Device, withOtpk = true): PrekeyBundle {
  const otpk = d.otpks[0]!;
  return {
    identitySignPub: d.identity.signPub,
    identityDhPub: d.identity.dhPub,
    signedPrekey: publicSignedPrekey(d.spk),
    ...(withOtpk ? { oneTimePrekey: { id: otpk.id, dhPub: otpk.dhPub } } : {}),
  };
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string | string[]): Promise<void> {
  const codes = Array.isArray(code) ? code : [code];
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect(codes).toContain((e as ProtocolError).code);
    return;
  }
  throw new Error(`expected ProtocolError ${codes.join('|')}`);
}

/** Alice initiates, sends one message, Bob accepts. */
async function established(seed = 'pair', withOtpk = true) {
  const alice = device(`${seed}-alice`);
  const bob = device(`${seed}-bob`);
  let a = initiateSession(alice.identity, bundle(bob, withOtpk), AD, seededRng(`${seed}-a-session`));
  const first = await sessionEncrypt(a, enc('hello bob'), AD);
  a = first.state;
  const accepted = await sessionAcceptInitial(bob.identity, bob.store, first.message, AD, seededRng(`${seed}-b-session`));
  return { alice, bob, a, b: accepted.state, accepted, first: first.message };
}

describe('pairwise session', () => {
  it('sets up with PQXDH and round-trips in both directions', async () => {
    const { alice, b, a, accepted, first } = await established();
    expect(isPrekeyMessage(first)).toBe(true);
    expect(dec(accepted.plaintext)).toBe('hello bob');
    expect(accepted.usedOneTimePrekeyId).toBe(100);
    expect(accepted.theirIdentity.signPub).toEqual(alice.identity.signPub);
    expect(accepted.theirIdentity.dhPub).toEqual(alice.identity.dhPub);

    const reply = await sessionEncrypt(b, enc('hi alice'), AD);
    expect(isPrekeyMessage(reply.message)).toBe(false);
    const got = await sessionDecrypt(a, reply.message, AD);
    expect(dec(got.plaintext)).toBe('hi alice');
    // After the first reply the initiator stops sending the prekey header.
    const next = await sessionEncrypt(got.state, enc('again'), AD);
    expect(isPrekeyMessage(next.message)).toBe(false);
    expect(dec((await sessionDecrypt(reply.state, next.message, AD)).plaintext)).toBe('again');
  });

  it('works without a one-time prekey', async () => {
    const { accepted } = await established('no-otpk', false);
    expect(accepted.usedOneTimePrekeyId).toBeUndefined();
    expect(dec(accepted.plaintext)).toBe('hello bob');
  });

  it('initiator keeps sending prekey messages until a reply; responder decrypts them with sessionDecrypt', async () => {
    let { a, b } = await established();
    for (let i = 0; i < 3; i++) {
      const m = await sessionEncrypt(a, enc(`pre ${i}`), AD);
      a = m.state;
      expect(isPrekeyMessage(m.message)).toBe(true);
      const r = await sessionDecrypt(b, m.message, AD);
      b = r.state;
      expect(dec(r.plaintext)).toBe(`pre ${i}`);
    }
  });

  it('many alternating and one-sided runs, with serialization in between', async () => {
    let { a, b } = await established('runs');
    const rng = seededRng('runs-pattern');
    for (let round = 0; round < 30; round++) {
      const fromAlice = (rng(1)[0]! & 1) === 0;
      const count = 1 + (rng(1)[0]! % 5);
      for (let i = 0; i < count; i++) {
        const text = `${fromAlice ? 'A' : 'B'} ${round}.${i}`;
        if (fromAlice) {
          const m = await sessionEncrypt(a, enc(text), AD);
          a = m.state;
          const r = await sessionDecrypt(b, m.message, AD);
          b = r.state;
          expect(dec(r.plaintext)).toBe(text);
        } else {
          const m = await sessionEncrypt(b, enc(text), AD);
          b = m.state;
          const r = await sessionDecrypt(a, m.message, AD);
          a = r.state;
          expect(dec(r.plaintext)).toBe(text);
        }
      }
      a = deserializeSession(serializeSession(a));
      b = deserializeSession(serializeSession(b));
    }
    // a long one-sided run
    for (let i = 0; i < 200; i++) {
      const m = await sessionEncrypt(b, enc(`one-sided ${i}`), AD);
      b = m.state;
      const r = await sessionDecrypt(a, m.message, AD);
      a = r.state;
      expect(dec(r.plaintext)).toBe(`one-sided ${i}`);
    }
  });

  it('handles out-of-order delivery across ratchet steps', async () => {
    let { a, b } = await established('ooo');
    // Bob sends 5, Alice receives only #3 first
    const batch1: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await sessionEncrypt(b, enc(`b1-${i}`), AD);
      b = m.state;
      batch1.push(m.message);
    }
    let r = await sessionDecrypt(a, batch1[3]!, AD);
    a = r.state;
    expect(dec(r.plaintext)).toBe('b1-3');
    // Alice replies (new ratchet), Bob replies (new ratchet), then late messages arrive
    const ma = await sessionEncrypt(a, enc('a-1'), AD);
    a = ma.state;
    const rb = await sessionDecrypt(b, ma.message, AD);
    b = rb.state;
    const mb = await sessionEncrypt(b, enc('b2-0'), AD);
    b = mb.state;
    r = await sessionDecrypt(a, mb.message, AD);
    a = r.state;
    expect(dec(r.plaintext)).toBe('b2-0');
    for (const i of [4, 0, 2, 1]) {
      r = await sessionDecrypt(a, batch1[i]!, AD);
      a = r.state;
      expect(dec(r.plaintext)).toBe(`b1-${i}`);
    }
    expect(a.skipped).toHaveLength(0);
    // every late key was used once: replaying any of them fails
    for (const m of batch1) await expectCode(sessionDecrypt(a, m, AD), ['replay', 'decrypt_failed']);
  });

  it('rejects a message that skips more than the per-chain bound, leaving state usable', async () => {
    const { a, b: b0 } = await established('skip');
    let b = b0;
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 1002; i++) {
      const m = await sessionEncrypt(b, enc(`x${i}`), AD);
      b = m.state;
      sent.push(m.message);
    }
    const before = serializeSession(a);
    await expectCode(sessionDecrypt(a, sent[1001]!, AD), 'too_many_skipped');
    expect(serializeSession(a)).toEqual(before);
    // within the bound it still works from the same state
    const r = await sessionDecrypt(a, sent[1000]!, AD);
    expect(dec(r.plaintext)).toBe('x1000');
    expect(r.state.skipped).toHaveLength(1000);
  });

  it('rejects tampering with any header or ciphertext byte, and a wrong ad; state unchanged', async () => {
    const { a, b } = await established('tamper');
    // exercise both a prekey message (Alice -> Bob) and a normal one (Bob -> Alice)
    const pre = await sessionEncrypt(a, enc('prekey message'), AD);
    const norm = await sessionEncrypt(b, enc('normal message'), AD);
    for (const [state, message] of [
      [b, pre.message],
      [a, norm.message],
    ] as [SessionState, Uint8Array][]) {
      const before = serializeSession(state);
      // Every byte of a normal message, and a sample spanning every field of the 1300-byte prekey message.
      const step = message.length > 500 ? 7 : 1;
      for (let i = 0; i < message.length; i += i < 2 ? 1 : step) {
        const bad = message.slice();
        bad[i]! ^= 0x01;
        await expectCode(sessionDecrypt(state, bad, AD), ['decrypt_failed', 'malformed', 'session_mismatch', 'too_many_skipped', 'replay']);
      }
      await expectCode(sessionDecrypt(state, message.slice(0, -1), AD), ['decrypt_failed', 'malformed']);
      await expectCode(sessionDecrypt(state, concatBytes(message, Uint8Array.of(0)), AD), ['decrypt_failed', 'malformed']);
      await expectCode(sessionDecrypt(state, message, utf8Encode('alice-device-1|bob-device-8')), 'decrypt_failed');
      expect(serializeSession(state)).toEqual(before);
      // the untampered message still decrypts with the untouched state
      const ok = await sessionDecrypt(state, message, AD);
      expect(ok.plaintext.length).toBeGreaterThan(0);
    }
    expect(pre.state.sendN).toBe(2);
    expect(norm.state.sendN).toBe(1);
  });

  it('rejects replay of an already-decrypted message', async () => {
    const { a, b } = await established('replay');
    const m = await sessionEncrypt(b, enc('once'), AD);
    const r = await sessionDecrypt(a, m.message, AD);
    await expectCode(sessionDecrypt(r.state, m.message, AD), 'replay');
    // also after serialization
    await expectCode(sessionDecrypt(deserializeSession(serializeSession(r.state)), m.message, AD), 'replay');
  });

  it('rejects a forged prekey bundle signature', async () => {
    const alice = device('forge-alice');
    const bob = device('forge-bob');
    const mallory = device('forge-mallory');
    const good = bundle(bob);
    const badSig = good.signedPrekey.signature.slice();
    badSig[10]! ^= 1;
    await expectCode(() => initiateSession(alice.identity, { ...good, signedPrekey: { ...good.signedPrekey, signature: badSig } }, AD), 'bad_signature');
    // Mallory's signed prekey presented under Bob's identity
    await expectCode(() => initiateSession(alice.identity, { ...good, signedPrekey: publicSignedPrekey(mallory.spk) }, AD), 'bad_signature');
    // Bob's signed prekey but a substituted identity DH key (the signature covers it)
    await expectCode(() => initiateSession(alice.identity, { ...good, identityDhPub: mallory.identity.dhPub }, AD), 'bad_signature');
    // substituted KEM key
    const kemPublic = good.signedPrekey.kemPublic.slice();
    kemPublic[0]! ^= 1;
    await expectCode(() => initiateSession(alice.identity, { ...good, signedPrekey: { ...good.signedPrekey, kemPublic } }, AD), 'bad_signature');
  });

  it('rejects an initiator identity whose X25519 key is not bound to its signing key', async () => {
    const { first, bob, alice } = await established('binding');
    const mallory = device('binding-mallory');
    const bad = first.slice();
    bad.set(mallory.identity.signPub, 2); // claim Mallory's signing key with Alice's DH key
    await expectCode(sessionAcceptInitial(bob.identity, bob.store, bad, AD), 'bad_signature');
    expect(alice).toBeDefined();
  });

  it('rejects messages from another session or identity', async () => {
    const s1 = await established('other-1');
    const s2 = await established('other-2');
    const m = await sessionEncrypt(s2.b, enc('for s2 only'), AD);
    await expectCode(sessionDecrypt(s1.a, m.message, AD), 'decrypt_failed');
    // a prekey message from a different initiator session
    await expectCode(sessionDecrypt(s1.b, s2.first, AD), 'session_mismatch');
    // a prekey message for another responder: unknown prekey / wrong keys
    await expectCode(sessionAcceptInitial(s1.bob.identity, s1.bob.store, s2.first, AD), ['unknown_prekey', 'decrypt_failed']);
    const spkOnly: PrekeyStore = { signedPrekey: () => s1.bob.spk, oneTimePrekey: () => s1.bob.otpks[0] };
    await expectCode(sessionAcceptInitial(s1.bob.identity, spkOnly, s2.first, AD), 'decrypt_failed');
    // wrong responder identity with the right prekeys
    await expectCode(sessionAcceptInitial(s1.alice.identity, s1.bob.store, s1.first, AD), 'decrypt_failed');
  });

  it('rejects an already-used one-time prekey and an unknown signed prekey', async () => {
    const { bob, first } = await established('otpk');
    const noOtpk: PrekeyStore = { signedPrekey: bob.store.signedPrekey, oneTimePrekey: () => undefined };
    await expectCode(sessionAcceptInitial(bob.identity, noOtpk, first, AD), 'unknown_prekey');
    const noSpk: PrekeyStore = { signedPrekey: () => undefined, oneTimePrekey: bob.store.oneTimePrekey };
    await expectCode(sessionAcceptInitial(bob.identity, noSpk, first, AD), 'unknown_prekey');
  });

  it('ML-KEM matters: a tampered KEM ciphertext or KEM secret changes the root key and fails', async () => {
    const { bob, first } = await established('kem');
    const KEM_CT_OFFSET = 2 + 32 + 32 + 64 + 32 + 4 + 1 + 4;
    const bad = first.slice();
    bad[KEM_CT_OFFSET + 500]! ^= 0x40;
    await expectCode(sessionAcceptInitial(bob.identity, bob.store, bad, AD), 'decrypt_failed');
    // Same classical keys, different ML-KEM secret key => different KEM shared secret => failure.
    const otherKem = generateSignedPrekey(bob.identity, 1, seededRng('kem-other'));
    const swapped: PrekeyStore = {
      signedPrekey: () => ({ ...bob.spk, kemSecret: otherKem.kemSecret, kemPublic: otherKem.kemPublic }),
      oneTimePrekey: bob.store.oneTimePrekey,
    };
    await expectCode(sessionAcceptInitial(bob.identity, swapped, first, AD), 'decrypt_failed');
    // and the genuine message still works, so the failure is due to the KEM alone
    const ok = await sessionAcceptInitial(bob.identity, bob.store, first, AD);
    expect(dec(ok.plaintext)).toBe('hello bob');
  });

  it('ML-KEM matters: the root key depends on the KEM randomness', async () => {
    const alice = device('kem2-alice');
    const bob = device('kem2-bob');
    // Two sessions whose RNG streams agree on everything but the KEM encapsulation randomness.
    const base = seededRng('kem2-session');
    const stream = base(32 + 32 + 32 + 32);
    const mk = (kemRand: Uint8Array): SessionState => {
      const parts = [stream.slice(0, 32), kemRand, stream.slice(64, 96)];
      return initiateSession(alice.identity, bundle(bob), AD, (n) => parts.shift()!.slice(0, n));
    };
    const s1 = mk(stream.slice(32, 64));
    const s2 = mk(new Uint8Array(32).fill(7));
    expect(s1.baseKey).toEqual(s2.baseKey);
    expect(s1.dhsPub).toEqual(s2.dhsPub);
    expect(s1.rootKey).not.toEqual(s2.rootKey);
    expect(s1.sendChainKey).not.toEqual(s2.sendChainKey);
  });

  it('forward secrecy: a state captured after N messages cannot decrypt earlier ciphertexts', async () => {
    let { a, b } = await established('fs');
    const captured: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await sessionEncrypt(b, enc(`secret ${i}`), AD);
      b = m.state;
      captured.push(m.message);
      const r = await sessionDecrypt(a, m.message, AD);
      a = r.state;
      if (i % 2 === 1) {
        const back = await sessionEncrypt(a, enc('ack'), AD);
        a = back.state;
        b = (await sessionDecrypt(b, back.message, AD)).state;
      }
    }
    const stolenA = deserializeSession(serializeSession(a));
    const stolenB = deserializeSession(serializeSession(b));
    for (const m of captured) {
      await expectCode(sessionDecrypt(stolenA, m, AD), ['replay', 'decrypt_failed']);
      await expectCode(sessionDecrypt(stolenB, m, AD), ['replay', 'decrypt_failed']);
    }
  });

  it('post-compromise security: after a DH ratchet round trip, a captured state cannot decrypt new messages', async () => {
    let { a, b } = await established('pcs');
    const stolenA = deserializeSession(serializeSession(a)); // attacker copies Alice's state
    // one full round trip with fresh ratchet keys the attacker does not see
    const m1 = await sessionEncrypt(b, enc('r1'), AD);
    b = m1.state;
    a = (await sessionDecrypt(a, m1.message, AD)).state;
    const m2 = await sessionEncrypt(a, enc('r2'), AD);
    a = m2.state;
    b = (await sessionDecrypt(b, m2.message, AD)).state;
    const m3 = await sessionEncrypt(b, enc('after healing'), AD);
    expect(dec((await sessionDecrypt(a, m3.message, AD)).plaintext)).toBe('after healing');
    // the stolen state (even one that kept following Bob's public messages) cannot read m3
    let follow = stolenA;
    follow = (await sessionDecrypt(follow, m1.message, AD)).state; // passive attacker could do this
    await expectCode(sessionDecrypt(follow, m3.message, AD), 'decrypt_failed');
    await expectCode(sessionDecrypt(stolenA, m3.message, AD), 'decrypt_failed');
  });

  it('does not mutate input states', async () => {
    const { a, b } = await established('immut');
    const aBytes = serializeSession(a);
    const bBytes = serializeSession(b);
    const m = await sessionEncrypt(a, enc('x'), AD);
    await sessionDecrypt(b, m.message, AD);
    expect(serializeSession(a)).toEqual(aBytes);
    expect(serializeSession(b)).toEqual(bBytes);
  });

  it('rejects malformed serialized state', async () => {
    const { a } = await established('ser');
    const bytes = serializeSession(a);
    await expectCode(() => deserializeSession(bytes.slice(0, -1)), 'malformed');
    await expectCode(() => deserializeSession(concatBytes(bytes, Uint8Array.of(0))), 'malformed');
    const v = bytes.slice();
    v[1] = 99;
    await expectCode(() => deserializeSession(v), 'malformed');
  });

  it('property: any delivery permutation of a batch decrypts every message exactly once', async () => {
    const { a, b } = await established('prop');
    let sender = b;
    const msgs: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      const m = await sessionEncrypt(sender, enc(`m${i}`), AD);
      sender = m.state;
      msgs.push(m.message);
    }
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 8, maxLength: 8 }), fc.nat(7), async (order, dup) => {
        let s = a;
        for (const i of order) {
          const r = await sessionDecrypt(s, msgs[i]!, AD);
          s = r.state;
          expect(dec(r.plaintext)).toBe(`m${i}`);
        }
        await expectCode(sessionDecrypt(s, msgs[dup]!, AD), 'replay');
      }),
      { numRuns: 40, seed: 42 },
    );
  });
});
