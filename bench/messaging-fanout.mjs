#!/usr/bin/env node
// Room fan-out throughput: deliveries per second (messages × recipients) to a 500-member room, against
// the raw limit of a bare `ws` relay measured in the same run. Reproduce with `npm run build` and then:
//   node bench/messaging-fanout.mjs > bench/results/messaging-fanout.json
// Options: --members 500, --seconds 30 (sending time per side, split into --rounds 6 alternating
// segments: raw, Enclave, raw, Enclave, …), --window 32 (unacknowledged sends),
// --body 300 (characters of the opaque base64url body / raw payload), --no-wait (do not wait for the
// machine's load average to drop below 0.8 first).
// The server (raw or Enclave) runs in its own process; this process holds every client socket.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { api, cpuSecondsOf, loadAverage, machineBusySeconds, waitForQuiet, createNetwork, inviteAll, log, machine, memoryOf, opaqueBody, openSocket, registerAll, round, startEnclave, stopChild, waitForLine } from './lib-messaging.mjs';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    window: { type: 'string', default: '32' },
    body: { type: 'string', default: '300' },
    'register-concurrency': { type: 'string', default: '4' },
    'no-wait': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '6' },
  },
});
const MEMBERS = Number(args.members);
const SECONDS = Number(args.seconds);
const WINDOW = Number(args.window);
const BODY = Number(args.body);
const RECIPIENTS = MEMBERS - 1;
const ROUNDS = Number(args.rounds);

const report = { benchmark: 'messaging-fanout', machine: { ...machine(), ...(args['no-wait'] ? {} : await waitForQuiet()) }, rounds: ROUNDS, members: MEMBERS, recipients: RECIPIENTS, sendSeconds: SECONDS, window: WINDOW, bodyChars: BODY };

/**
 * Sends from `sender` for SECONDS with at most WINDOW unacknowledged sends, then waits until every
 * recipient has every message (or 60 s). `makeFrame(i)` builds send i; `isSent(s)` recognises the
 * acknowledgement; recipients call `count()` per delivery.
 */
