// Retention bot end to end (issue 7): the built server (SQLite) and the built bot
// (`enclave-retention-bot run`, a child process) with its SQLite profile; members send room messages
// (sender keys) through the server with the SDK. Two phases:
//  1. backlog — the bot is stopped while `--messages` are sent, then started: how fast it receives,
//     verifies, decrypts and archives (fsynced message files) what the server queued for it;
//  2. live — `--live-seconds` of members sending while the bot runs: whether it keeps up.
// Reports archived messages/s and the bot's RSS sampled every second. Progress on stderr, JSON on stdout.
// node bench/retention-e2e.mjs [--messages 100000] [--senders 4] [--live-seconds 30] [--filesize-kib 65536] [--s3] [--prefill]
//
// With --prefill the backlog is built faster than the socket allows (a 10-million-message run): the
// first message of each sender goes through the server as usual (its SDK creates and distributes the
// sender key), then the bench encrypts the rest as that SDK would, with that key, and the server
// process stores them over IPC in batches as a send would (bench/server-process.mjs). The bot's side
// — what it receives, verifies, decrypts and archives — is the same as without.
//
// With --s3 the bot also uploads its rotated message files to s3rver (WICKRIO_S3_*, a child
// process on the same machine) and deletes them locally once uploaded; records are then counted
// from the bot's own Prometheus counter (Messages_Saved) instead of the local files.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EnclaveClient, MemoryStore } from '../packages/client/dist/index.js';
import { b64, encodeEnvelope, newId, senderKeyAd, unb64 } from '../packages/client/dist/codec.js';
import { deserializeSenderKey, senderKeyEncrypt, serializeSenderKey } from '../packages/protocol/dist/index.js';
import { nodePlatform } from '../packages/client/dist/node/index.js';
import { startS3rver } from './retention-s3rver.mjs';
import { PASSWORD, createNetwork, inviteAll, log, machine, memoryOf, round, startEnclave, cpuSecondsOf } from './lib-messaging.mjs';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, senders: { type: 'string', default: '4' }, 'live-seconds': { type: 'string', default: '30' }, 'filesize-kib': { type: 'string', default: '65536' }, s3: { type: 'boolean', default: false }, prefill: { type: 'boolean', default: false } } });
const total = Number(values.messages);
const senderCount = Number(values.senders);
const liveSeconds = Number(values['live-seconds']);
const kdf = { N: 2 ** 10, r: 8, p: 1 };
const home = mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'enclave-rete2e-'));
const messagesDir = join(home, 'messages');
const BOT_MAIN = new URL('../packages/retention-bot/dist/main.js', import.meta.url).pathname;

/**
 * Counts archived records incrementally (newlines appended to the .jsonl files since the last call),
 * by inode: rotation renames the active file and starts a new one under the old name.
 */
const seenBytes = new Map();
let archived = 0;
function countArchived() {
  if (values.s3) return savedBase + savedNow;
  if (!existsSync(messagesDir)) return archived;
  for (const f of readdirSync(messagesDir).filter((n) => n.endsWith('.jsonl'))) {
    const path = join(messagesDir, f);
    const { ino, size } = statSync(path);
    const from = seenBytes.get(ino) ?? 0;
    if (size <= from) continue;
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    closeSync(fd);
    let lines = 0;
    for (let i = buf.lastIndexOf(10); i >= 0; i = buf.lastIndexOf(10, i - 1)) lines++;
    const end = buf.lastIndexOf(10) + 1;
    seenBytes.set(ino, from + end);
    archived += lines;
  }
  return archived;
}

