#!/usr/bin/env node
// Admin API benchmarks (issue: foundation). Reproduce with `npm run build` and then:
//   node bench/admin-api.mjs --db sqlite
//   node bench/admin-api.mjs --db postgres --database-url postgres://postgres@127.0.0.1:5432/postgres
// Options: --users 100000 (filled through BatchCreateUser, 50 per call), --large 1000000 (ListUsers is
// measured again after the network is grown to this size by direct bulk insert), --samples 1000.
// Prints a JSON report and a Markdown table for docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import Database from 'better-sqlite3';
import { AdminClient } from '../packages/server/dist/index.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    users: { type: 'string', default: '100000' },
    large: { type: 'string', default: '1000000' },
    samples: { type: 'string', default: '1000' },
  },
});
const USERS = Number(args.users);
const LARGE = Number(args.large);
const SAMPLES = Number(args.samples);

const dataDir = mkdtempSync(join(tmpdir(), 'enclave-bench-'));
const accessKeyId = 'AKIABENCH' + randomBytes(6).toString('hex').toUpperCase();
const secretAccessKey = randomBytes(30).toString('base64');
const env = { ...process.env, ENCLAVE_DATA_DIR: dataDir, ENCLAVE_ROOT_ACCESS_KEY_ID: accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: secretAccessKey };
let schema;
if (args.db === 'postgres') {
  schema = `bench_${randomBytes(4).toString('hex')}`;
  env.ENCLAVE_DATABASE_URL = args['database-url'];
  env.ENCLAVE_DATABASE_SCHEMA = schema;
}

