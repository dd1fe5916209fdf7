#!/usr/bin/env node
// Encrypted file transfer through the server's file routes, against a plain loopback HTTP copy of the
// same bytes. Reproduce with `npm run build` and then:
//   node bench/messaging-files.mjs > bench/results/messaging-files.json               (5 GB)
//   node bench/messaging-files.mjs --size 1GB > bench/results/messaging-files-1gb.json
// Options: --size 5GB (plaintext; decimal units B, MB, GB; at most 5 GB, the product limit),
// --parallel 2 (chunk requests in flight; protocol client only), --skip-baseline,
// --client protocol|sdk|both (default both: the protocol-level client below, then the SDK's
// `sendFile` / `downloadFile` from @enclave/client against a fresh server).
//
// Client (this process), protocol functions directly (@enclave/protocol, not the SDK): the plaintext is
// generated chunk by chunk (a random 4 MiB block stamped with the chunk index), never held whole;
// each 4 MiB chunk is encrypted with `encryptFileChunk`, hashed for `x-enclave-sha256` and into the
// whole-ciphertext digest, and PUT; then `complete`, a DM message referencing the file, and the
// recipient GETs every chunk, decrypts it with `decryptFileChunk` and checks it against the generator.
// Baseline: messaging-raw-file-server.mjs (plain node:http, same fsync-per-chunk durability) receives
// the same number of bytes unencrypted and serves them back. Servers run in their own processes.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkCount, decryptFileChunk, encryptFileChunk, encryptedSize, FILE_CHUNK_SIZE, generateFileKey, toBase64Url } from '../packages/protocol/dist/index.js';
import { api, loadAverage, machineBusySeconds, waitForQuiet, createNetwork, inviteAll, log, machine, memoryOf, opaqueBody, registerAll, resetPeak, round, startEnclave, stopChild, waitForLine } from './lib-messaging.mjs';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '5GB' },
    parallel: { type: 'string', default: '2' },
    'skip-baseline': { type: 'boolean', default: false },
    client: { type: 'string', default: 'both' },
    'no-wait': { type: 'boolean', default: false },
  },
});
const UNITS = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 };
const sm = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(args.size);
if (!sm) throw new Error(`--size: a number with an optional unit (B, KB, MB, GB), not "${args.size}"`);
const SIZE = Math.round(Number(sm[1]) * UNITS[(sm[2] ?? 'B').toUpperCase()]);
const PARALLEL = Number(args.parallel);
const CHUNKS = chunkCount(SIZE);
const CT_SIZE = encryptedSize(SIZE);
const MB = 1e6;

const report = { benchmark: 'messaging-files', machine: { ...machine(), ...(args['no-wait'] ? {} : await waitForQuiet()) }, plaintextBytes: SIZE, ciphertextBytes: CT_SIZE, chunks: CHUNKS, parallel: PARALLEL };

// The generated source: chunk i is a fixed random block with i in its first 8 bytes.
const BLOCK = randomBytes(FILE_CHUNK_SIZE);
const busyAtStart = machineBusySeconds();
const wallAtStart = performance.now();
const plainLength = (i) => (i === CHUNKS - 1 ? SIZE - i * FILE_CHUNK_SIZE : FILE_CHUNK_SIZE);
function plainChunk(i) {
  const b = Buffer.allocUnsafe(plainLength(i));
  BLOCK.copy(b, 0, 0, b.length);
  if (b.length >= 8) b.writeBigUInt64BE(BigInt(i), 0);
  return b;
}
const selfMemory = () => memoryOf(process.pid);
/** Peak RSS of the server and of this client over one transfer: the peaks are reset at its start. */
function peaks(serverPid) {
  resetPeak(serverPid);
  resetPeak(process.pid);
  return () => ({ serverPeakRssMiB: memoryOf(serverPid).peakRssMiB, clientPeakRssMiB: selfMemory().peakRssMiB });
}

