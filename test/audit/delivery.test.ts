// Delivery of the audit trail to a directory and to S3 (s3rver), validation of the result, and
// tampering of every kind the validator must report: a modified, corrupted or deleted log file, an
// added unlisted one, a modified digest, a deleted digest in the middle of the chain, two swapped
// digests, a digest moved to another name and a digest signed with another key.
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditSigningKey, publicKeyPem, type AuditTarget } from '../../packages/server/src/jobs/audit-delivery.js';
import type { CloudTrailRecord } from '../../packages/server/src/domain/audit/events.js';
import { METADATA_SUFFIX, type StoredObject, type TrailObjectStore } from '../../packages/server/src/infra/object-store.js';
import { dataToSign, publicKeyFingerprint, sha256Hex, type DigestFile } from '../../packages/server/src/domain/audit/trail-format.js';
import { validateTrail, type TrailProblemKind, type TrailSource } from '../../packages/server/src/domain/audit/validate.js';
import type { Store } from '../../packages/server/src/infra/db.js';
import {
  ACCOUNT,
  OTHER_ACCOUNT,
  REGION,
  T0,
  buildTrail,
  dialectName,
  openTestStore,
  recordCalls,
  removeTempDirs,
  startS3,
  tempDir,
  type BuiltTrail,
  type LocalS3,
} from './trail.js';

const BUCKET = 'audit-trail';
const PREFIX = 'org/enclave';
const DIGEST_KEYS = [
  'awsAccountId',
  'digestStartTime',
  'digestEndTime',
  'digestS3Bucket',
  'digestS3Object',
  'digestPublicKeyFingerprint',
  'digestSignatureAlgorithm',
  'newestEventTime',
  'oldestEventTime',
  'previousDigestS3Bucket',
  'previousDigestS3Object',
  'previousDigestHashValue',
  'previousDigestHashAlgorithm',
  'previousDigestSignature',
  'logFiles',
];

let s3: LocalS3;
const dbs: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  s3 = await startS3([BUCKET, 'flush-bucket']);
});

afterAll(async () => {
  for (const d of dbs) await d.close();
  await s3?.close();
  removeTempDirs();
});

async function newStore(): Promise<Store> {
  const s = await openTestStore();
  dbs.push(s);
  return s.store;
}

async function snapshot(store: TrailObjectStore): Promise<Map<string, StoredObject>> {
  const out = new Map<string, StoredObject>();
  for (const key of await store.list(`${store.prefix}AWSLogs/`)) out.set(key, (await store.get(key))!);
  return out;
}

async function restore(store: TrailObjectStore, snap: Map<string, StoredObject>): Promise<void> {
  for (const key of await store.list(`${store.prefix}AWSLogs/`)) if (!snap.has(key)) await store.delete(key);
  for (const [key, obj] of snap) await store.put(key, obj.body, Object.keys(obj.metadata).length ? obj.metadata : undefined);
}

const readJson = <T>(obj: StoredObject | undefined): T => JSON.parse(gunzipSync(obj!.body).toString('utf8')) as T;

interface Ctx {
  store: TrailObjectStore;
  trail: BuiltTrail;
  source: TrailSource;
  key: KeyObject;
}

type Tamper = (c: Ctx) => Promise<{ kind: TrailProblemKind; key: string }[]>;

const digestKey = (c: Ctx, i: number) => c.trail.digests[i]!.key;
const logFileOf = (c: Ctx, digest: number) => c.trail.logFiles[digest * 2]!.key;

