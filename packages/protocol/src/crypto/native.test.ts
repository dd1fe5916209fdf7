// verifyAsync (WebCrypto Ed25519, or node:crypto when installed) must accept and refuse exactly what
// the strict pure-JS verify does: valid signatures, tampered messages and signatures, non-canonical S
// (S + L), small-order and malformed public keys. The native AES-GCM must match WebCrypto's byte for
// byte and refuse what it refuses; the native HMAC / HKDF-SHA-256 must give noble's bytes.
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aesGcmDecrypt, aesGcmEncrypt, useNativeCrypto, useWebCryptoEd25519, verify, verifyAsync } from './primitives.js';
import { nodeCrypto } from '../node.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function leToBig(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function bigToLe(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

async function outcome(f: () => Promise<void> | void): Promise<'ok' | 'refused'> {
  try {
    await f();
    return 'ok';
  } catch (err) {
    expect((err as { code?: string }).code).toBe('bad_signature');
    return 'refused';
  }
}

async function agree(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<'ok' | 'refused'> {
  const sync = await outcome(() => verify(pub, msg, sig));
  const web = await outcome(() => verifyAsync(pub, msg, sig));
  expect(web).toBe(sync);
  return web;
}

afterEach(() => {
  useWebCryptoEd25519(true);
  useNativeCrypto(undefined);
});

for (const backend of ['webcrypto', 'node:crypto'] as const) describe(`verifyAsync (${backend})`, () => {
  beforeEach(() => useNativeCrypto(backend === 'node:crypto' ? nodeCrypto : undefined));

  it('agrees with the strict verify on valid and tampered signatures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(63), fc.nat(7), async (seed, msg, byte, bit) => {
        const pub = ed25519.getPublicKey(seed);
        const sig = ed25519.sign(msg, seed);
        expect(await agree(pub, msg, sig)).toBe('ok');
        const bad = Uint8Array.from(sig);
        bad[byte]! ^= 1 << bit;
        expect(await agree(pub, msg, bad)).toBe('refused');
        if (msg.length > 0) {
          const other = Uint8Array.from(msg);
          other[0]! ^= 1;
          expect(await agree(pub, other, sig)).toBe('refused');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a non-canonical S (S + L), small-order keys and wrong lengths, like verify', async () => {
    const seed = new Uint8Array(32).fill(7);
    const pub = ed25519.getPublicKey(seed);
    const msg = new TextEncoder().encode('sender key message');
    const sig = ed25519.sign(msg, seed);
    const s = leToBig(sig.subarray(32));
    const malleated = Uint8Array.from(sig);
    malleated.set(bigToLe(s + L, 32), 32);
    expect(await agree(pub, msg, malleated)).toBe('refused');
    // The identity point (small order) as a public key, with an all-zero-S signature.
    const identity = bigToLe(1n, 32);
    const zeroSig = new Uint8Array(64);
    zeroSig.set(identity, 0);
    expect(await agree(identity, msg, zeroSig)).toBe('refused');
    // A non-canonical encoding of a valid key (y + p): refused, even though it decodes.
    const nonCanonical = bigToLe(leToBig(pub) + 2n ** 255n - 19n, 32);
    if (leToBig(pub) + 2n ** 255n - 19n < 2n ** 256n) expect(await agree(nonCanonical, msg, sig)).toBe('refused');
    expect(await agree(pub.subarray(0, 31), msg, sig)).toBe('refused');
    expect(await agree(pub, msg, sig.subarray(0, 63))).toBe('refused');
  });

});

describe('verifyAsync fallback', () => {
  it('falls back to the pure-JS verify where WebCrypto has no Ed25519', async () => {
    useWebCryptoEd25519(false);
    const seed = new Uint8Array(32).fill(9);
    const msg = new Uint8Array([1, 2, 3]);
    const sig = ed25519.sign(msg, seed);
    await expect(verifyAsync(ed25519.getPublicKey(seed), msg, sig)).resolves.toBeUndefined();
    sig[0]! ^= 1;
    await expect(verifyAsync(ed25519.getPublicKey(seed), msg, sig)).rejects.toMatchObject({ code: 'bad_signature' });
  });
});

describe('native Ed25519 signing', () => {
  it('gives the same signatures as noble', async () => {
    const { sign } = await import('./primitives.js');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        useNativeCrypto(undefined);
        const pure = sign(seed, msg);
        useNativeCrypto(nodeCrypto);
        const nat = sign(seed, msg);
        expect(Buffer.from(nat).equals(Buffer.from(pure))).toBe(true);
        expect(Buffer.from(nat).equals(Buffer.from(ed25519.sign(msg, seed)))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('native AES-256-GCM', () => {
  it('matches WebCrypto byte for byte and refuses the same tampering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 500 }), fc.uint8Array({ maxLength: 64 }), async (key, nonce, pt, ad) => {
        useNativeCrypto(undefined);
        const web = await aesGcmEncrypt(key, nonce, pt, ad);
        useNativeCrypto(nodeCrypto);
        const nat = await aesGcmEncrypt(key, nonce, pt, ad);
        expect(Buffer.from(nat).equals(Buffer.from(web))).toBe(true);
        expect(Buffer.from(await aesGcmDecrypt(key, nonce, web, ad)).equals(Buffer.from(pt))).toBe(true);
        const bad = Uint8Array.from(web);
        bad[bad.length - 1]! ^= 1;
        await expect(aesGcmDecrypt(key, nonce, bad, ad)).rejects.toMatchObject({ code: 'decrypt_failed' });
        await expect(aesGcmDecrypt(key, nonce, web, Uint8Array.of(...ad, 1))).rejects.toMatchObject({ code: 'decrypt_failed' });
        useNativeCrypto(undefined);
        await expect(aesGcmDecrypt(key, nonce, bad, ad)).rejects.toMatchObject({ code: 'decrypt_failed' });
      }),
      { numRuns: 50 },
    );
  });
});

describe('native HMAC-SHA-256 and HKDF-SHA-256', () => {
  it('match noble byte for byte (keys longer than a block, empty inputs, every output length)', async () => {
    const { hkdfSha256, hmacSha256, chainStep, messageKeyMaterial } = await import('./primitives.js');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 1, max: 255 * 32 }), (key, data, info, length) => {
        useNativeCrypto(undefined);
        const pure = { mac: hmacSha256(key, data), okm: hkdfSha256(data, info, length, key), step: chainStep(key.length ? key : new Uint8Array(32)) };
        useNativeCrypto(nodeCrypto);
        const nat = { mac: hmacSha256(key, data), okm: hkdfSha256(data, info, length, key), step: chainStep(key.length ? key : new Uint8Array(32)) };
        expect(Buffer.from(nat.mac).equals(Buffer.from(pure.mac))).toBe(true);
        expect(nat.okm).toHaveLength(length);
        expect(Buffer.from(nat.okm).equals(Buffer.from(pure.okm))).toBe(true);
        expect(Buffer.from(nat.step.messageKey).equals(Buffer.from(pure.step.messageKey))).toBe(true);
        expect(Buffer.from(nat.step.nextChainKey).equals(Buffer.from(pure.step.nextChainKey))).toBe(true);
      }),
      { numRuns: 100 },
    );
    // RFC 5869 test case 1, through the native path.
    useNativeCrypto(nodeCrypto);
    const okm = hkdfSha256(Buffer.from('0b'.repeat(22), 'hex'), Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'), 42, Buffer.from('000102030405060708090a0b0c', 'hex'));
    expect(Buffer.from(okm).toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
    const mk = messageKeyMaterial(new Uint8Array(32).fill(7), 'label');
    useNativeCrypto(undefined);
    const mkPure = messageKeyMaterial(new Uint8Array(32).fill(7), 'label');
    expect(Buffer.from(mk.key).equals(Buffer.from(mkPure.key)) && Buffer.from(mk.nonce).equals(Buffer.from(mkPure.nonce))).toBe(true);
    // A length HKDF cannot produce is refused on both paths.
    useNativeCrypto(nodeCrypto);
    expect(() => hkdfSha256(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow();
  });
});

describe('verification ahead of time (low-priority worker)', () => {
  it('gives every result right, in chunks, from a thread running at a lower priority; a stopped worker rejects and is replaced', async () => {
    const { workerVerifier } = await import('../node.js');
    const { readdirSync, readFileSync } = await import('node:fs');
    const verifier = workerVerifier({ nice: 7, chunk: 4 });
    const priv = ed25519.utils.randomSecretKey();
    const pub = ed25519.getPublicKey(priv);
    const total = 41;
    const msgs = Array.from({ length: total }, (_, i) => Uint8Array.of(i, 1, 2, 3));
    const sigs = msgs.map((m) => ed25519.sign(m, priv));
    sigs[9] = Uint8Array.from(sigs[9]!);
    sigs[9]![0]! ^= 1;
    const order: number[] = [];
    const oks = await Promise.all(msgs.map((m, i) => verifier(i === 30 ? pub.subarray(1) : pub, i === 20 ? Uint8Array.of(9) : m, sigs[i]!).then((ok) => (order.push(i), ok))));
    expect(oks.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).toEqual([9, 20, 30]);
    expect(order.filter((i) => i !== 30)).toEqual(Array.from({ length: total }, (_, i) => i).filter((i) => i !== 30));
    // The worker's thread (Linux: the nice value is per thread) runs at the priority asked for.
    const nice = readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
    expect(nice).toContain(7);
    expect(nice).toContain(0);
    // A worker that goes away rejects what it had (verifyAsync then checks in line); the next
    // request starts a new one.
    const pending = expect(verifier(pub, msgs[0]!, sigs[0]!)).rejects.toThrow(/closed/);
    await verifier.close();
    await pending;
    expect(await verifier(pub, msgs[1]!, sigs[1]!)).toBe(true);
    await verifier.close();
  });
});

describe('verification ahead of time', () => {
  it('uses an early result only for the same key, message and signature; tampering is still refused', async () => {
    const { workerVerifier } = await import('../node.js');
    const { useVerifyAhead, verificationsAhead, verifyAhead } = await import('./primitives.js');
    useNativeCrypto(nodeCrypto);
    const verifier = workerVerifier();
    // Counts what the verifier is asked, to show the early path is the one taken.
    let asked = 0;
    useVerifyAhead((p, m, s) => (asked++, verifier(p, m, s)));
    try {
      const seed = new Uint8Array(32).fill(3);
      const pub = ed25519.getPublicKey(seed);
      const other = ed25519.getPublicKey(new Uint8Array(32).fill(4));
      const msg = new TextEncoder().encode('room message');
      const sig = ed25519.sign(msg, seed);

      verifyAhead(pub, msg, sig);
      expect(verificationsAhead()).toBe(1);
      await expect(verifyAsync(pub, msg, sig)).resolves.toBeUndefined();
      expect(verificationsAhead()).toBe(0);

      // Started for the original message, asked about a tampered one: verified in line, refused.
      verifyAhead(pub, msg, sig);
      const tampered = Uint8Array.from(msg);
      tampered[0]! ^= 1;
      await expect(verifyAsync(pub, tampered, sig)).rejects.toMatchObject({ code: 'bad_signature' });
      // Started with a wrong (stale) key: the right key still verifies, the wrong one never counts.
      verifyAhead(other, msg, sig);
      await expect(verifyAsync(pub, msg, sig)).resolves.toBeUndefined();
      verifyAhead(pub, msg, sig);
      await expect(verifyAsync(other, msg, sig)).rejects.toMatchObject({ code: 'bad_signature' });
      // A bad signature verified early is refused.
      const bad = Uint8Array.from(sig);
      bad[5]! ^= 1;
      verifyAhead(pub, msg, bad);
      await expect(verifyAsync(pub, msg, bad)).rejects.toMatchObject({ code: 'bad_signature' });
      // A small-order key is refused by the strict check before any early result is looked at.
      const smallOrder = new Uint8Array(32);
      smallOrder[0] = 1;
      verifyAhead(smallOrder, msg, sig);
      await expect(verifyAsync(smallOrder, msg, sig)).rejects.toMatchObject({ code: 'bad_signature' });
      expect(asked).toBe(6);

      // Property: with early verifications of random (possibly tampered) inputs, the outcome is the strict verify's.
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.nat(3), async (s, m, how) => {
          const p = ed25519.getPublicKey(s);
          const g = ed25519.sign(m, s);
          const [ep, em, eg] = [Uint8Array.from(p), Uint8Array.from(m), Uint8Array.from(g)];
          if (how === 1) eg[0]! ^= 1;
          if (how === 2 && em.length > 0) em[0]! ^= 1;
          verifyAhead(p, m, how === 1 ? eg : g);
          const asks: [Uint8Array, Uint8Array, Uint8Array] = how === 3 ? [p, Uint8Array.of(...m, 1), g] : [ep, em, eg];
          await agree(...asks);
        }),
        { numRuns: 60 },
      );

      // The early check works on its own copies: changing the caller's bytes afterwards changes nothing.
      const mine = Uint8Array.from(msg);
      verifyAhead(pub, mine, sig);
      mine[0]! ^= 1;
      await expect(verifyAsync(pub, msg, sig)).resolves.toBeUndefined();
      await expect(verifyAsync(pub, mine, sig)).rejects.toMatchObject({ code: 'bad_signature' });

      // A verifier that fails (not the signature) makes verifyAsync verify in line.
      useVerifyAhead(() => Promise.reject(new Error('the verifier is down')));
      verifyAhead(pub, msg, sig);
      await expect(verifyAsync(pub, msg, sig)).resolves.toBeUndefined();
      verifyAhead(pub, msg, bad);
      await expect(verifyAsync(pub, msg, bad)).rejects.toMatchObject({ code: 'bad_signature' });
    } finally {
      useVerifyAhead(undefined);
      await verifier.close();
    }
  });
});
