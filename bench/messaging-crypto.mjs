#!/usr/bin/env node
// Client-side cost of room encryption with sender keys, using the @enclave/protocol functions directly
// (built code, one process, no server). Reproduce with `npm run build` and then:
//   node bench/messaging-crypto.mjs > bench/results/messaging-crypto.json
// Options: --sizes 2,50,500 (room members, counting the sender), --messages 1000 (per size),
// --sample 5 (recipient devices that decrypt every message; the others would do the same work on their
// own devices), --repeat 3 (distributions timed per size; the median is reported).
//
// Per message: the sender encrypts and signs once (`senderKeyEncrypt`) whatever the room size, and each
// recipient device verifies and decrypts that one ciphertext (`senderKeyDecrypt`) — both flat in N.
// One-off: a new sender key (on first send, after a member is removed, periodically) is distributed to
// every other member device over pairwise sessions — N−1 pairwise encryptions, each of which also sets
// up the session (PQXDH: bundle signature check, 3–4 X25519, ML-KEM-768 encapsulation) the first time.
import { parseArgs } from 'node:util';
import {
  createSenderKey,
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
  toBase64Url,
  utf8Encode,
} from '../packages/protocol/dist/index.js';
import { loadAverage, log, machine, pct, round, waitForQuiet } from './lib-messaging.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2,50,500' },
    messages: { type: 'string', default: '1000' },
    sample: { type: 'string', default: '5' },
    repeat: { type: 'string', default: '3' },
    'no-wait': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const MESSAGES = Number(args.messages);
const SAMPLE = Number(args.sample);
const REPEAT = Number(args.repeat);

const report = { benchmark: 'messaging-crypto', machine: { ...machine(), ...(args['no-wait'] ? {} : await waitForQuiet()) }, messagesPerSize: MESSAGES, sampleRecipients: SAMPLE, repeat: REPEAT, sizes: {} };
const us = (ms) => round(ms * 1000, 1);
const stats = (xs) => ({ p50us: us(pct(xs, 50)), p99us: us(pct(xs, 99)), meanUs: us(xs.reduce((a, b) => a + b, 0) / xs.length) });
const median = (xs) => pct(xs, 50);

/** A member device: identity, signed prekey (X25519 + ML-KEM-768) and one-time prekeys, as registered. */
function device(id) {
  const identity = generateIdentity();
  const spk = generateSignedPrekey(identity, 1);
  const otpks = generateOneTimePrekeys(1, REPEAT + 1);
  return { id, identity, spk, otpks, nextOtpk: 0 };
}
/** What POST /v1/keys/claim hands the sender: one one-time prekey per device. */
function claimBundle(d) {
  const o = d.otpks[d.nextOtpk++];
  return { identitySignPub: d.identity.signPub, identityDhPub: d.identity.dhPub, signedPrekey: publicSignedPrekey(d.spk), oneTimePrekey: { id: o.id, dhPub: o.dhPub } };
}
const pairAd = (a, b) => utf8Encode(`${a}|${b}`);
/** The plaintext an SDK sends over a pairwise session to hand out a sender key (Content 'sender_key'). */
const distributionContent = (conv, sk) => utf8Encode(JSON.stringify({ type: 'sender_key', conv, distribution: toBase64Url(senderKeyDistribution(sk)), sentAt: Date.now() }));
/** A room text message of ~200 bytes of JSON (Content 'text'). */
const textContent = (i) => utf8Encode(JSON.stringify({ type: 'text', text: `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(5)}`, sentAt: Date.now() }));

