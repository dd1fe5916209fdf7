#!/usr/bin/env node
// 1:1 send→deliver latency at a steady offered load, on Enclave (one node, SQLite) and, in the same run,
// on a bare `ws` relay at the same rate. Reproduce with `npm run build` and then:
//   node bench/messaging-latency.mjs > bench/results/messaging-latency.json
// Options: --rate 1000 (messages per second offered), --seconds 25 (measured), --warmup 3 (seconds sent
// first and not measured), --body 300 (characters of the ciphertext part / raw payload), --pairs 1 (the
// rate is split over this many DMs, each sender on its own socket; message i goes to pair i % pairs),
// --no-wait (do not wait for the machine's load average to drop below 0.8 first).
// Sender and receiver sockets are in this process (one clock); the server runs in its own process.
// Latency is measured from each message's *scheduled* send time (t0 + i/rate), so a client or server
// that falls behind shows up in the numbers instead of silently lowering the rate (no coordinated
// omission). Enclave messages are pairwise (`pw`, one part for the peer's device), as a DM is.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { api, cpuSecondsOf, loadAverage, machineBusySeconds, waitForQuiet, createNetwork, inviteAll, log, machine, memoryOf, opaqueBody, openSocket, pct, registerAll, round, startEnclave, stopChild, waitForLine } from './lib-messaging.mjs';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '25' },
    warmup: { type: 'string', default: '3' },
    body: { type: 'string', default: '300' },
    pairs: { type: 'string', default: '1' },
    'no-wait': { type: 'boolean', default: false },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const BODY = Number(args.body);
const PAIRS = Number(args.pairs);
const TOTAL = Math.round(RATE * (WARMUP + SECONDS));
const FIRST_MEASURED = Math.round(RATE * WARMUP);

const report = { benchmark: 'messaging-latency', machine: { ...machine(), ...(args['no-wait'] ? {} : await waitForQuiet()) }, offeredRate: RATE, pairs: PAIRS, measuredSeconds: SECONDS, warmupSeconds: WARMUP, bodyChars: BODY };

/**
 * Sends TOTAL messages on schedule (`sender(i, frame(i))`), collects the receive time of each
 * (the caller's receiver calls `received(i)`), and the sender's acknowledgement time (`acked(i)`).
 */
async function run(label, sender, frame, hooks, serverPid) {
  const recv = new Float64Array(TOTAL).fill(NaN);
  const ack = new Float64Array(TOTAL).fill(NaN);
  let got = 0;
  hooks.received = (i) => {
    if (i >= 0 && i < TOTAL && Number.isNaN(recv[i])) {
      recv[i] = performance.now();
      got++;
    }
  };
  hooks.acked = (i) => {
    if (i >= 0 && i < TOTAL) ack[i] = performance.now();
  };
  const cpu0 = cpuSecondsOf(serverPid);
  const self0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  const t0 = performance.now() + 5;
  const at = (i) => t0 + (i * 1000) / RATE;
  let sent = 0;
  let maxLag = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < TOTAL && at(sent) <= now) {
        maxLag = Math.max(maxLag, now - at(sent));
        sender(sent, frame(sent));
        sent++;
      }
      if (sent < TOTAL) setTimeout(tick, Math.max(0, Math.min(1, at(sent) - performance.now())));
      else resolve();
    };
    setTimeout(tick, 5);
  });
  // A server that fell behind is given up to two minutes to deliver its backlog.
  const deadline = Date.now() + 120_000;
  while (got < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const lat = [];
  const ackLat = [];
  let lost = 0;
  for (let i = FIRST_MEASURED; i < TOTAL; i++) {
    if (Number.isNaN(recv[i])) lost++;
    else lat.push(recv[i] - at(i));
    if (!Number.isNaN(ack[i])) ackLat.push(ack[i] - at(i));
  }
  const lastRecv = Math.max(...recv.filter((x) => !Number.isNaN(x)));
  const out = {
    messages: TOTAL - FIRST_MEASURED,
    undelivered: lost,
    achievedRate: round(got / ((lastRecv - t0) / 1000), 1),
    maxClientSendLagMs: round(maxLag),
    p50ms: round(pct(lat, 50)),
    p90ms: round(pct(lat, 90)),
    p99ms: round(pct(lat, 99)),
    p999ms: round(pct(lat, 99.9)),
    maxMs: round(Math.max(...lat)),
    ...(ackLat.length ? { sentAckP50ms: round(pct(ackLat, 50)), sentAckP99ms: round(pct(ackLat, 99)) } : {}),
    serverCpuSeconds: round(cpuSecondsOf(serverPid) - cpu0),
    ...(() => {
      const self = process.cpuUsage(self0);
      const client = (self.user + self.system) / 1e6;
      return { clientCpuSeconds: round(client), otherProcessesCpuSeconds: round(machineBusySeconds() - busy0 - (cpuSecondsOf(serverPid) - cpu0) - client) };
    })(),
    serverMemory: memoryOf(serverPid),
  };
  log(`${label}: p50 ${out.p50ms} ms, p99 ${out.p99ms} ms, max ${out.maxMs} ms, ${out.undelivered} undelivered, ${out.achievedRate} msg/s delivered`);
  return out;
}

