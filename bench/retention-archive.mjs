// Retention bot archive throughput and memory (issue 7): the bot's archive pipeline (built code:
// de-duplication, JSON record, group-committed fsynced message files with size rotation, the ID
// journal, and with --s3 the uploader to s3rver) fed with synthetic decrypted messages as fast as it
// takes them, `--window` records in flight (what the SDK would have unacknowledged). Reports
// sustained messages/s and RSS sampled over the run. Progress on stderr, JSON report on stdout.
// node bench/retention-archive.mjs [--messages 10000000] [--window 512] [--filesize-kib 65536] [--s3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Archiver, Events, MessageFiles, Metrics, Uploader, keyOfLine } from '../packages/retention-bot/dist/index.js';
import { s3Client } from '../packages/retention-bot/dist/aws.js';
import { startS3rver } from './retention-s3rver.mjs';
import { log, machine, memoryOf, round } from './lib-messaging.mjs';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '10000000' }, window: { type: 'string', default: '512' }, 'filesize-kib': { type: 'string', default: '65536' }, s3: { type: 'boolean', default: false } } });
const total = Number(values.messages);
const window = Number(values.window);
const dir = mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'enclave-retbench-'));
const quiet = { log() {}, close() {} };
const metrics = new Metrics({ Id: 'b', Device: 'd', Product: 'p', BotType: 'Compliance', Network: 'n' }, quiet);
const events = new Events({ botName: 'b', device: 'd', dockerImage: 'i', dockerTag: 't' }, quiet);

let s3;
let uploader;
if (values.s3) {
  s3 = await startS3rver('bench-bucket', join(dir, 's3rver'));
  uploader = new Uploader({ s3: s3Client({ region: 'us-east-1', endpoint: s3.endpoint, env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } }), bucket: 'bench-bucket', folder: 'network1', botName: 'b', tmpDir: join(dir, 'upload'), metrics, log: quiet, events });
}
const files = await MessageFiles.open({ dir: join(dir, 'messages'), stateDir: join(dir, 'state'), baseName: 'receivedMessages', maxBytes: Number(values['filesize-kib']) * 1024, rotateMs: 0, keyOf: keyOfLine, onSealed: (p) => uploader?.add(p) });
const archiver = new Archiver({ files, fileDest: join(dir, 'att'), network: '1234567890', metrics, log: quiet });

const text = 'The quarterly numbers are in; please review the attached summary before Thursday.'; // 83 chars
const msg = (i) => ({ id: `m${i.toString(36).padStart(10, '0')}-${'x'.repeat(16)}`, conv: 'c'.repeat(26), seq: i, sender: { userId: 1000 + (i % 50), deviceId: 'd'.repeat(26), email: `user${i % 50}@example.com` }, sentAt: 1.7e12 + i, receivedAt: 1.7e12 + i + 5, text });

log(`archiving ${total} messages, window ${window}, ${values.s3 ? 's3rver upload' : 'local files'} in ${dir}`);
const rss = [];
const start = Date.now();
let next = 0;
let done = 0;
let lastLog = start;
const sampler = setInterval(() => rss.push({ t: round((Date.now() - start) / 1000, 1), done, ...memoryOf(process.pid) }), 1000);
await new Promise((resolve, reject) => {
  const pump = () => {
    while (next < total && next - done < window) {
      const i = next++;
      archiver.handle(msg(i)).then(() => {
        done++;
        if (done === total) resolve();
        else if (next - done < window / 2) pump();
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`${done} archived, ${round(done / ((Date.now() - start) / 1000), 0)} msg/s, rss ${memoryOf(process.pid).rssMiB} MiB${uploader ? `, upload backlog ${uploader.backlog}` : ''}`);
        }
      }, reject);
    }
  };
  pump();
});
const archivedSeconds = (Date.now() - start) / 1000;
let uploadSeconds = 0;
if (uploader) {
  await files.rotateNow();
  const t = Date.now();
  await uploader.drain(3_600_000);
  uploadSeconds = (Date.now() - t) / 1000;
}
clearInterval(sampler);
await files.close();
const rssValues = rss.map((r) => r.rssMiB);
const report = {
  benchmark: 'retention-archive',
  machine: machine(),
  mode: values.s3 ? 's3rver' : 'local',
  messages: total,
  window,
  fileSizeKiB: Number(values['filesize-kib']),
  seconds: round(archivedSeconds, 1),
  messagesPerSecond: round(total / archivedSeconds, 0),
  ...(uploader ? { uploadedObjects: uploader.uploaded, uploadDrainSecondsAfterLast: round(uploadSeconds, 1), S3_Post_Errors: metrics.totals.S3_Post_Errors } : {}),
  rssMiB: { first: rssValues[0], min: Math.min(...rssValues), max: Math.max(...rssValues), last: rssValues.at(-1), peak: memoryOf(process.pid).peakRssMiB },
  rssSamples: rss.filter((_, i) => i % Math.max(1, Math.floor(rss.length / 40)) === 0),
};
console.log(JSON.stringify(report, null, 2));
if (s3) await s3.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