// --s3: the bot's Messages_Saved counter, scraped from its Prometheus endpoint (one port for every
// bot process of the run; a restarted process counts from 0, so what the last one saved is kept).
let savedBase = 0;
let savedNow = 0;
let s3;
let promPort;
if (values.s3) {
  s3 = await startS3rver('bench-bucket', join(home, 's3rver'));
  promPort = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const scrape = async () => {
    try {
      const text = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
      const m = /^wickrio_messages_saved_total\{[^}]*\} (\d+)$/m.exec(text);
      if (m) savedNow = Number(m[1]);
    } catch {
      /* the bot is starting or stopping */
    }
  };
  setInterval(() => void scrape(), 200).unref();
}
const s3Env = s3
  ? { WICKRIO_S3_BUCKET_NAME: 'bench-bucket', WICKRIO_S3_REGION: 'us-east-1', WICKRIO_S3_FOLDER_NAME: 'bench', AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', ENCLAVE_PROMETHEUS_PORT: String(promPort) }
  : {};

/** Objects s3rver holds (its directory keeps one `._S3rver_object` file per object). */
function s3Objects() {
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('._S3rver_object')) n++;
    }
  };
  if (s3) walk(join(home, 's3rver'));
  return n;
}

function startBot(env) {
  savedBase += savedNow;
  savedNow = 0;
  // BOT_NODE_ARGS: node flags for the bot process (a heap cap, --cpu-prof), space-separated.
  const nodeArgs = (process.env.BOT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BOT_MAIN, 'run', '--no-supervise'], { env: { PATH: process.env.PATH ?? '', ...(process.env.ENCLAVE_VERIFY_AHEAD ? { ENCLAVE_VERIFY_AHEAD: process.env.ENCLAVE_VERIFY_AHEAD } : {}), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out = (out + d.slice(0, 4096)).slice(-65536)));
  child.stderr.setEncoding('utf8').on('data', (d) => (out = (out + d.slice(0, 4096)).slice(-65536)));
  return { child, output: () => out };
}

async function waitFor(cond, what, ms = 120_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopBot(bot) {
  if ((bot.child.exitCode !== null || bot.child.signalCode !== null)) return;
  const gone = new Promise((r) => bot.child.once('exit', r));
  bot.child.kill('SIGTERM');
  await gone;
}

const server = await startEnclave({}, { ipc: values.prefill });
const { networkId, groupId } = await createNetwork(server.admin, { presence: false });
const botName = `compliance_${networkId}_bot`;
await server.admin.call('CreateDataRetentionBot', { networkId });
const { challenge } = await server.admin.call('CreateDataRetentionBotChallenge', { networkId });
const env = { ...s3Env, WICKRIO_BOT_NAME: botName, ENCLAVE_SERVER_URL: server.url, ENCLAVE_RETENTION_HOME: home, WICKRIO_COMP_MESGDEST: messagesDir, WICKRIO_COMP_FILEDEST: join(home, 'files'), WICKRIO_COMP_FILESIZE: values['filesize-kib'] };
let bot = startBot({ ...env, WICKRIO_BOT_PASSWORD: challenge });
await waitFor(() => bot.output().includes('bot.running') || (bot.child.exitCode !== null || bot.child.signalCode !== null), 'the bot to start');
const password = /"([A-Za-z0-9]{24})"/.exec(bot.output())?.[1];
if (!password) throw new Error(`no generated password: ${bot.output()}`);
await server.admin.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
await server.admin.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });

// Each sender has its own room with one member who never connects (their copies wait on the
// server), so the bench process only encrypts and sends; the bot is in every room.
const invited = await inviteAll(server.admin, networkId, groupId, Array.from({ length: senderCount * 2 }, (_, i) => `member${i}-${Date.now()}@example.com`));
const clients = [];
for (const u of invited) clients.push(await EnclaveClient.register({ server: server.url, email: u.email, inviteCode: u.inviteCode, password: PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'bench/1' }));
const senders = [];
for (let i = 0; i < clients.length; i += 2) {
  await clients[i + 1].close();
  await clients[i].connect();
  const room = await clients[i].createRoom({ name: `bench ${i / 2}`, members: [invited[i + 1].email] });
  senders.push({ c: clients[i], room });
}

const text = 'The quarterly numbers are in; please review the attached summary before Thursday.';
/** Sends `n` texts across the senders, at most `window` unanswered per sender. */
async function send(n, window = 64) {
  let next = 0;
  await Promise.all(
    senders.map(async ({ c, room }) => {
      // A counter and one waiter (Promise.race over the window would cost O(window) per message).
      let inFlight = 0;
      let wake;
      let failed;
      const done = () => {
        inFlight--;
        wake?.();
      };
      while (next < n && !failed) {
        next++;
        inFlight++;
        c.sendText(room.id, text).then(done, (err) => {
          failed = err;
          done();
        });
        while (inFlight >= window) await new Promise((r) => (wake = r));
      }
      while (inFlight > 0) await new Promise((r) => (wake = r));
      if (failed) throw failed;
    }),
  );
}

