/**
 * Deterministic test vectors (docs/protocol.md, "Test vectors").
 * Regenerate deliberately with: UPDATE_VECTORS=1 npx vitest run packages/protocol/src/crypto/vectors.test.ts
 * Any other change to vectors.json output is a wire/KDF compatibility break.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  checkDeviceListChain,
  createSenderKey,
  firstDeviceList,
  nextDeviceList,
  safetyNumber,
  encryptFileChunk,
  decryptFileChunk,
  fingerprint,
  generateFileKey,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  importSenderKey,
  initiateSession,
  publicSignedPrekey,
  senderKeyDecrypt,
  senderKeyDistribution,
  senderKeyEncrypt,
  sessionAcceptInitial,
  sessionDecrypt,
  sessionEncrypt,
  signDetached,
  utf8Decode,
  utf8Encode,
} from './index.js';
import { seededRng } from './seeded-rng.js';

const FILE = fileURLToPath(new URL('./vectors.json', import.meta.url));
const hex = bytesToHex;

async function computeVectors(): Promise<Record<string, Record<string, string | number>>> {
  const alice = generateIdentity(seededRng('enclave-vector/alice/identity'));
  const bob = generateIdentity(seededRng('enclave-vector/bob/identity'));
  const spk = generateSignedPrekey(bob, 1, seededRng('enclave-vector/bob/spk'));
  const [otpk] = generateOneTimePrekeys(100, 1, seededRng('enclave-vector/bob/otpk'));
  const ad = utf8Encode('alice/dev-1|bob/dev-1');
  const bundle = {
    identitySignPub: bob.signPub,
    identityDhPub: bob.dhPub,
    signedPrekey: publicSignedPrekey(spk),
    oneTimePrekey: { id: otpk!.id, dhPub: otpk!.dhPub },
  };
  const a0 = initiateSession(alice, bundle, ad, seededRng('enclave-vector/alice/session'));
  const m1 = await sessionEncrypt(a0, utf8Encode('Hello, Bob'), ad);
  const accepted = await sessionAcceptInitial(
    bob,
    { signedPrekey: (id) => (id === 1 ? spk : undefined), oneTimePrekey: (id) => (id === 100 ? otpk : undefined) },
    m1.message,
    ad,
    seededRng('enclave-vector/bob/session'),
  );
  const m2 = await sessionEncrypt(accepted.state, utf8Encode('Hello, Alice'), ad);
  const a2 = await sessionDecrypt(m1.state, m2.message, ad, seededRng('enclave-vector/alice/ratchet'));
  expect(utf8Decode(a2.plaintext)).toBe('Hello, Alice');

  const sk = createSenderKey(seededRng('enclave-vector/alice/sender-key'));
  const roomAd = utf8Encode('room/ops|alice/dev-1');
  const sm = await senderKeyEncrypt(sk, utf8Encode('Hello, room'), roomAd);
  expect(utf8Decode((await senderKeyDecrypt(importSenderKey(senderKeyDistribution(sk)), sm.message, roomAd)).plaintext)).toBe('Hello, room');

  // Device lists: Alice's account 1001 starts with dev-1; dev-1 then adds dev-2 (Bob's identity
  // keys stand in for dev-2's). Bob's account 1002 has one list with dev-b.
  const listed = (deviceId: string, id: typeof alice) => ({ deviceId, signPub: id.signPub, dhPub: id.dhPub });
  const aliceList1 = firstDeviceList({ account: '1001', version: 1, devices: [listed('dev-1', alice)], signerId: 'dev-1', identity: alice });
  const aliceList2 = nextDeviceList(aliceList1, { devices: [listed('dev-1', alice), listed('dev-2', bob)], signerId: 'dev-1', identity: alice });
  const bobList1 = firstDeviceList({ account: '1002', version: 1, devices: [listed('dev-b', bob)], signerId: 'dev-b', identity: bob });
  expect(checkDeviceListChain('1001', [aliceList1.encoded, aliceList2.encoded], aliceList1.encoded).outcome).toBe('changed');
  const sn = safetyNumber({ account: '1001', root: aliceList1.hash }, { account: '1002', root: bobList1.hash });

  const fileKey = generateFileKey(seededRng('enclave-vector/file-key'));
  const chunk0 = await encryptFileChunk(fileKey, 0, true, utf8Encode('Hello, file'));

  return {
    identity: {
      aliceSignPriv: hex(alice.signPriv),
      aliceSignPub: hex(alice.signPub),
      aliceDhPriv: hex(alice.dhPriv),
      aliceDhPub: hex(alice.dhPub),
      aliceFingerprint: fingerprint(alice.signPub),
      bobSignPub: hex(bob.signPub),
      bobDhPub: hex(bob.dhPub),
      detachedContext: 'enclave/test',
      detachedMessage: hex(utf8Encode('abc')),
      aliceDetachedSignature: hex(signDetached(alice, 'enclave/test', utf8Encode('abc'))),
    },
    prekeys: {
      spkId: spk.id,
      spkDhPub: hex(spk.dhPub),
      spkKemPublicSha256: hex(sha256(spk.kemPublic)),
      spkSignature: hex(spk.signature),
      otpkId: otpk!.id,
      otpkDhPub: hex(otpk!.dhPub),
    },
    session: {
      ad: hex(ad),
      initiatorRootKeyAfterSetup: hex(a0.rootKey),
      initiatorFirstSendChainKey: hex(a0.sendChainKey!),
      message1Plaintext: 'Hello, Bob',
      message1: hex(m1.message),
      message2Plaintext: 'Hello, Alice',
      message2: hex(m2.message),
      responderRootKeyAfterReply: hex(m2.state.rootKey),
      initiatorRootKeyAfterReply: hex(a2.state.rootKey),
    },
    senderKey: {
      keyId: hex(sk.keyId),
      chainKey0: hex(sk.chainKey),
      signPub: hex(sk.signPub),
      distribution: hex(senderKeyDistribution(sk)),
      ad: hex(roomAd),
      plaintext: 'Hello, room',
      message: hex(sm.message),
    },
    deviceList: {
      aliceList1: hex(aliceList1.encoded),
      aliceList2: hex(aliceList2.encoded),
      aliceRoot: hex(aliceList1.hash),
      bobList1: hex(bobList1.encoded),
      bobRoot: hex(bobList1.hash),
      safetyNumber: sn.digits,
      safetyNumberQr: sn.qr,
    },
    file: {
      key: hex(fileKey),
      index: 0,
      isLast: 1,
      plaintext: 'Hello, file',
      chunk: hex(chunk0),
    },
  };
}

describe('test vectors', () => {
  it('match vectors.json', async () => {
    const computed = await computeVectors();
    if (process.env.UPDATE_VECTORS === '1') {
      writeFileSync(FILE, `${JSON.stringify(computed, null, 2)}\n`);
    }
    expect(existsSync(FILE)).toBe(true);
    const stored = JSON.parse(readFileSync(FILE, 'utf8')) as unknown;
    expect(computed).toEqual(stored);
  });

  it('stored vectors decrypt independently of generation', async () => {
    const v = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, Record<string, string | number>>;
    const f = v.file!;
    const pt = await decryptFileChunk(hexToBytes(f.key as string), 0, true, hexToBytes(f.chunk as string));
    expect(utf8Decode(pt)).toBe('Hello, file');
    const s = v.senderKey!;
    const recv = importSenderKey(hexToBytes(s.distribution as string));
    const out = await senderKeyDecrypt(recv, hexToBytes(s.message as string), hexToBytes(s.ad as string));
    expect(utf8Decode(out.plaintext)).toBe('Hello, room');
    const d = v.deviceList!;
    const alice = checkDeviceListChain('1001', [hexToBytes(d.aliceList1 as string), hexToBytes(d.aliceList2 as string)]);
    expect(hex(alice.root)).toBe(d.aliceRoot);
    expect(alice.head.devices.map((x) => x.deviceId)).toEqual(['dev-1', 'dev-2']);
    const bob = checkDeviceListChain('1002', [hexToBytes(d.bobList1 as string)]);
    expect(safetyNumber({ account: '1002', root: bob.root }, { account: '1001', root: alice.root })).toEqual({ digits: d.safetyNumber, qr: d.safetyNumberQr });
  });
});