let frameNo = 0;
async function run(label, sender, makeFrame, isSent, counter, serverPid, seconds = SECONDS) {
  let sent = 0;
  let acked = 0;
  let inFlight = 0;
  let sending = true;
  const cpu0 = cpuSecondsOf(serverPid);
  const self0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const t0 = performance.now();
  counter.reset(t0);
  const endAt = t0 + seconds * 1000;
  await new Promise((resolve) => {
    const pump = () => {
      while (sending && inFlight < WINDOW) {
        if (performance.now() >= endAt) {
          sending = false;
          break;
        }
        sender.send(makeFrame(frameNo++));
        sent++;
        inFlight++;
      }
      if (!sending && inFlight === 0) resolve();
    };
    const onMessage = (data) => {
      if (!isSent(String(data))) return;
      acked++;
      inFlight--;
      pump();
    };
    sender.on('message', onMessage);
    pump();
  });
  sender.removeAllListeners('message');
  const sendEnd = performance.now();
  const expected = sent * RECIPIENTS;
  const deadline = Date.now() + 60_000;
  while (counter.n < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const cpu = cpuSecondsOf(serverPid) - cpu0;
  const self = process.cpuUsage(self0);
  const elapsed = (counter.last - t0) / 1000;
  const out = {
    messagesSent: sent,
    messagesAcked: acked,
    deliveries: counter.n,
    expectedDeliveries: expected,
    complete: counter.n === expected,
    sendSeconds: round((sendEnd - t0) / 1000),
    secondsToLastDelivery: round(elapsed),
    messagesPerSecond: round(sent / elapsed, 1),
    deliveriesPerSecond: Math.round(counter.n / elapsed),
    deliveredFrameBytes: counter.frameBytes,
    serverCpuSeconds: round(cpu),
    clientCpuSeconds: round((self.user + self.system) / 1e6),
    otherProcessesCpuSeconds: round(machineBusySeconds() - busy0 - cpu - (self.user + self.system) / 1e6),
    serverMemory: memoryOf(serverPid),
  };
  log(`${label}: ${out.messagesSent} messages, ${out.deliveries}/${expected} deliveries in ${out.secondsToLastDelivery} s = ${out.deliveriesPerSecond}/s (server CPU ${out.serverCpuSeconds} s, client CPU ${out.clientCpuSeconds} s, other processes ${out.otherProcessesCpuSeconds} s)`);
  return out;
}

function makeCounter() {
  const c = {
    n: 0,
    last: 0,
    frameBytes: 0,
    reset(t) {
      c.n = 0;
      c.last = t;
    },
    hit(len) {
      c.n++;
      c.last = performance.now();
      c.frameBytes = len;
    },
  };
  return c;
}

function openRaw(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

// Both servers are set up first and then measured in alternating segments (raw, Enclave, raw, …,
// --rounds of each), so that any other load on the machine falls on both alike.
const rawChild = spawn(process.execPath, [new URL('./messaging-raw-server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
const enclave = await startEnclave();
try {
  // 1. Raw limit: a bare ws relay in its own process, MEMBERS sockets, one of them sending.
  const rawUrl = await waitForLine(rawChild, /listening on (\S+)/);
  const rawCounter = makeCounter();
  const rawSockets = [];
  for (let i = 0; i < MEMBERS; i++) rawSockets.push(await openRaw(rawUrl));
  const [rawSender, ...rawRecipients] = rawSockets;
  for (const r of rawRecipients) r.on('message', (d) => rawCounter.hit(d.length));
  const payload = JSON.stringify({ t: 'm', b: opaqueBody(BODY - 14) });
  const raw = (label, seconds) => run(label, rawSender, () => payload, (x) => x === '{"t":"sent"}', rawCounter, rawChild.pid, seconds);
  log(`raw: ${MEMBERS} sockets open, payload ${payload.length} bytes`);

  // 2. Enclave: one node, SQLite, a MEMBERS-member room; RECIPIENTS sockets and one sender.
  const setup0 = performance.now();
  const { networkId, groupId } = await createNetwork(enclave.admin);
  const emails = Array.from({ length: MEMBERS }, (_, i) => `member${String(i).padStart(4, '0')}@example.com`);
  const invited = await inviteAll(enclave.admin, networkId, groupId, emails);
  log(`invited ${invited.length} members`);
  const members = await registerAll(enclave.url, invited, Number(args['register-concurrency']));
  const [owner, ...others] = members;
  const room = await api(enclave.url, 'POST', '/v1/conversations', owner.token, { kind: 'room', name: 'Fan-out', members: others.map((m) => m.userId) });
  log(`room ${room.id} with ${room.members.length} members`);
  const counter = makeCounter();
  const recipients = [];
  for (const m of others) {
    let lastSeq = 0;
    let ackedSeq = 0;
    const ws = await openSocket(enclave.url, m.token, (d) => {
      if (d[2] !== 116 || d[6] !== 109 || d[7] !== 115) return; // {"t":"msg" …, counted without parsing
      counter.hit(d.length);
      const x = /"seq":(\d+)/.exec(d.toString('latin1', 0, 200));
      if (x) lastSeq = Math.max(lastSeq, Number(x[1]));
    });
    // Acknowledge as a client does (coalesced: every 200 ms at most).
    const t = setInterval(() => {
      if (lastSeq > ackedSeq) ws.send(JSON.stringify({ t: 'ack', conv: room.id, seq: (ackedSeq = lastSeq) }));
    }, 200);
    t.unref();
    recipients.push(ws);
  }
  const sender = await openSocket(enclave.url, owner.token);
  // Let connect-time traffic (presence, catch-up of the room's creation record) settle.
  await new Promise((r) => setTimeout(r, 3000));
  report.setupSeconds = round((performance.now() - setup0) / 1000, 1);
  log(`enclave: ${recipients.length + 1} sockets signed in; setup took ${report.setupSeconds} s`);
  const body = opaqueBody(BODY);
  const prefix = `${Date.now().toString(36)}m`;
  const makeFrame = (i) => JSON.stringify({ t: 'send', req: String(i), msg: { conv: room.id, messageId: `${prefix}${i}`, kind: 'sk', body } });
  let err;
  const isSent = (x) => {
    if (x.startsWith('{"t":"sent"')) return true;
    if (x.startsWith('{"t":"error"')) {
      err ??= x;
      return true;
    }
    return false;
  };
  const enc = (label, seconds) => run(label, sender, makeFrame, isSent, counter, enclave.pid, seconds);

  // Warm-ups (JIT, SQLite page cache), then the alternating measured segments.
  await raw('raw warm-up', 2);
  await enc('enclave warm-up', 2);
  const segments = { raw: [], enclave: [] };
  for (let r = 0; r < ROUNDS; r++) {
    segments.raw.push(await raw(`raw ws relay ${r + 1}/${ROUNDS}`, SECONDS / ROUNDS));
    segments.enclave.push(await enc(`enclave room ${r + 1}/${ROUNDS}`, SECONDS / ROUNDS));
  }
  const total = (xs) => {
    const sum = (k) => xs.reduce((a, x) => a + x[k], 0);
    const secs = sum('secondsToLastDelivery');
    return {
      messagesSent: sum('messagesSent'),
      deliveries: sum('deliveries'),
      complete: xs.every((x) => x.complete),
      seconds: round(secs),
      messagesPerSecond: round(sum('messagesSent') / secs, 1),
      deliveriesPerSecond: Math.round(sum('deliveries') / secs),
      deliveredFrameBytes: xs[0].deliveredFrameBytes,
      serverCpuSeconds: round(sum('serverCpuSeconds')),
      clientCpuSeconds: round(sum('clientCpuSeconds')),
      otherProcessesCpuSeconds: round(sum('otherProcessesCpuSeconds')),
      serverMemory: xs[xs.length - 1].serverMemory,
      segments: xs,
    };
  };
  report.raw = { payloadBytes: payload.length, ...total(segments.raw) };
  report.enclave = total(segments.enclave);
  if (err) report.enclave.firstError = err.slice(0, 300);
  report.ratioPerRound = segments.raw.map((x, r) => round(segments.enclave[r].deliveriesPerSecond / x.deliveriesPerSecond, 3));
  for (const x of [...rawSockets, ...recipients, sender]) x.terminate();
} finally {
  await stopChild(rawChild);
  await enclave.stop();
}

report.ratioToRaw = round(report.enclave.deliveriesPerSecond / report.raw.deliveriesPerSecond, 3);
report.target = '≥ 0.60 of the raw limit';
report.targetMet = report.ratioToRaw >= 0.6;
log(`raw ${report.raw.deliveriesPerSecond}/s, enclave ${report.enclave.deliveriesPerSecond}/s: ratio ${report.ratioToRaw} (per round ${report.ratioPerRound.join(', ')})`);
report.loadAverageAtEnd = loadAverage();
console.log(JSON.stringify(report, null, 2));
process.exit(0);
