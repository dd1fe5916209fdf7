#!/usr/bin/env node
// Authorization + audit overhead per admin call (issue: IAM and audit). Reproduce with
// `npm run build` and then:
//   node bench/authz-audit.mjs [--db sqlite|postgres] [--database-url URL] [--samples 20000]
// Measures, in one process against the built server:
//   1. the authorizer's decision for an IAM user with 10 attached customer-managed policies
//      (5 statements each, the deciding Allow in the last one), and for the account root;
//   2. writing one CloudTrail record (build + redact + insert): inside a mutating call's transaction
//      (against the same transaction without it), and on its own for a read-only call;
//   3. end to end over HTTP: GetNetwork signed by the root (no policy evaluation) and by the IAM
//      user with 10 policies, so the difference is what evaluation adds to a real call.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminClient, createServer, loadConfig } from '../packages/server/dist/index.js';
import { buildEvent } from '../packages/server/dist/domain/audit/events.js';
import { recordEvent } from '../packages/server/dist/domain/audit/repo.js';
import { dropPostgresSchema } from '../packages/server/dist/infra/db.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    samples: { type: 'string', default: '20000' },
  },
});
const SAMPLES = Number(args.samples);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const us = (t0) => Number(process.hrtime.bigint() - t0) / 1000;
const summary = (xs) => ({ p50us: +pct(xs, 50).toFixed(1), p99us: +pct(xs, 99).toFixed(1) });

const dataDir = mkdtempSync(join(tmpdir(), 'enclave-bench-authz-'));
const root = { accessKeyId: 'AKIABENCH' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
const schema = args.db === 'postgres' ? `bench_${randomBytes(4).toString('hex')}` : undefined;
const config = loadConfig(
  { port: 0, host: '127.0.0.1', dataDir, ...(schema ? { databaseUrl: args['database-url'] } : {}) },
  { ENCLAVE_ROOT_ACCESS_KEY_ID: root.accessKeyId, ENCLAVE_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey, ENCLAVE_LOG_LEVEL: 'silent', ...(schema ? { ENCLAVE_DATABASE_SCHEMA: schema } : {}) },
);
const server = await createServer(config, { logger: false });
const url = await server.listen();
const admin = new AdminClient({ endpoint: url, region: config.region, credentials: root });
const iam = (action, input) =>
  admin.sendRaw({ method: 'POST', path: `/iam/${action}`, query: {}, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }).then((r) => r.body);

const report = { db: args.db, node: process.version, samples: SAMPLES, when: new Date().toISOString() };
try {
  const { networkId } = await admin.call('CreateNetwork', { networkName: 'Bench', accessLevel: 'PREMIUM' });
  await iam('CreateUser', { UserName: 'bench-admin' });
  for (let i = 0; i < 10; i++) {
    const statements = Array.from({ length: 5 }, (_, j) => ({
      Effect: 'Allow',
      Action: i === 9 && j === 4 ? ['wickr:Get*', 'wickr:List*'] : [`wickr:Create${i}${j}*`, `wickr:Update${i}${j}?`],
      Resource: i === 9 && j === 4 ? '*' : `arn:aws:wickr:*:*:network/${String(i * 10 + j).padStart(8, '0')}`,
    }));
    const { Policy } = await iam('CreatePolicy', { PolicyName: `bench-${i}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
    await iam('AttachUserPolicy', { UserName: 'bench-admin', PolicyArn: Policy.Arn });
  }
  const { AccessKey } = await iam('CreateAccessKey', { UserName: 'bench-admin' });
  const user = new AdminClient({ endpoint: url, region: config.region, credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey } });
  const principal = (await server.store.db.selectFrom('principals').selectAll().where('name', '=', 'bench-admin').executeTakeFirstOrThrow());
  const p = { principalId: principal.principal_id, accountId: principal.account_id, arn: principal.arn, kind: principal.kind, name: principal.name };
  const rootP = { ...p, kind: 'Root', arn: `arn:aws:iam::${p.accountId}:root` };
  const resource = `arn:aws:wickr:${config.region}:${p.accountId}:network/${networkId}`;

  // 1. The decision.
  for (let i = 0; i < 500; i++) await server.authorizer.authorize(p, 'wickr:GetNetwork', resource);
  const decisions = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = process.hrtime.bigint();
    const d = await server.authorizer.authorize(p, 'wickr:GetNetwork', resource);
    decisions.push(us(t0));
    if (d.decision !== 'Allow') throw new Error('expected Allow');
  }
  const rootDecisions = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = process.hrtime.bigint();
    await server.authorizer.authorize(rootP, 'wickr:GetNetwork', resource);
    rootDecisions.push(us(t0));
  }
  report.authorize = { iamUserWith10Policies: summary(decisions), root: summary(rootDecisions) };

  // 2. The audit record. A mutating call commits its change anyway: the record adds its statements to
  //    that transaction. A read-only call has nothing to commit: its record is a write of its own.
  const n = Math.min(SAMPLES, 5000);
  const input = { networkId, users: [{ username: 'a@example.com', firstName: 'A', lastName: 'B', securityGroupIds: ['x'] }] };
  const record = () =>
    buildEvent({
      account: p.accountId, region: config.region, eventName: 'BatchCreateUser', readOnly: false, eventTime: Date.now(), requestId: 'bench',
      sourceIp: '127.0.0.1', userAgent: 'bench', identity: { type: 'IAMUser', principalId: p.principalId, arn: p.arn, accountId: p.accountId, accessKeyId: AccessKey.AccessKeyId, userName: p.name },
      operationInput: { shape: 'BatchCreateUserRequest', value: input }, responseElements: { message: 'success' }, outputShape: 'BatchCreateUserResponse',
    });
  let flip = 0;
  const change = (trx) => trx.updateTable('networks').set({ migration_state: (flip ^= 1) }).where('network_id', '=', networkId).execute();
  const withAudit = [];
  const without = [];
  const readOnlyRecord = [];
  for (let i = 0; i < n; i++) {
    let t0 = process.hrtime.bigint();
    await server.store.db.transaction().execute(async (trx) => {
      await change(trx);
    });
    without.push(us(t0));
    t0 = process.hrtime.bigint();
    await server.store.db.transaction().execute(async (trx) => {
      await change(trx);
      await recordEvent(trx, record());
    });
    withAudit.push(us(t0));
    t0 = process.hrtime.bigint();
    await recordEvent(server.store.db, record());
    readOnlyRecord.push(us(t0));
  }
  report.auditRecord = {
    mutatingCallTransaction: { without: summary(without), with: summary(withAudit), addedP50us: +(pct(withAudit, 50) - pct(without, 50)).toFixed(1), addedP99us: +(pct(withAudit, 99) - pct(without, 99)).toFixed(1) },
    readOnlyCallOwnWrite: summary(readOnlyRecord),
  };

  // 3. End to end.
  const e2e = async (client) => {
    const xs = [];
    for (let i = 0; i < 200; i++) await client.call('GetNetwork', { networkId });
    for (let i = 0; i < Math.min(SAMPLES, 3000); i++) {
      const t0 = process.hrtime.bigint();
      await client.call('GetNetwork', { networkId });
      xs.push(us(t0));
    }
    return xs;
  };
  const rootE2e = await e2e(admin);
  const userE2e = await e2e(user);
  report.getNetworkEndToEnd = { root: summary(rootE2e), iamUserWith10Policies: summary(userE2e) };
} finally {
  await server.close();
  if (schema) await dropPostgresSchema(args['database-url'], schema);
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