for (const N of SIZES) {
  const conv = `room${N}`;
  const sender = device('sender-device');
  log(`N=${N}: making ${N - 1} member devices`);
  const members = Array.from({ length: N - 1 }, (_, i) => device(`device${i}`));
  const out = { members: N, recipientDevices: N - 1 };

  // --- One-off: distribute a new sender key to N−1 devices, first contact (new pairwise sessions).
  const firstContact = [];
  let sessions;
  let firstMessages;
  for (let r = 0; r < REPEAT; r++) {
    const sk = createSenderKey();
    const t0 = performance.now();
    const content = distributionContent(conv, sk);
    const made = [];
    const msgs = [];
    for (const m of members) {
      const ad = pairAd(sender.id, m.id);
      const s0 = initiateSession(sender.identity, claimBundle(m), ad);
      const { state, message } = await sessionEncrypt(s0, content, ad);
      made.push(state);
      msgs.push(message);
    }
    firstContact.push(performance.now() - t0);
    sessions = made;
    firstMessages = msgs;
  }
  out.distributionNewSessions = { totalMs: round(median(firstContact)), perDeviceUs: us(median(firstContact) / (N - 1)), pairwiseMessageBytes: firstMessages[0].length };

  // Recipient side, per device: accept the session (ML-KEM decapsulation …), decrypt, import the key;
  // then reply once so both sides hold a ratcheted session (as after any exchange).
  const accept = [];
  const established = [];
  let imported = [];
  for (let k = 0; k < members.length; k++) {
    const m = members[k];
    const ad = pairAd(sender.id, m.id);
    const otpkId = m.otpks[m.nextOtpk - 1].id;
    const store = { signedPrekey: (id) => (id === m.spk.id ? m.spk : undefined), oneTimePrekey: (id) => m.otpks.find((o) => o.id === id) };
    const t0 = performance.now();
    const acc = await sessionAcceptInitial(m.identity, store, firstMessages[k], ad);
    const dist = JSON.parse(new TextDecoder().decode(acc.plaintext));
    const skState = importSenderKey(Uint8Array.from(Buffer.from(dist.distribution, 'base64url')));
    accept.push(performance.now() - t0);
    if (acc.usedOneTimePrekeyId !== otpkId) throw new Error('wrong one-time prekey');
    if (k < SAMPLE) imported.push(skState);
    const reply = await sessionEncrypt(acc.state, utf8Encode('{"type":"text","text":"ok"}'), ad);
    const back = await sessionDecrypt(sessions[k], reply.message, ad);
    established.push(back.state);
  }
  out.recipientAcceptPerDevice = stats(accept);

  // --- One-off: rotation (e.g. after a member left) over the now established sessions.
  const rotation = [];
  let rotationMessage;
  for (let r = 0; r < REPEAT; r++) {
    const sk = createSenderKey();
    const t0 = performance.now();
    const content = distributionContent(conv, sk);
    for (let k = 0; k < established.length; k++) {
      const ad = pairAd(sender.id, members[k].id);
      const { state, message } = await sessionEncrypt(established[k], content, ad);
      established[k] = state;
      rotationMessage = message;
    }
    rotation.push(performance.now() - t0);
  }
  out.distributionExistingSessions = { totalMs: round(median(rotation)), perDeviceUs: us(median(rotation) / (N - 1)), pairwiseMessageBytes: rotationMessage.length };

  // --- Per message: one encryption by the sender, one decryption per recipient device.
  let sk = createSenderKey();
  imported = imported.map(() => importSenderKey(senderKeyDistribution(sk)));
  const skAd = utf8Encode(`${conv}|${sender.id}`);
  const enc = [];
  const dec = [];
  let wireBytes = 0;
  for (let i = -100; i < MESSAGES; i++) {
    const pt = textContent(i);
    const t0 = performance.now();
    const r = await senderKeyEncrypt(sk, pt, skAd);
    const t1 = performance.now();
    sk = r.state;
    wireBytes = r.message.length;
    for (let k = 0; k < imported.length; k++) {
      const d0 = performance.now();
      const d = await senderKeyDecrypt(imported[k], r.message, skAd);
      const d1 = performance.now();
      imported[k] = d.state;
      if (i >= 0) dec.push(d1 - d0);
    }
    if (i >= 0) enc.push(t1 - t0);
  }
  out.perMessage = {
    plaintextBytes: textContent(0).length,
    ciphertextBytes: wireBytes,
    encrypt: stats(enc),
    decryptPerRecipientDevice: stats(dec),
    encryptPlusOneDecryptP50us: us(pct(enc, 50) + pct(dec, 50)),
    roomWideDecryptCpuMs: round(pct(dec, 50) * (N - 1), 2),
  };
  report.sizes[N] = out;
  log(
    `N=${N}: encrypt p50 ${out.perMessage.encrypt.p50us} µs, decrypt p50 ${out.perMessage.decryptPerRecipientDevice.p50us} µs; ` +
      `distribution to ${N - 1} devices: ${out.distributionNewSessions.totalMs} ms new sessions, ${out.distributionExistingSessions.totalMs} ms existing`,
  );
}
report.loadAverageAtEnd = loadAverage();
console.log(JSON.stringify(report, null, 2));
