#!/usr/bin/env node
// Renders bench/results/*.json as the Markdown tables of docs/benchmarks.md:
//   node bench/report.mjs
import { existsSync, readFileSync } from 'node:fs';

const read = (f) => {
  try {
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
  } catch {
    return undefined; // still running, or failed: see its .log
  }
};
const dir = new URL('./results/', import.meta.url).pathname;
const out = [];

const api = ['sqlite', 'postgres'].map((db) => read(`${dir}${db}.json`)).filter(Boolean);
if (api.length) {
  out.push('### BatchCreateUser: 100,000 users in 2,000 calls of 50 (target ≤ 30 s)', '');
  out.push('| database | total | users/s | per call p50 | per call p99 |', '|---|---|---|---|---|');
  for (const r of api) out.push(`| ${r.db} | ${r.batchCreate.totalSeconds} s | ${r.batchCreate.usersPerSecond} | ${r.batchCreate.perCallP50ms} ms | ${r.batchCreate.perCallP99ms} ms |`);
  out.push('');
  for (const r of api) {
    for (const size of [r.users, r.large]) {
      const rows = r[`listUsers_${size}`];
      if (!rows) continue;
      out.push(`### ListUsers, 100 rows a page, ${r.db}, ${size.toLocaleString('en')} users (target p99 ≤ 20 ms)`, '');
      out.push('| listing | p50 | p99 |', '|---|---|---|');
      for (const [name, v] of Object.entries(rows)) out.push(`| ${name} | ${v.p50ms} ms | ${v.p99ms} ms |`);
      out.push('');
    }
  }
}

const authz = ['sqlite', 'postgres'].map((db) => read(`${dir}authz-${db}.json`)).filter(Boolean);
if (authz.length) {
  out.push('### Authorization and audit per admin call (target: < 1 ms added at p99)', '');
  out.push('| measure | ' + authz.map((r) => `${r.db} p50 / p99`).join(' | ') + ' |', '|---|' + authz.map(() => '---|').join(''));
  const row = (label, get) => out.push(`| ${label} | ` + authz.map((r) => { const v = get(r); return `${v.p50us} µs / ${v.p99us} µs`; }).join(' | ') + ' |');
  row('decision, IAM user with 10 policies', (r) => r.authorize.iamUserWith10Policies);
  row('decision, root', (r) => r.authorize.root);
  row('mutating call transaction without record', (r) => r.auditRecord.mutatingCallTransaction.without);
  row('the same with its CloudTrail record', (r) => r.auditRecord.mutatingCallTransaction.with);
  out.push(`| added by the record (p50 / p99) | ` + authz.map((r) => `${r.auditRecord.mutatingCallTransaction.addedP50us} µs / ${r.auditRecord.mutatingCallTransaction.addedP99us} µs`).join(' | ') + ' |');
  row('read record, group-committed batch of one', (r) => r.auditRecord.readOnlyCallOwnWrite);
  row('GetNetwork end to end, root', (r) => r.getNetworkEndToEnd.root);
  row('GetNetwork end to end, IAM user with 10 policies', (r) => r.getNetworkEndToEnd.iamUserWith10Policies);
  out.push('');
}
console.log(out.join('\n'));