const TAMPERING: [string, Tamper][] = [
  [
    'a log file whose content was changed',
    async (c) => {
      const key = logFileOf(c, 1);
      const log = readJson<{ Records: CloudTrailRecord[] }>(await c.store.get(key));
      log.Records[0]!.sourceIPAddress = '203.0.113.66';
      await c.store.put(key, gzipSync(Buffer.from(JSON.stringify(log))));
      return [{ kind: 'log-file-modified', key }];
    },
  ],
  [
    'a log file with a flipped byte',
    async (c) => {
      const key = logFileOf(c, 2);
      const body = Buffer.from((await c.store.get(key))!.body);
      body[Math.floor(body.length / 2)]! ^= 0xff;
      await c.store.put(key, body);
      return [{ kind: 'log-file-modified', key }];
    },
  ],
  [
    'a deleted log file',
    async (c) => {
      const key = logFileOf(c, 0);
      await c.store.delete(key);
      return [{ kind: 'log-file-missing', key }];
    },
  ],
  [
    'an added log file no digest lists',
    async (c) => {
      const some = c.trail.logFiles[3]!.key;
      const added = some.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '_AAAAAAAAAAAAAAAA.json.gz');
      const foreign = some.replace(/[^/]+$/, 'extra.json.gz');
      await c.store.put(added, (await c.store.get(some))!.body);
      await c.store.put(foreign, gzipSync(Buffer.from('{"Records":[]}')));
      return [
        { kind: 'log-file-unlisted', key: added },
        { kind: 'log-file-unlisted', key: foreign },
      ];
    },
  ],
  [
    'a modified digest',
    async (c) => {
      const key = digestKey(c, 1);
      const obj = (await c.store.get(key))!;
      const d = readJson<DigestFile>(obj);
      d.logFiles.pop();
      await c.store.put(key, gzipSync(Buffer.from(JSON.stringify(d))), obj.metadata);
      return [
        { kind: 'digest-modified', key },
        { kind: 'digest-chain-broken', key },
      ];
    },
  ],
  [
    'a deleted digest in the middle of the chain',
    async (c) => {
      const key = digestKey(c, 2);
      await c.store.delete(key);
      return [{ kind: 'digest-missing', key }];
    },
  ],
  [
    'two swapped digests',
    async (c) => {
      const a = digestKey(c, 1);
      const b = digestKey(c, 2);
      const oa = (await c.store.get(a))!;
      const ob = (await c.store.get(b))!;
      await c.store.put(a, ob.body, ob.metadata);
      await c.store.put(b, oa.body, oa.metadata);
      return [
        { kind: 'digest-out-of-order', key: a },
        { kind: 'digest-out-of-order', key: b },
        { kind: 'digest-chain-broken', key: b },
      ];
    },
  ],
  [
    'a digest moved to another name (reordered)',
    async (c) => {
      const key = digestKey(c, 1);
      const obj = (await c.store.get(key))!;
      // Between digests 0 and 1 by its name.
      const t = c.trail.digests[0]!.endTime + 60_000;
      const moved = key.replace(/_\d{8}T\d{6}Z\.json\.gz$/, `_${new Date(t).toISOString().replace(/[-:]|\.\d{3}/g, '')}.json.gz`);
      expect(moved).not.toBe(key);
      await c.store.put(moved, obj.body, obj.metadata);
      await c.store.delete(key);
      return [
        { kind: 'digest-missing', key },
        { kind: 'digest-out-of-order', key: moved },
      ];
    },
  ],
  [
    'a digest signed with another key',
    async (c) => {
      const key = digestKey(c, 3);
      const obj = (await c.store.get(key))!;
      const d = readJson<DigestFile>(obj);
      const other = generateKeyPairSync('ed25519').privateKey;
      d.digestPublicKeyFingerprint = publicKeyFingerprint(other);
      const content = Buffer.from(JSON.stringify(d));
      const signature = sign(null, Buffer.from(dataToSign(d, sha256Hex(content))), other).toString('hex');
      await c.store.put(key, gzipSync(content), { ...obj.metadata, signature });
      return [{ kind: 'digest-modified', key }];
    },
  ],
];

const TARGETS: [string, () => { target: AuditTarget; source: TrailSource }][] = [
  [
    'a directory',
    () => {
      const dir = tempDir('enclave-audit-trail-');
      return { target: { kind: 'dir', dir, bucket: 'local-trail' }, source: { kind: 'dir', dir } };
    },
  ],
  [
    'S3 (s3rver)',
    () => ({
      target: { kind: 's3', bucket: BUCKET, prefix: PREFIX, client: s3.client },
      source: { kind: 's3', bucket: BUCKET, prefix: PREFIX, client: s3.client },
    }),
  ],
];

