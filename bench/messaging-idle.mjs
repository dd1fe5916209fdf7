#!/usr/bin/env node
// Idle authenticated WebSocket connections held by one node: the server's memory at 0, 1k, 5k and 10k
// signed-in sockets. Reproduce with `npm run build` and then (every process needs a file descriptor
// per socket: check `ulimit -n` is above 11000, or raise it in the same shell):
//   ulimit -n 20000; node bench/messaging-idle.mjs > bench/results/messaging-idle.json
// Options: --connections 10000, --marks 1000,5000,10000, --members 10, --devices 1000 (distinct device
// sessions: each member registers one device and signs in `devices/members − 1` more with
// POST /v1/accounts/login; the connections are spread evenly over the device sessions, so with the
// defaults each session holds 10 sockets), --clients 4 (child processes holding the client sockets),
// --presence (leave presence on; by default it is switched off in the security group, see below).
//
// Every member is in one room, so every socket follows a conversation (the hub's per-connection
// state is what it is in use). Presence is off by default because with it on every sign-in is
// announced to every other connected member of the network: a connect storm of n sockets writes
// ~n²/2 presence frames, which measures the presence fan-out, not idle sockets.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { api, loadAverage, waitForQuiet, createNetwork, inviteAll, log, loginNewDevice, machine, memoryOf, openSocket, pool, registerAll, round, startEnclave } from './lib-messaging.mjs';

const { values: args } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    connections: { type: 'string', default: '10000' },
    marks: { type: 'string', default: '1000,5000,10000' },
    members: { type: 'string', default: '10' },
    devices: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '4' },
    presence: { type: 'boolean', default: false },
    'no-wait': { type: 'boolean', default: false },
  },
});

if (args.child) {
  // A client process: opens the sockets it is asked for and keeps them open, idle.
  const sockets = [];
  let closed = 0;
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m) => {
    if (m.t === 'open') {
      await pool(m.tokens, 100, async (token) => {
        const ws = await openSocket(m.url, token);
        ws.on('close', () => closed++);
        sockets.push(ws);
      });
      process.send({ t: 'opened', open: sockets.length - closed, closed, memory: memoryOf(process.pid) });
    } else if (m.t === 'status') {
      process.send({ t: 'status', open: sockets.length - closed, closed });
    } else if (m.t === 'exit') {
      for (const s of sockets) s.terminate();
      process.exit(0);
    }
  });
} else {
  const CONNECTIONS = Number(args.connections);
  const MARKS = args.marks.split(',').map(Number).filter((n) => n <= CONNECTIONS);
  const MEMBERS = Number(args.members);
  const DEVICES = Number(args.devices);
  const CLIENTS = Number(args.clients);
  const report = { benchmark: 'messaging-idle', machine: { ...machine(), ...(args['no-wait'] ? {} : await waitForQuiet()) }, connections: CONNECTIONS, members: MEMBERS, deviceSessions: DEVICES, clientProcesses: CLIENTS, presence: args.presence, marks: [] };

  const enclave = await startEnclave();
  const children = [];
  try {
    const { networkId, groupId } = await createNetwork(enclave.admin, { presence: args.presence });
    const emails = Array.from({ length: MEMBERS }, (_, i) => `idle${i}@example.com`);
    const members = await registerAll(enclave.url, await inviteAll(enclave.admin, networkId, groupId, emails), 4);
    const extra = [];
    for (let i = 0; i < DEVICES - MEMBERS; i++) extra.push(members[i % MEMBERS].email);
    let n = 0;
    const more = await pool(extra, 4, async (email) => {
      const s = await loginNewDevice(enclave.url, email);
      if (++n % 200 === 0) log(`signed in ${n}/${extra.length} more devices`);
      return s;
    });
    const sessions = [...members, ...more];
    const room = await api(enclave.url, 'POST', '/v1/conversations', members[0].token, { kind: 'room', name: 'Idle', members: members.slice(1).map((m) => m.userId) });
    log(`${sessions.length} device sessions of ${MEMBERS} members; room ${room.id}`);

    for (let c = 0; c < CLIENTS; c++) children.push(fork(new URL(import.meta.url).pathname, ['--child'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    const ask = (child, msg, reply) =>
      new Promise((resolve) => {
        const on = (m) => {
          if (m.t === reply) {
            child.off('message', on);
            resolve(m);
          }
        };
        child.on('message', on);
        child.send(msg);
      });
    const settle = () => new Promise((r) => setTimeout(r, 5000));

    await settle();
    report.marks.push({ connections: 0, server: memoryOf(enclave.pid) });
    log(`0 connections: server RSS ${report.marks[0].server.rssMiB} MiB`);
    let opened = 0;
    for (const mark of MARKS) {
      const t0 = performance.now();
      const need = mark - opened;
      const tokens = Array.from({ length: need }, (_, k) => sessions[(opened + k) % sessions.length].token);
      const per = Math.ceil(need / CLIENTS);
      const replies = await Promise.all(children.map((ch, c) => ask(ch, { t: 'open', url: enclave.url, tokens: tokens.slice(c * per, (c + 1) * per) }, 'opened')));
      opened = mark;
      const openSeconds = (performance.now() - t0) / 1000;
      await settle();
      const status = await Promise.all(children.map((ch) => ask(ch, { t: 'status' }, 'status')));
      const open = status.reduce((a, s) => a + s.open, 0);
      const closed = status.reduce((a, s) => a + s.closed, 0);
      const entry = { connections: mark, open, closedByServer: closed, openSeconds: round(openSeconds, 1), server: memoryOf(enclave.pid), clientProcessRssMiB: replies.map((r) => r.memory.rssMiB) };
      report.marks.push(entry);
      log(`${mark} connections (${open} open, ${closed} closed; opened in ${entry.openSeconds} s): server RSS ${entry.server.rssMiB} MiB, peak ${entry.server.peakRssMiB} MiB`);
    }
    const first = report.marks[0].server.rssMiB;
    const last = report.marks[report.marks.length - 1];
    report.perConnectionKiB = round(((last.server.rssMiB - first) * 1024) / last.connections, 1);
  } finally {
    for (const ch of children) ch.send({ t: 'exit' });
    await enclave.stop();
  }
  report.loadAverageAtEnd = loadAverage();
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
}
