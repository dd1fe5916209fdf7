#!/usr/bin/env node
// IAM wildcard matching (issue 17): the old approach — a RegExp built from the pattern, `.*` per `*`,
// `.` per `?`, which backtracks — against the new bit-parallel matcher (packages/server/src/domain/iam/glob.ts).
// Reproduce with `npx tsc -b packages/server` and then:
//   node bench/iam-glob.mjs [--budget-ms 1000] [--samples 20000]
// Measures one match (a failing one: the value does not end in Z) of the issue's pattern
// `arn:*?*?…*?Z` with k `*?` pairs against values of 32, 64 and 126 characters, for k = 1, 2, … The
// old approach is timed once per size and stops growing k for a value length once one match takes
// longer than --budget-ms (it is exponential in k; it cannot be interrupted). The new matcher is timed
// over --samples matches, for every k up to 16 (the limit) and far beyond. Then the matcher's largest
// inputs — a pattern of 6,000 characters (a document is at most 6,144) against a value of 16 KiB (a
// tagging call's resource ARN is bounded only by the request line), including a long literal between two
// `*`s that almost matches everywhere, which makes a greedy two-pointer matcher quadratic — and typical
// policy patterns, the old RegExp compiled once as the old code cached it. The report records the load
// averages before and after: the numbers are only clean on an otherwise idle machine. Progress goes to stderr, the JSON report to stdout.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compileGlob, matchGlob } from '../packages/server/dist/domain/iam/glob.js';

const { values: args } = parseArgs({
  options: {
    'budget-ms': { type: 'string', default: '1000' },
    samples: { type: 'string', default: '20000' },
  },
});
const BUDGET_MS = Number(args['budget-ms']);
const SAMPLES = Number(args.samples);
const loadBefore = loadavg();

/** The old policy.ts / evaluate.ts matcher, verbatim. */
function oldMatch(pattern, value) {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's').test(value);
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const round = (x) => +x.toPrecision(3);

/** Mean time of one match over `samples`, after as many unmeasured ones (so the JIT has settled). */
function timeNew(pattern, value, samples = SAMPLES) {
  const glob = compileGlob(pattern, false);
  const work = { steps: 0 };
  const result = matchGlob(glob, value, work);
  for (let i = 0; i < samples; i++) matchGlob(glob, value);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < samples; i++) matchGlob(glob, value);
  return { result, steps: work.steps, us: round((ms(t0) * 1000) / samples) };
}

const value = (n) => {
  const prefix = 'arn:aws:wickr:us-east-1:123456789012:network/';
  return n <= prefix.length ? prefix.slice(0, n) : prefix + 'a'.repeat(n - prefix.length);
};
const pattern = (k) => `arn:${'*?'.repeat(k)}Z`;

const issue = [];
for (const n of [32, 64, 126]) {
  let oldStopped = false;
  for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 64, 1000]) {
    const row = { valueLength: n, pairs: k };
    if (!oldStopped && k <= 16) {
      const t0 = process.hrtime.bigint();
      const r = oldMatch(pattern(k), value(n));
      row.oldMs = round(ms(t0));
      row.oldResult = r;
      if (row.oldMs > BUDGET_MS) oldStopped = true;
    }
    const neu = timeNew(pattern(k), value(n), k >= 64 ? Math.max(10, SAMPLES / 10) : SAMPLES);
    Object.assign(row, { newUs: neu.us, newSteps: neu.steps, newResult: neu.result });
    if (row.oldResult !== undefined && row.oldResult !== row.newResult) throw new Error(`results differ: ${JSON.stringify(row)}`);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    issue.push(row);
  }
}

// The largest inputs: n·⌈(k+1)/32⌉ word steps.
const a = (n) => 'a'.repeat(n);
const large = [];
for (const [label, p, v] of [
  ['*a{1024}b* vs a{2048}', `*${a(1024)}b*`, a(2048)],
  ['*a{6000}b* vs a{16384}', `*${a(6000)}b*`, a(16384)],
  ['*(a?){3000}b* vs a{16384}', `*${'a?'.repeat(3000)}b*`, a(16384)],
  ['arn:(*?){16}Z vs a{16384}', pattern(16), `arn:${a(16380)}`],
]) {
  let oldMs;
  if (!label.startsWith('arn:')) {
    // (Not the last: exponential for the RegExp.)
    const t0 = process.hrtime.bigint();
    oldMatch(p, v);
    oldMs = round(ms(t0));
  }
  const r = timeNew(p, v, 5);
  const row = { case: label, patternLength: p.length, valueLength: v.length, oldMs, newMs: round(r.us / 1000), newSteps: r.steps };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  large.push(row);
}

// Typical patterns, per match.
const typical = [];
for (const [label, p, v, ci] of [
  ['wickr:List* vs wickr:ListNetworks', 'wickr:List*', 'wickr:ListNetworks', true],
  ['wickr:*User* vs wickr:BatchCreateUser', 'wickr:*User*', 'wickr:BatchCreateUser', true],
  ['network/1234* vs a network ARN', 'arn:aws:wickr:*:*:network/1234*', 'arn:aws:wickr:us-east-1:123456789012:network/12345678', false],
  ['user/ops/* vs a user ARN (no match)', 'arn:aws:iam::*:user/ops/*', 'arn:aws:iam::123456789012:user/dev/alice', false],
]) {
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${body}$`, ci ? 'is' : 's');
  for (let i = 0; i < SAMPLES; i++) re.test(v);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < SAMPLES; i++) re.test(v);
  const oldUs = round((ms(t0) * 1000) / SAMPLES);
  const glob = compileGlob(p, ci);
  for (let i = 0; i < SAMPLES; i++) matchGlob(glob, v);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < SAMPLES; i++) matchGlob(glob, v);
  const newUs = round((ms(t1) * 1000) / SAMPLES);
  const row = { case: label, oldUs, newUs };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  typical.push(row);
}

const env = { date: new Date().toISOString(), node: process.version, nproc: availableParallelism(), loadBefore, loadAfter: loadavg() };
process.stdout.write(`${JSON.stringify({ ...env, budgetMs: BUDGET_MS, samples: SAMPLES, issue, large, typical }, null, 2)}\n`);
