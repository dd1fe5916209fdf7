// Self-time summary of a V8 .cpuprofile (from `node --cpu-prof`): the functions where the process
// spent its CPU, heaviest first, and the same grouped by source file. Used to find hot spots in
// benchmarks (e.g. BOT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/retention-e2e.mjs).
// node bench/profile-summary.mjs <file.cpuprofile> [--top 40]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' } } });
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const top = Number(values.top);

// Each sample names the node that was on top of the stack; time deltas give its duration.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) => (url ? url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/') : '(native)');
const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of selfMicros) {
  const { callFrame } = byId.get(id);
  const file = shortUrl(callFrame.url);
  const fn = `${callFrame.functionName || '(anonymous)'}  ${file}:${callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`total sampled: ${(total / 1e6).toFixed(2)} s`);
print('self time by function', byFunction);
print('self time by file', byFile);