describe.each(TARGETS)(`audit delivery to %s (${dialectName})`, (_name, makeTarget) => {
  const c = {} as Ctx & { db: Store; pem: string };

  beforeAll(async () => {
    c.db = await newStore();
    c.key = loadAuditSigningKey(tempDir('enclave-audit-key-'));
    c.pem = publicKeyPem(c.key);
    const { target, source } = makeTarget();
    c.source = source;
    c.trail = await buildTrail(c.db, target, c.key);
    c.store = c.trail.delivery.store;
  });

  const validate = (over: Partial<Parameters<typeof validateTrail>[0]> = {}) =>
    validateTrail({ source: c.source, accountId: ACCOUNT, region: REGION, publicKeyPem: c.pem, ...over });

  it('writes each interval’s records as one gzipped {"Records":[…]} file named as CloudTrail names them', async () => {
    const prefix = c.store.prefix;
    expect(c.trail.logFiles).toHaveLength(8);
    const re = new RegExp(
      `^${prefix}AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail_${REGION}_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`,
    );
    const seen: string[] = [];
    for (const f of c.trail.logFiles) {
      expect(f.key).toMatch(re);
      const obj = await c.store.get(f.key);
      const content = gunzipSync(obj!.body);
      expect(sha256Hex(content)).toBe(f.sha256);
      const log = JSON.parse(content.toString('utf8')) as { Records: CloudTrailRecord[] };
      expect(Object.keys(log)).toEqual(['Records']);
      expect(log.Records).toHaveLength(3);
      for (const r of log.Records) {
        expect(r.recipientAccountId).toBe(ACCOUNT);
        expect(r.eventVersion).toBe('1.08');
        seen.push(r.eventID);
      }
      if (c.source.kind === 'dir') expect(statSync(join(c.source.dir, f.key)).mode & 0o777).toBe(0o640);
    }
    // Every record of the account exactly once, in order.
    const rows = await c.db.db.selectFrom('audit_events').select('event_id').where('account_id', '=', ACCOUNT).orderBy('seq').execute();
    expect(seen).toEqual(rows.map((r) => r.event_id));
    // The other account's trail is apart.
    const other = await c.store.list(`${prefix}AWSLogs/${OTHER_ACCOUNT}/CloudTrail/${REGION}/`);
    expect(other).toHaveLength(8);
    const files = await c.db.db.selectFrom('audit_log_files').select(['object_key', 'sha256', 'in_digest']).where('account_id', '=', ACCOUNT).execute();
    expect(files.map((f) => f.object_key).sort()).toEqual(c.trail.logFiles.map((f) => f.key).sort());
    expect(files.every((f) => Number(f.in_digest) === 1)).toBe(true);
  });

  it('writes hourly digests in the CloudTrail digest layout, signed and chained', async () => {
    expect(c.trail.digests).toHaveLength(4);
    const re = new RegExp(
      `^${c.store.prefix}AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail-Digest_${REGION}_enclave_${REGION}_\\d{8}T\\d{6}Z\\.json\\.gz$`,
    );
    const pub = createPublicKey(c.pem);
    let previous: { key: string; sha256: string; signature: string; end: string } | undefined;
    for (const [i, delivered] of c.trail.digests.entries()) {
      expect(delivered.key).toMatch(re);
      const obj = (await c.store.get(delivered.key))!;
      const content = gunzipSync(obj.body);
      const d = JSON.parse(content.toString('utf8')) as DigestFile;
      expect(Object.keys(d)).toEqual(DIGEST_KEYS);
      expect(d).toMatchObject({
        awsAccountId: ACCOUNT,
        digestS3Bucket: c.store.bucket,
        digestS3Object: delivered.key,
        digestPublicKeyFingerprint: publicKeyFingerprint(c.key),
        digestSignatureAlgorithm: 'Ed25519',
      });
      expect(d.digestEndTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      // The two log files of its hour.
      expect(d.logFiles.map((f) => f.s3Object)).toEqual([c.trail.logFiles[i * 2]!.key, c.trail.logFiles[i * 2 + 1]!.key]);
      for (const [j, f] of d.logFiles.entries()) {
        expect(Object.keys(f)).toEqual(['s3Bucket', 's3Object', 'hashValue', 'hashAlgorithm', 'newestEventTime', 'oldestEventTime']);
        expect(f).toMatchObject({ s3Bucket: c.store.bucket, hashValue: c.trail.logFiles[i * 2 + j]!.sha256, hashAlgorithm: 'SHA-256' });
      }
      const signature = obj.metadata.signature!;
      expect(obj.metadata['signature-algorithm']).toBe('Ed25519');
      expect(signature).toBe(delivered.signature);
      // What is signed (docs/audit.md): end time, bucket/key, SHA-256 of the content, previous signature.
      const data = `${d.digestEndTime}\n${c.store.bucket}/${delivered.key}\n${sha256Hex(content)}\n${previous?.signature ?? 'null'}`;
      expect(verify(null, Buffer.from(data), pub, Buffer.from(signature, 'hex'))).toBe(true);
      if (previous) {
        expect(d).toMatchObject({
          digestStartTime: previous.end,
          previousDigestS3Bucket: c.store.bucket,
          previousDigestS3Object: previous.key,
          previousDigestHashValue: previous.sha256,
          previousDigestHashAlgorithm: 'SHA-256',
          previousDigestSignature: previous.signature,
        });
      } else {
        expect(d).toMatchObject({ previousDigestS3Bucket: null, previousDigestS3Object: null, previousDigestHashValue: null, previousDigestSignature: null });
      }
      previous = { key: delivered.key, sha256: sha256Hex(content), signature, end: d.digestEndTime };
    }
    if (c.source.kind === 'dir') expect(statSync(join(c.source.dir, c.trail.digests[0]!.key + METADATA_SUFFIX)).mode & 0o777).toBe(0o640);
  });

  it('validates the delivered trail as intact', async () => {
    const report = await validate();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, digests: { checked: 4, valid: 4 }, logFiles: { checked: 8, valid: 8 }, pending: [] });
    expect(report.from).toBe(new Date(T0 + 5 * 60_000).toISOString().replace('.000Z', 'Z'));
    // A period: only the digests that cover it (digest 1 runs from the end of digest 0 to its own end).
    const part = await validate({ from: c.trail.digests[0]!.endTime + 1000, to: c.trail.digests[2]!.endTime });
    expect(part).toMatchObject({ valid: true, digests: { checked: 2, valid: 2 }, logFiles: { checked: 4, valid: 4 } });
    // The other account's chain validates on its own.
    expect((await validate({ accountId: OTHER_ACCOUNT })).valid).toBe(true);
    // Another key does not.
    const wrong = await validate({ publicKeyPem: publicKeyPem(generateKeyPairSync('ed25519').privateKey) });
    expect(wrong.valid).toBe(false);
    expect(new Set(wrong.problems.map((p) => p.kind))).toEqual(new Set(['digest-modified', 'log-file-unlisted']));
  });

  it.each(TAMPERING)('reports %s', async (_what, tamper) => {
    const before = await snapshot(c.store);
    try {
      const expected = await tamper(c);
      const report = await validate();
      expect(report.valid).toBe(false);
      for (const e of expected) {
        expect(report.problems, `${e.kind} ${e.key}`).toContainEqual(expect.objectContaining({ kind: e.kind, key: e.key }));
      }
    } finally {
      await restore(c.store, before);
    }
    expect((await validate()).valid).toBe(true);
  });

  it('reports every problem at once', async () => {
    const before = await snapshot(c.store);
    try {
      await c.store.delete(logFileOf(c, 0));
      await c.store.delete(digestKey(c, 2));
      const added = c.trail.logFiles[1]!.key.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '_BBBBBBBBBBBBBBBB.json.gz');
      await c.store.put(added, gzipSync(Buffer.from('{"Records":[]}')));
      const report = await validate();
      const kinds = report.problems.map((p) => `${p.kind} ${p.key}`);
      expect(kinds).toEqual(
        expect.arrayContaining([`log-file-missing ${logFileOf(c, 0)}`, `digest-missing ${digestKey(c, 2)}`, `log-file-unlisted ${added}`]),
      );
    } finally {
      await restore(c.store, before);
    }
  });

  it('writes a digest on demand, and one without log files when nothing happened in the hour', async () => {
    c.trail.advance(60_000);
    const [forced] = (await c.trail.delivery.deliverDigest(true)).filter((d) => d.accountId === ACCOUNT);
    expect(forced).toMatchObject({ logFiles: 0 });
    const d = readJson<DigestFile>(await c.store.get(forced!.key));
    expect(d.logFiles).toEqual([]);
    expect(d.newestEventTime).toBeNull();
    expect(d.previousDigestS3Object).toBe(c.trail.digests[3]!.key);
    // Not due again within the hour; due after it.
    expect(await c.trail.delivery.deliverDigest()).toEqual([]);
    c.trail.advance(60 * 60_000);
    expect((await c.trail.delivery.deliverOnce()).digests.map((x) => x.accountId).sort()).toEqual([OTHER_ACCOUNT, ACCOUNT].sort());
    const report = await validate();
    expect(report).toMatchObject({ valid: true, digests: { checked: 6, valid: 6 } });
  });

  it('leaves log files delivered after the newest digest pending, not invalid', async () => {
    await recordCalls(c.db, ACCOUNT, c.trail.clock(), 2);
    c.trail.advance(5 * 60_000);
    const { logFiles, digests } = await c.trail.delivery.deliverOnce();
    expect(digests).toEqual([]);
    const mine = logFiles.filter((f) => f.accountId === ACCOUNT);
    expect(mine).toHaveLength(1);
    const report = await validate();
    expect(report.valid).toBe(true);
    expect(report.pending).toEqual([mine[0]!.key]);
    // stop() delivers what is left and a digest over it.
    await recordCalls(c.db, ACCOUNT, c.trail.clock(), 1);
    c.trail.advance(60_000);
    await c.trail.delivery.stop();
    const after = await validate();
    expect(after).toMatchObject({ valid: true, pending: [] });
    expect(after.logFiles.checked).toBe(10);
  });
});