/** Runs `task(i)` for i in 0..n-1 in order of start, at most PARALLEL at a time, starting each after `prepare(i)`. */
async function pipeline(n, prepare, task) {
  const inflight = new Set();
  for (let i = 0; i < n; i++) {
    const prepared = await prepare(i);
    while (inflight.size >= PARALLEL) await Promise.race(inflight);
    const p = task(i, prepared).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
}

let progressAt = 0;
function progress(label, i) {
  if (Date.now() - progressAt > 10_000) {
    progressAt = Date.now();
    log(`${label}: chunk ${i + 1}/${CHUNKS}`);
  }
}

async function expectOk(res, what) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res;
}

// 1. Baseline: the same bytes through a plain HTTP server to disk and back.
if (!args['skip-baseline']) {
  const dir = mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'enclave-rawfiles-'));
  const child = spawn(process.execPath, [new URL('./messaging-raw-file-server.mjs', import.meta.url).pathname], { env: { ...process.env, RAW_FILE_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  try {
    const url = await waitForLine(child, /listening on (\S+)/);
    // Same wire sizes as the encrypted run: plaintext length + 16 per chunk.
    const wireChunk = (i) => {
      const p = plainChunk(i);
      return Buffer.concat([p, BLOCK.subarray(0, 16)]);
    };
    let peak = peaks(child.pid);
    const t0 = performance.now();
    await pipeline(CHUNKS, (i) => wireChunk(i), async (i, body) => {
      await expectOk(await fetch(`${url}/chunks/${i}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } }), `raw PUT ${i}`);
      progress('raw upload', i);
    });
    const up = (performance.now() - t0) / 1000;
    const uploadPeaks = peak();
    peak = peaks(child.pid);
    const t1 = performance.now();
    let bad = 0;
    await pipeline(CHUNKS, () => undefined, async (i) => {
      const got = Buffer.from(await (await expectOk(await fetch(`${url}/chunks/${i}`), `raw GET ${i}`)).arrayBuffer());
      if (!got.equals(wireChunk(i))) bad++;
      progress('raw download', i);
    });
    const down = (performance.now() - t1) / 1000;
    report.baseline = {
      what: 'plain node:http PUT/GET of the same number of bytes, fsync per chunk, no encryption or hashing',
      uploadSeconds: round(up),
      uploadMBps: round(CT_SIZE / MB / up, 1),
      downloadSeconds: round(down),
      downloadMBps: round(CT_SIZE / MB / down, 1),
      mismatches: bad,
      upload: uploadPeaks,
      download: peak(),
    };
    log(`baseline: upload ${report.baseline.uploadMBps} MB/s, download ${report.baseline.downloadMBps} MB/s`);
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

// 2. Enclave: one node (SQLite, blobs in its data directory); Alice uploads, Bob downloads.
if (args.client !== 'sdk') {
  const enclave = await startEnclave();
  try {
    const { networkId, groupId } = await createNetwork(enclave.admin);
    const [alice, bob] = await registerAll(enclave.url, await inviteAll(enclave.admin, networkId, groupId, ['alice@example.com', 'bob@example.com']), 2);
    const dm = await api(enclave.url, 'POST', '/v1/conversations', alice.token, { kind: 'dm', members: [bob.userId] });
    const serverBefore = memoryOf(enclave.pid);
    const key = generateFileKey();
    const auth = (m) => ({ authorization: `Bearer ${m.token}` });

    let peak = peaks(enclave.pid);
    const t0 = performance.now();
    const file = await api(enclave.url, 'POST', '/v1/files', alice.token, { size: CT_SIZE, conv: dm.id });
    if (file.chunkCount !== CHUNKS) throw new Error(`server expects ${file.chunkCount} chunks, the client ${CHUNKS}`);
    const whole = createHash('sha256');
    let encryptMs = 0;
    await pipeline(
      CHUNKS,
      async (i) => {
        const e0 = performance.now();
        const ct = await encryptFileChunk(key, i, i === CHUNKS - 1, plainChunk(i));
        const sha = createHash('sha256').update(ct).digest('hex');
        whole.update(ct);
        encryptMs += performance.now() - e0;
        return { ct, sha };
      },
      async (i, { ct, sha }) => {
        await expectOk(await fetch(`${enclave.url}/v1/files/${file.fileId}/chunks/${i}`, { method: 'PUT', body: ct, headers: { ...auth(alice), 'content-type': 'application/octet-stream', 'x-enclave-sha256': sha } }), `PUT chunk ${i}`);
        progress('enclave upload', i);
      },
    );
    const done = await api(enclave.url, 'POST', `/v1/files/${file.fileId}/complete`, alice.token);
    if (!done.complete) throw new Error('upload not complete');
    const up = (performance.now() - t0) / 1000;
    const uploadPeaks = peak();
    // The FileRef (key, digest …) would travel end-to-end encrypted in this message; here it is opaque.
    const digest = toBase64Url(whole.digest());
    await api(enclave.url, 'POST', `/v1/conversations/${dm.id}/messages`, alice.token, { conv: dm.id, messageId: `file${Date.now()}`, kind: 'pw', parts: { [bob.deviceId]: opaqueBody(400) }, files: [file.fileId] });

    peak = peaks(enclave.pid);
    const t1 = performance.now();
    let bad = 0;
    let decryptMs = 0;
    const whole2 = createHash('sha256');
    const received = new Map();
    let nextHash = 0;
    await pipeline(CHUNKS, () => undefined, async (i) => {
      const res = await expectOk(await fetch(`${enclave.url}/v1/files/${file.fileId}/chunks/${i}`, { headers: auth(bob) }), `GET chunk ${i}`);
      const ct = new Uint8Array(await res.arrayBuffer());
      // Whole-file digest in order (chunks may finish out of order when parallel > 1).
      received.set(i, ct);
      while (received.has(nextHash)) {
        whole2.update(received.get(nextHash));
        received.delete(nextHash++);
      }
      const d0 = performance.now();
      const pt = await decryptFileChunk(key, i, i === CHUNKS - 1, ct);
      decryptMs += performance.now() - d0;
      if (!Buffer.from(pt.buffer, pt.byteOffset, pt.byteLength).equals(plainChunk(i))) bad++;
      progress('enclave download', i);
    });
    const down = (performance.now() - t1) / 1000;
    report.enclave = {
      uploadSeconds: round(up),
      uploadMBps: round(CT_SIZE / MB / up, 1),
      clientEncryptAndHashSeconds: round(encryptMs / 1000),
      downloadSeconds: round(down),
      downloadMBps: round(CT_SIZE / MB / down, 1),
      clientDecryptSeconds: round(decryptMs / 1000),
      mismatches: bad,
      digestMatches: toBase64Url(whole2.digest()) === digest,
      serverRssBefore: serverBefore,
      upload: uploadPeaks,
      download: peak(),
    };
    log(`enclave: upload ${report.enclave.uploadMBps} MB/s, download ${report.enclave.downloadMBps} MB/s, peaks ${JSON.stringify([report.enclave.upload, report.enclave.download])}`);
  } finally {
    await enclave.stop();
  }
}
// 3. The same through the SDK (@enclave/client): sendFile from a generated FileSource, downloadFile
// into a sink that checks every byte against the generator. Its own server, so peaks are its own.
if (args.client !== 'protocol') {
  const { EnclaveClient, MemoryStore } = await import('../packages/client/dist/index.js');
  const { nodePlatform } = await import('../packages/client/dist/node/index.js');
  const enclave = await startEnclave();
  const clients = [];
  try {
    const { networkId, groupId } = await createNetwork(enclave.admin);
    const invited = await inviteAll(enclave.admin, networkId, groupId, ['alice@example.com', 'bob@example.com']);
    const [alice, bob] = await Promise.all(
      invited.map((inv) =>
        EnclaveClient.register({ server: enclave.url, email: inv.email, inviteCode: inv.inviteCode, password: 'Correct-Horse-9-battery', store: new MemoryStore(), platform: nodePlatform(), deviceType: 'cli', clientName: 'enclave-bench/1' }),
      ),
    );
    clients.push(alice, bob);
    await bob.connect();
    const dm = await alice.openDm('bob@example.com');
    const cpu0 = process.cpuUsage();
    const source = {
      size: SIZE,
      resumeId: `bench-${SIZE}`,
      async read(offset, length) {
        const out = Buffer.allocUnsafe(length);
        let o = 0;
        while (o < length) {
          const pos = offset + o;
          const i = Math.floor(pos / FILE_CHUNK_SIZE);
          const c = plainChunk(i);
          o += c.copy(out, o, pos - i * FILE_CHUNK_SIZE, Math.min(c.length, pos - i * FILE_CHUNK_SIZE + (length - o)));
        }
        return out;
      },
    };
    const gotMessage = bob.next('message', (m) => Boolean(m.file));
    let lastUp = 0;
    const serverBefore = memoryOf(enclave.pid);
    let peak = peaks(enclave.pid);
    const t0 = performance.now();
    await alice.sendFile(dm.id, source, {
      name: 'bench.bin',
      mime: 'application/octet-stream',
      onProgress: (p) => {
        if (Date.now() - lastUp > 10_000) {
          lastUp = Date.now();
          log(`sdk upload: ${Math.round(p.bytes / MB)} / ${Math.round(p.total / MB)} MB`);
        }
      },
    });
    const up = (performance.now() - t0) / 1000;
    const uploadPeaks = peak();
    const m = await gotMessage;
    let pos = 0;
    let bad = 0;
    let closed = false;
    const sink = {
      async write(piece) {
        let o = 0;
        while (o < piece.length) {
          const i = Math.floor(pos / FILE_CHUNK_SIZE);
          const at = pos - i * FILE_CHUNK_SIZE;
          const c = plainChunk(i);
          const n = Math.min(c.length - at, piece.length - o);
          if (!Buffer.from(piece.buffer, piece.byteOffset + o, n).equals(c.subarray(at, at + n))) bad++;
          o += n;
          pos += n;
        }
      },
      async close() {
        closed = true;
      },
      async abort() {
        bad++;
      },
    };
    let lastDown = 0;
    peak = peaks(enclave.pid);
    const t1 = performance.now();
    await bob.downloadFile(m.file, sink, {
      onProgress: (p) => {
        if (Date.now() - lastDown > 10_000) {
          lastDown = Date.now();
          log(`sdk download: ${Math.round(p.bytes / MB)} / ${Math.round(p.total / MB)} MB`);
        }
      },
    });
    const down = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    report.sdk = {
      what: '@enclave/client sendFile (FileSource) and downloadFile (FileSink), both clients in this process',
      uploadSeconds: round(up),
      uploadMBps: round(CT_SIZE / MB / up, 1),
      downloadSeconds: round(down),
      downloadMBps: round(CT_SIZE / MB / down, 1),
      bytesChecked: pos,
      mismatches: bad,
      sinkClosed: closed,
      clientCpuSeconds: round((cpu.user + cpu.system) / 1e6),
      serverRssBefore: serverBefore,
      upload: uploadPeaks,
      download: peak(),
    };
    log(`sdk: upload ${report.sdk.uploadMBps} MB/s, download ${report.sdk.downloadMBps} MB/s, peaks ${JSON.stringify([report.sdk.upload, report.sdk.download])}`);
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await enclave.stop();
  }
}

report.clientPeakRssWholeRun = selfMemory();
if (report.baseline && report.sdk) {
  report.sdkUploadRatioToBaseline = round(report.sdk.uploadMBps / report.baseline.uploadMBps, 2);
  report.sdkDownloadRatioToBaseline = round(report.sdk.downloadMBps / report.baseline.downloadMBps, 2);
}
if (report.baseline && report.enclave) {
  report.uploadRatioToBaseline = round(report.enclave.uploadMBps / report.baseline.uploadMBps, 2);
  report.downloadRatioToBaseline = round(report.enclave.downloadMBps / report.baseline.downloadMBps, 2);
}
report.loadAverageAtEnd = loadAverage();
report.machineBusyCpuSeconds = round(machineBusySeconds() - busyAtStart);
report.wallSeconds = round((performance.now() - wallAtStart) / 1000);
console.log(JSON.stringify(report, null, 2));
process.exit(0);