const child = spawn(process.execPath, [new URL('./server-process.mjs', import.meta.url).pathname], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    const m = /listening on (\S+)/.exec(buf);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const client = new AdminClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (ns) => Number(ns) / 1e6;

const report = { db: args.db, node: process.version, users: USERS, large: LARGE, samples: SAMPLES, when: new Date().toISOString() };

try {
  const { networkId } = await client.call('CreateNetwork', { networkName: 'Bench', accessLevel: 'PREMIUM' });
  const { securityGroups } = await client.call('ListSecurityGroups', { networkId });
  const groupA = securityGroups[0].id;
  const { securityGroup } = await client.call('CreateSecurityGroup', { networkId, name: 'second', securityGroupSettings: {} });
  const groupB = securityGroup.id;

  // 1. Fill the network through the API: USERS / 50 BatchCreateUser calls, one after another.
  // A realistic spread of names: 400 first names, 1,000 last names (real directories have thousands
  // of distinct names, so a typed prefix matches a small share of the users).
  const syll = ['al', 'be', 'car', 'da', 'el', 'fi', 'ga', 'ha', 'is', 'jo', 'ka', 'li', 'ma', 'no', 'ol', 'pe', 'ro', 'sa', 'ti', 'vi'];
  const first = syll.flatMap((a) => syll.map((b) => a[0].toUpperCase() + a.slice(1) + b));
  const last = Array.from({ length: 1000 }, (_, i) => `${syll[i % 20][0].toUpperCase()}${syll[i % 20].slice(1)}${syll[Math.floor(i / 20) % 20]}son${Math.floor(i / 400)}`);
  const t0 = process.hrtime.bigint();
  const callTimes = [];
  for (let i = 0; i < USERS / 50; i++) {
    const users = Array.from({ length: 50 }, (_, j) => {
      const n = i * 50 + j;
      return { username: `user${String(n).padStart(7, '0')}@example.com`, firstName: first[n % first.length], lastName: last[(n * 7) % last.length], securityGroupIds: [n % 3 === 0 ? groupB : groupA] };
    });
    const c0 = process.hrtime.bigint();
    const out = await client.call('BatchCreateUser', { networkId, users });
    callTimes.push(ms(process.hrtime.bigint() - c0));
    if (out.failed?.length) throw new Error(`batch ${i} failed: ${JSON.stringify(out.failed[0])}`);
  }
  const fillSeconds = ms(process.hrtime.bigint() - t0) / 1000;
  report.batchCreate = { calls: USERS / 50, totalSeconds: +fillSeconds.toFixed(2), perCallP50ms: +pct(callTimes, 50).toFixed(2), perCallP99ms: +pct(callTimes, 99).toFixed(2), usersPerSecond: Math.round(USERS / fillSeconds) };
  console.error(`filled ${USERS} users in ${fillSeconds.toFixed(1)} s`);
  if (args.db === 'postgres') {
    // What autovacuum does shortly after a bulk change; without statistics the planner sorts 100k rows.
    const c = new pg.Client({ connectionString: args['database-url'] });
    await c.connect();
    await c.query(`analyze ${schema}.users`);
    await c.end();
  }

  async function listLatencies(label) {
    const scenarios = {
      'default sort (username)': () => ({ networkId, maxResults: 100 }),
      'filter status, sort username ASC': () => ({ networkId, maxResults: 100, status: 1, sortFields: 'username', sortDirection: 'ASC' }),
      'filter groupId, sort username': () => ({ networkId, maxResults: 100, groupId: groupB, sortFields: 'username' }),
      'sort lastName+firstName': () => ({ networkId, maxResults: 100, sortFields: 'lastName+firstName', sortDirection: 'ASC' }),
      'search firstName prefix "carda"': () => ({ networkId, maxResults: 100, firstName: 'carda', sortFields: 'firstName' }),
      'search lastName prefix "roti", sort firstName': () => ({ networkId, maxResults: 100, lastName: 'roti', sortFields: 'firstName' }),
      'search username prefix "user00123"': () => ({ networkId, maxResults: 100, username: 'user00123' }),
      'worst case: filter status (half the users), sort firstName': () => ({ networkId, maxResults: 100, status: 1, sortFields: 'firstName' }),
    };
    const out = {};
    for (const [name, input] of Object.entries(scenarios)) {
      const times = [];
      let token;
      for (let i = 0; i < SAMPLES; i++) {
        // Alternate first pages and follow-on pages (nextToken), as a console paging through does.
        const req = input();
        if (token && i % 2 === 1) req.nextToken = token;
        const c0 = process.hrtime.bigint();
        const page = await client.call('ListUsers', req);
        times.push(ms(process.hrtime.bigint() - c0));
        token = page.nextToken;
      }
      out[name] = { p50ms: +pct(times, 50).toFixed(2), p99ms: +pct(times, 99).toFixed(2) };
    }
    report[`listUsers_${label}`] = out;
    console.error(`ListUsers at ${label}: ${JSON.stringify(out)}`);
  }
  await listLatencies(String(USERS));

  // 2. Grow the same network to LARGE users by direct bulk insert (the API fill is measured above).
  if (LARGE > USERS) {
    const now = Date.now();
    const row = (n) => [networkId, 5_000_000 + n, `user${String(USERS + n).padStart(7, '0')}@example.com`, first[n % first.length], last[(n * 7) % last.length], first[n % first.length].toLowerCase(), last[(n * 7) % last.length].toLowerCase(), 1 + (n % 2), 0, 0, n % 3 === 0 ? groupB : groupA, `BULK${n}`, Math.floor(now / 1000) + 86400, 0, `bulk${n}`, '', '', 0, 0, 0, now, now, null, null];
    const cols = 'network_id,user_id,username,first_name,last_name,first_name_lc,last_name_lc,status,suspended,is_admin,security_group_id,invite_code,invite_expiration,code_validation,uname,cell,country_code,otp_enabled,challenge_failures,rejected,created_at,modified,last_login,last_activity';
    const extra = LARGE - USERS;
    if (args.db === 'postgres') {
      const c = new pg.Client({ connectionString: args['database-url'] });
      await c.connect();
      await c.query(`set search_path=${schema}`);
      for (let start = 0; start < extra; start += 2000) {
        const n = Math.min(2000, extra - start);
        const params = [];
        const tuples = [];
        for (let i = 0; i < n; i++) {
          const r = row(start + i);
          tuples.push(`(${r.map((_, k) => `$${params.length + k + 1}`).join(',')})`);
          params.push(...r);
        }
        await c.query(`insert into users (${cols}) values ${tuples.join(',')}`, params);
      }
      await c.query('analyze users');
      await c.end();
    } else {
      const db = new Database(join(dataDir, 'enclave.db'));
      db.pragma('busy_timeout = 10000');
      const stmt = db.prepare(`insert into users (${cols}) values (${cols.split(',').map(() => '?').join(',')})`);
      const tx = db.transaction((s, n) => {
        for (let i = 0; i < n; i++) stmt.run(row(s + i));
      });
      for (let start = 0; start < extra; start += 50_000) tx(start, Math.min(50_000, extra - start));
      db.exec('analyze');
      db.close();
    }
    console.error(`grew network to ${LARGE} users`);
    await listLatencies(String(LARGE));
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  if (schema) {
    const c = new pg.Client({ connectionString: args['database-url'] });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(JSON.stringify(report, null, 2));