const openRaw = (url) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

// 1. Raw: a bare ws relay (its own process) between two sockets.
{
  const child = spawn(process.execPath, [new URL('./messaging-raw-server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  try {
    const url = await waitForLine(child, /listening on (\S+)/);
    // One relay per pair would need one server each; with pairs > 1 every socket but the senders
    // receives every message, so the raw phase always uses one pair (the rate is the same).
    const a = await openRaw(url);
    const b = await openRaw(url);
    const hooks = {};
    const pad = opaqueBody(BODY);
    b.on('message', (d) => hooks.received(JSON.parse(String(d)).i));
    log(`raw relay: ${TOTAL} messages at ${RATE}/s`);
    report.raw = await run('raw ws relay', (i, f) => a.send(f), (i) => JSON.stringify({ t: 'm', i, b: pad }), hooks, child.pid);
    a.terminate();
    b.terminate();
  } finally {
    await stopChild(child);
  }
}

// 2. Enclave: two members, a DM, each on one socket.
{
  const enclave = await startEnclave();
  try {
    const { networkId, groupId } = await createNetwork(enclave.admin);
    const emails = Array.from({ length: 2 * PAIRS }, (_, i) => `${i % 2 ? 'bob' : 'alice'}${Math.floor(i / 2)}@example.com`);
    const members = await registerAll(enclave.url, await inviteAll(enclave.admin, networkId, groupId, emails), 4);
    const hooks = {};
    const prefix = `${Date.now().toString(36)}m`;
    let firstError;
    const pairs = [];
    for (let p = 0; p < PAIRS; p++) {
      const [alice, bob] = [members[2 * p], members[2 * p + 1]];
      const dm = await api(enclave.url, 'POST', '/v1/conversations', alice.token, { kind: 'dm', members: [bob.userId] });
      let lastSeq = 0;
      let ackedSeq = 0;
      const rb = await openSocket(enclave.url, bob.token, (d) => {
        const f = JSON.parse(String(d));
        if (f.t !== 'msg' || !f.m.messageId.startsWith(prefix)) return;
        lastSeq = Math.max(lastSeq, f.m.seq);
        hooks.received(Number(f.m.messageId.slice(prefix.length)));
      });
      const ackTimer = setInterval(() => {
        if (lastSeq > ackedSeq) rb.send(JSON.stringify({ t: 'ack', conv: dm.id, seq: (ackedSeq = lastSeq) }));
      }, 200);
      const ra = await openSocket(enclave.url, alice.token, (d) => {
        const f = JSON.parse(String(d));
        if (f.t === 'sent') hooks.acked(Number(f.req));
        else if (f.t === 'error') firstError ??= f;
      });
      pairs.push({ dm, bob, ra, rb, ackTimer });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const part = opaqueBody(BODY);
    log(`enclave: ${PAIRS} DM(s), ${TOTAL} messages at ${RATE}/s`);
    report.enclave = await run(
      'enclave DM',
      (i, f) => pairs[i % PAIRS].ra.send(f),
      (i) => {
        const { dm, bob } = pairs[i % PAIRS];
        return JSON.stringify({ t: 'send', req: String(i), msg: { conv: dm.id, messageId: `${prefix}${i}`, kind: 'pw', parts: { [bob.deviceId]: part } } });
      },
      hooks,
      enclave.pid,
    );
    if (firstError) report.enclave.firstError = firstError;
    for (const p of pairs) {
      clearInterval(p.ackTimer);
      p.ra.terminate();
      p.rb.terminate();
    }
  } finally {
    await enclave.stop();
  }
}

report.ratioP50 = round(report.enclave.p50ms / report.raw.p50ms, 1);
report.ratioP99 = round(report.enclave.p99ms / report.raw.p99ms, 1);
report.loadAverageAtEnd = loadAverage();
console.log(JSON.stringify(report, null, 2));
process.exit(0);