// --prefill: the server process stores numbered SendMessages over IPC (server-process.mjs).
let requestId = 0;
const answers = new Map();
if (values.prefill) {
  server.child.on('message', (m) => {
    if (m?.t !== 'answer') return;
    const a = answers.get(m.id);
    answers.delete(m.id);
    if (m.error) a.reject(new Error(m.error));
    else a.resolve(m.value);
  });
}
function ask(request) {
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    answers.set(id, { resolve, reject });
    server.child.send({ ...request, id });
  });
}

/**
 * Encrypts `n` room messages as each sender's SDK would (its own sender key, taken from its store
 * after the first message went through the server: chain step, AES-GCM, Ed25519 signature, the
 * padded envelope and the associated data of outbound.ts) and has the server process store them
 * in batches, one conversation's messages numbered on from where it stands; one batch is encrypted
 * while the previous one is stored. The advanced key goes back into each sender's store, so the
 * live phase continues the chain. Without the SDK's per-message bookkeeping (its local history,
 * the per-conversation lock, the socket) this runs at several thousand messages per second.
 */
async function prefill(n) {
  const BATCH = 2000;
  const own = await Promise.all(
    senders.map(async ({ c, room }) => {
      const rec = await c.ctx.store.getJson(`skown/${room.id}`);
      if (!rec) throw new Error('prefill: the sender has no sender key yet');
      return { c, conv: room.id, rec, state: deserializeSenderKey(unb64(rec.state)), seq: await ask({ t: 'lastSeq', conv: room.id }) };
    }),
  );
  let storing = Promise.resolve();
  let made = 0;
  let lastLog = Date.now();
  while (made < n) {
    const items = [];
    for (const o of own) {
      for (let i = 0; i < BATCH / own.length && made < n; i++, made++) {
        const messageId = newId();
        const envelope = encodeEnvelope({ v: 1, conv: o.conv, id: messageId, from: o.c.deviceId, to: '*', c: { type: 'text', text, sentAt: Date.now() } });
        const { state, message } = await senderKeyEncrypt(o.state, envelope, senderKeyAd(o.conv, messageId, o.c.deviceId));
        o.state = state;
        items.push({ userId: o.c.userId, deviceId: o.c.deviceId, seq: ++o.seq, msg: { conv: o.conv, messageId, kind: 'sk', body: b64(message) } });
      }
    }
    await storing;
    storing = ask({ t: 'prefill', items });
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`prefill: ${made} encrypted (${round(made / ((Date.now() - t0) / 1000), 0)} msg/s)`);
    }
  }
  await storing;
  for (const o of own) {
    o.rec.state = b64(serializeSenderKey(o.state));
    await o.c.ctx.store.putJson(`skown/${o.conv}`, o.rec);
    await o.c.ctx.store.flush();
  }
}

// Phase 1: the backlog.
await stopBot(bot);
log(`bot stopped; ${values.prefill ? 'prefilling' : 'sending'} ${total} room messages from ${senderCount} members`);
let t0 = Date.now();
if (values.prefill) {
  // The first message of each sender through the socket (it distributes the sender key), the rest
  // straight into the server's database.
  await Promise.all(senders.map(({ c, room }) => c.sendText(room.id, text)));
  await prefill(total - senders.length);
} else {
  await send(total);
}
const sendSeconds = (Date.now() - t0) / 1000;
log(`sent in ${round(sendSeconds, 1)} s (${round(total / sendSeconds, 0)} msg/s); starting the bot`);
for (const { c } of senders) await c.idle();

