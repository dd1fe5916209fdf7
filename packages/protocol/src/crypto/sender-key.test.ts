import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ProtocolError,
  createSenderKey,
  deserializeSenderKey,
  importSenderKey,
  senderKeyDecrypt,
  senderKeyDistribution,
  senderKeyEncrypt,
  senderKeyId,
  serializeSenderKey,
  utf8Decode,
  utf8Encode,
  type SenderKeyState,
} from './index.js';
import { seededRng } from './seeded-rng.js';

const AD = utf8Encode('room:ops|sender:alice/dev1');
const enc = utf8Encode;

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

async function sendN(owner: SenderKeyState, n: number, prefix = 'm'): Promise<{ owner: SenderKeyState; messages: Uint8Array[] }> {
  const messages: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const r = await senderKeyEncrypt(owner, enc(`${prefix}${i}`), AD);
    owner = r.state;
    messages.push(r.message);
  }
  return { owner, messages };
}

describe('sender keys', () => {
  it('distributes without the private key and round-trips in order and out of order', async () => {
    const owner = createSenderKey(seededRng('sk-1'));
    const dist = senderKeyDistribution(owner);
    expect(dist).toHaveLength(86);
    const recv = importSenderKey(dist);
    expect(recv.signPriv).toBeUndefined();
    expect(recv.keyId).toEqual(owner.keyId);
    const { messages } = await sendN(owner, 10);
    let r = recv;
    for (const i of [0, 1, 5, 2, 9, 3, 4, 8, 6, 7]) {
      expect(senderKeyId(messages[i]!)).toEqual(owner.keyId);
      const out = await senderKeyDecrypt(r, messages[i]!, AD);
      r = out.state;
      expect(utf8Decode(out.plaintext)).toBe(`m${i}`);
    }
    expect(r.skipped).toHaveLength(0);
    expect(r.iteration).toBe(10);
  });

  it('rejects replays, including after serialization', async () => {
    const owner = createSenderKey(seededRng('sk-replay'));
    const { messages } = await sendN(owner, 3);
    let r = importSenderKey(senderKeyDistribution(owner));
    r = (await senderKeyDecrypt(r, messages[2]!, AD)).state; // skips 0 and 1
    r = (await senderKeyDecrypt(r, messages[0]!, AD)).state;
    await expectCode(senderKeyDecrypt(r, messages[0]!, AD), 'replay');
    await expectCode(senderKeyDecrypt(r, messages[2]!, AD), 'replay');
    const again = deserializeSenderKey(serializeSenderKey(r));
    await expectCode(senderKeyDecrypt(again, messages[2]!, AD), 'replay');
    expect(utf8Decode((await senderKeyDecrypt(again, messages[1]!, AD)).plaintext)).toBe('m1');
  });

  it('rejects forged signatures: a chain-key holder cannot impersonate the sender', async () => {
    const owner = createSenderKey(seededRng('sk-forge'));
    const recv = importSenderKey(senderKeyDistribution(owner));
    // Mallory holds the same chain key but her own signing key.
    const mallory: SenderKeyState = { ...createSenderKey(seededRng('sk-mallory')), keyId: owner.keyId, chainKey: owner.chainKey, iteration: 0 };
    const forged = await senderKeyEncrypt(mallory, enc('pay mallory'), AD);
    await expectCode(senderKeyDecrypt(recv, forged.message, AD), 'bad_signature');
    // flipping any byte is rejected (signature covers header and ciphertext; signature bytes themselves too)
    const { message } = await senderKeyEncrypt(owner, enc('genuine'), AD);
    for (let i = 0; i < message.length; i++) {
      const bad = message.slice();
      bad[i]! ^= 0x80;
      await expectCode(senderKeyDecrypt(recv, bad, AD), ['bad_signature', 'malformed', 'unknown_key']);
    }
    await expectCode(senderKeyDecrypt(recv, message, enc('room:other|sender:alice/dev1')), 'bad_signature');
    expect(utf8Decode((await senderKeyDecrypt(recv, message, AD)).plaintext)).toBe('genuine');
  });

  it('after rotation, a removed member holding the old sender key cannot decrypt', async () => {
    const old = createSenderKey(seededRng('sk-old'));
    const removedMember = importSenderKey(senderKeyDistribution(old));
    const rotated = createSenderKey(seededRng('sk-new'));
    const stayingMember = importSenderKey(senderKeyDistribution(rotated));
    const { message } = await senderKeyEncrypt(rotated, enc('after removal'), AD);
    await expectCode(senderKeyDecrypt(removedMember, message, AD), 'unknown_key');
    // even if the removed member forces its old state onto the new key id, the chain and signer differ
    await expectCode(senderKeyDecrypt({ ...removedMember, keyId: rotated.keyId }, message, AD), 'bad_signature');
    await expectCode(senderKeyDecrypt({ ...removedMember, keyId: rotated.keyId, signPub: rotated.signPub }, message, AD), 'decrypt_failed');
    expect(utf8Decode((await senderKeyDecrypt(stayingMember, message, AD)).plaintext)).toBe('after removal');
  });

  it('a late joiner cannot decrypt iterations before its import point (forward secrecy of the chain)', async () => {
    let owner = createSenderKey(seededRng('sk-join'));
    const early = await sendN(owner, 5, 'early');
    owner = early.owner;
    const joiner = importSenderKey(senderKeyDistribution(owner));
    expect(joiner.minIteration).toBe(5);
    for (const m of early.messages) await expectCode(senderKeyDecrypt(joiner, m, AD), 'stale_iteration');
    const late = await senderKeyEncrypt(owner, enc('welcome'), AD);
    expect(utf8Decode((await senderKeyDecrypt(joiner, late.message, AD)).plaintext)).toBe('welcome');
  });

  it('bounds skipped iterations', async () => {
    let owner = createSenderKey(seededRng('sk-skip'));
    const recv = importSenderKey(senderKeyDistribution(owner));
    owner = { ...owner, iteration: 0 };
    // advance the owner 2001 steps cheaply by encrypting empty messages
    const { owner: o2, messages } = await sendN(owner, 2002, '');
    expect(o2.iteration).toBe(2002);
    await expectCode(senderKeyDecrypt(recv, messages[2001]!, AD), 'too_many_skipped');
    const ok = await senderKeyDecrypt(recv, messages[2000]!, AD);
    expect(ok.state.skipped).toHaveLength(2000);
    expect(utf8Decode((await senderKeyDecrypt(ok.state, messages[17]!, AD)).plaintext)).toBe('17');
  });

  it('owner state serializes with its private key; receiver state without', async () => {
    const owner = createSenderKey(seededRng('sk-ser'));
    const o2 = deserializeSenderKey(serializeSenderKey(owner));
    expect(o2).toEqual(owner);
    const recv = importSenderKey(senderKeyDistribution(owner));
    expect(deserializeSenderKey(serializeSenderKey(recv))).toEqual(recv);
    await expectCode(senderKeyEncrypt(recv, enc('x'), AD), 'invalid_argument');
    await expectCode(() => importSenderKey(senderKeyDistribution(owner).slice(0, 85)), 'malformed');
  });

  it('property: any interleaving of in-window deliveries yields each plaintext once', async () => {
    const owner = createSenderKey(seededRng('sk-prop'));
    const recv = importSenderKey(senderKeyDistribution(owner));
    const { messages } = await sendN(owner, 12);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(11), { minLength: 1, maxLength: 30 }), async (deliveries) => {
        let s = recv;
        const seen = new Set<number>();
        for (const i of deliveries) {
          if (seen.has(i)) {
            await expectCode(senderKeyDecrypt(s, messages[i]!, AD), 'replay');
          } else {
            const r = await senderKeyDecrypt(s, messages[i]!, AD);
            s = r.state;
            seen.add(i);
            expect(utf8Decode(r.plaintext)).toBe(`m${i}`);
          }
        }
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});