describe(`audit delivery runs (${dialectName})`, () => {
  it('start() delivers on a timer and stop() flushes the rest', async () => {
    const db = await newStore();
    const key = generateKeyPairSync('ed25519').privateKey;
    const { AuditDelivery } = await import('../../packages/server/src/jobs/audit-delivery.js');
    let clock = T0;
    const delivery = new AuditDelivery({
      db: db.db,
      region: REGION,
      intervalMinutes: 5,
      target: { kind: 's3', bucket: 'flush-bucket', client: s3.client },
      signingKey: key,
      now: () => clock,
    });
    delivery.start();
    await recordCalls(db, ACCOUNT, clock, 4);
    clock += 30_000;
    await delivery.stop();
    const report = await validateTrail({ source: { kind: 's3', bucket: 'flush-bucket', client: s3.client }, accountId: ACCOUNT, region: REGION, publicKeyPem: publicKeyPem(key) });
    expect(report).toMatchObject({ valid: true, digests: { checked: 1, valid: 1 }, logFiles: { checked: 1, valid: 1 } });
    // Nothing new: a second stop writes nothing.
    const keys = await delivery.store.list('AWSLogs/');
    await delivery.stop();
    expect(await delivery.store.list('AWSLogs/')).toEqual(keys);
  });

  it('creates the signing key once (mode 0600) and exports its public key', () => {
    const dir = tempDir('enclave-audit-keydir-');
    const k1 = loadAuditSigningKey(dir);
    const k2 = loadAuditSigningKey(dir);
    expect(k1.asymmetricKeyType).toBe('ed25519');
    expect(publicKeyPem(k2)).toBe(publicKeyPem(k1));
    expect(statSync(join(dir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'audit-signing-public-key.pem'), 'utf8')).toBe(publicKeyPem(k1));
  });
});