const rss = [];
const base = countArchived();
bot = startBot({ ...env, WICKRIO_BOT_PASSWORD: password });
const startedAt = Date.now();
await waitFor(() => bot.output().includes('bot.running') || (bot.child.exitCode !== null || bot.child.signalCode !== null), 'the bot to restart');
const runningAt = Date.now();
const serverCpuAtStart = cpuSecondsOf(server.pid);
const botCpuAtStart = cpuSecondsOf(bot.child.pid);
const exitedEarly = () => {
  if (bot.child.exitCode === null && bot.child.signalCode === null) return false;
  throw new Error(`the bot exited (${bot.child.exitCode ?? bot.child.signalCode}):\n${bot.output()}`);
};
let sampler = setInterval(() => {
  try {
    rss.push({ t: round((Date.now() - runningAt) / 1000, 1), archived: countArchived() - base, ...memoryOf(bot.child.pid) });
  } catch {
    /* exited */
  }
}, 1000);
let lastLog = Date.now();
await waitFor(() => {
  const n = countArchived() - base;
  if (Date.now() - lastLog > 10_000) {
    lastLog = Date.now();
    let rssMiB = '?';
    try {
      rssMiB = memoryOf(bot.child.pid).rssMiB;
    } catch {
      /* exited: reported below */
    }
    log(`${n} archived, ${round(n / ((Date.now() - runningAt) / 1000), 0)} msg/s, bot rss ${rssMiB} MiB`);
  }
  return n >= total || exitedEarly();
}, 'the backlog to be archived', 3_600_000);
const backlogSeconds = (Date.now() - runningAt) / 1000;
// CPU seconds spent on the backlog (start-up, scrypt included, is left out).
const botCpuBacklog = cpuSecondsOf(bot.child.pid) - botCpuAtStart;
const serverCpuBacklog = cpuSecondsOf(server.pid) - serverCpuAtStart;
log(`backlog archived in ${round(backlogSeconds, 1)} s: ${round(total / backlogSeconds, 0)} msg/s`);

// Phase 2: live.
let live;
if (liveSeconds > 0) {
  const before = countArchived();
  t0 = Date.now();
  let sent = 0;
  const deadline = t0 + liveSeconds * 1000;
  await Promise.all(
    senders.map(async ({ c, room }) => {
      const inFlight = new Set();
      while (Date.now() < deadline) {
        const p = c.sendText(room.id, text).then(() => sent++).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 64) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }),
  );
  const sentSeconds = (Date.now() - t0) / 1000;
  await waitFor(() => countArchived() - before >= sent, 'the live messages to be archived', 600_000);
  const lagSeconds = (Date.now() - t0) / 1000 - sentSeconds;
  live = { sent, seconds: round(sentSeconds, 1), sentPerSecond: round(sent / sentSeconds, 0), archivedPerSecond: round(sent / (sentSeconds + lagSeconds), 0), lagAfterLastSendSeconds: round(lagSeconds, 1) };
  log(`live: ${JSON.stringify(live)}`);
}
clearInterval(sampler);
const peak = memoryOf(bot.child.pid).peakRssMiB;
await stopBot(bot);
for (const { c } of senders) await c.close();
await server.stop();
const uploadedObjects = s3Objects();
if (s3) await s3.stop();

const rssValues = rss.map((r) => r.rssMiB).filter((x) => Number.isFinite(x));
console.log(JSON.stringify({
  benchmark: 'retention-e2e',
  machine: machine(),
  messages: total,
  senders: senderCount,
  archive: s3 ? { mode: 's3rver', filesizeKiB: Number(values['filesize-kib']), uploadedObjects } : { mode: 'local', filesizeKiB: Number(values['filesize-kib']) },
  backlog: { fill: values.prefill ? 'prefill' : 'socket', sendSeconds: round(sendSeconds, 1), startupSeconds: round((runningAt - startedAt) / 1000, 1), seconds: round(backlogSeconds, 1), messagesPerSecond: round(total / backlogSeconds, 0), botCpuSeconds: round(botCpuBacklog, 1), serverCpuSeconds: round(serverCpuBacklog, 1) },
  ...(live ? { live } : {}),
  botRssMiB: { first: rssValues[0], min: Math.min(...rssValues), max: Math.max(...rssValues), last: rssValues.at(-1), peak },
  rssSamples: rss.filter((_, i) => i % Math.max(1, Math.floor(rss.length / 40)) === 0),
}, null, 2));
rmSync(home, { recursive: true, force: true });
process.exit(0);
