// Delivery of the audit trail as CloudTrail delivers a trail: every interval, each account's new
// records become one gzipped log file {"Records":[…]}; every hour, a digest file lists the log files
// delivered since the previous digest with their SHA-256, is signed with the Ed25519 key and names
// the previous digest (its hash and signature), so the files form a chain that validate.ts checks.
// Layout and formats: trailFormat.ts and docs/audit.md.
//
// Progress lives in the database: audit_deliveries.delivered_seq (records up to this sequence number
// are in a log file), audit_log_files (each file, its hash, whether a digest lists it yet) and the
// last digest's time, hash, signature and location. A file is written before the database records
// it; should two servers deliver at once, the conditional cursor update lets one win and the other
// deletes its file. The row '*' holds the sequence number up to which every account is delivered,
// so each run reads only new records.
import { randomInt, sign, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import type { Database } from '../infra/schema.js';
import { isoSeconds } from '../domain/audit/events.js';
import { DirectoryObjectStore, S3ObjectStore, type TrailObjectStore } from '../infra/object-store.js';
import * as repo from '../domain/audit/repo.js';
import { autocommit, inTransaction, readTx } from '../infra/db.js';
import {
  DEFAULT_TRAIL_NAME,
  HASH_ALGORITHM,
  SIGNATURE_ALGORITHM,
  SIGNATURE_ALGORITHM_METADATA,
  SIGNATURE_METADATA,
  dataToSign,
  digestFileKey,
  logFileKey,
  publicKeyFingerprint,
  sha256Hex,
  type DigestFile,
} from '../domain/audit/trail-format.js';

export { loadAuditSigningKey, publicKeyPem } from '../infra/audit-keys.js';

export type AuditTarget =
  /** `bucket` is the name written into digests for this directory (default: its base name). */
  | { kind: 'dir'; dir: string; bucket?: string }
  | { kind: 's3'; bucket: string; prefix?: string; client: S3Client };

export interface AuditDeliveryOptions {
  db: Kysely<Database>;
  region: string;
  /** How often log files are written (ENCLAVE_AUDIT_INTERVAL_MINUTES, default 5). */
  intervalMinutes: number;
  target: AuditTarget;
  /** Ed25519 private key (loadAuditSigningKey). */
  signingKey: KeyObject;
  now?: () => number;
  /** The trail name in digest file names (default 'enclave'). */
  trailName?: string;
  /** Digest period (default 60, as CloudTrail). */
  digestIntervalMinutes?: number;
  /** At most this many records per log file (default 5000); more make several files. */
  maxEventsPerFile?: number;
  /** Failures of timer-driven runs (default: a line on stderr). */
  onError?: (err: unknown) => void;
}

export interface DeliveredLogFile {
  accountId: string;
  key: string;
  /** Hex SHA-256 of the uncompressed content. */
  sha256: string;
  events: number;
  oldestEventTime: number;
  newestEventTime: number;
}

export interface DeliveredDigest {
  accountId: string;
  key: string;
  sha256: string;
  signature: string;
  logFiles: number;
  startTime: number;
  endTime: number;
}

export interface DeliveryResult {
  logFiles: DeliveredLogFile[];
  digests: DeliveredDigest[];
}

/** The audit_deliveries row of "every account": its delivered_seq is the global low-water mark. */
const ALL_ACCOUNTS = '*';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const IN_CHUNK = 500;

function unique16(): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

type DeliveryRow = repo.DeliveryRow;

export class AuditDelivery {
  readonly store: TrailObjectStore;
  readonly #db: Kysely<Database>;
  readonly #region: string;
  readonly #intervalMs: number;
  readonly #digestIntervalMs: number;
  readonly #maxEvents: number;
  readonly #trail: string;
  readonly #key: KeyObject;
  readonly #fingerprint: string;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: AuditDeliveryOptions) {
    if (!(opts.intervalMinutes > 0)) throw new Error(`audit delivery interval must be a positive number of minutes, got ${opts.intervalMinutes}`);
    if (opts.signingKey.type !== 'private' || opts.signingKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 private key');
    const trail = opts.trailName ?? DEFAULT_TRAIL_NAME;
    if (!/^[A-Za-z0-9._-]{3,128}$/.test(trail)) throw new Error(`invalid trail name ${trail}: 3-128 letters, digits, '.', '_' or '-'`);
    this.#db = opts.db;
    this.#region = opts.region;
    this.#intervalMs = opts.intervalMinutes * 60_000;
    this.#digestIntervalMs = (opts.digestIntervalMinutes ?? 60) * 60_000;
    this.#maxEvents = opts.maxEventsPerFile ?? 5000;
    this.#trail = trail;
    this.#key = opts.signingKey;
    this.#fingerprint = publicKeyFingerprint(opts.signingKey);
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError ?? ((err) => process.stderr.write(`enclave: audit delivery failed: ${(err as Error)?.message ?? String(err)}\n`));
    const t = opts.target;
    this.store = t.kind === 'dir' ? new DirectoryObjectStore(t.dir, t.bucket) : new S3ObjectStore(t.client, t.bucket, t.prefix);
  }

  /** Runs one task at a time: the timer, a forced digest and stop() never overlap. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the new records of every account as log files, then the digests that are due. */
  deliverOnce(): Promise<DeliveryResult> {
    return this.#serial(async () => {
      const logFiles = await this.#deliverLogs();
      const digests = await this.#deliverDigests('due');
      return { logFiles, digests };
    });
  }

  /** Writes a digest now for every account with a trail (force), or for those whose hour is up. */
  deliverDigest(force = false): Promise<DeliveredDigest[]> {
    return this.#serial(() => this.#deliverDigests(force ? 'all' : 'due'));
  }

  start(): void {
    if (this.#timer) return;
    let running = false;
    this.#timer = setInterval(() => {
      // A run slower than the interval is not queued up behind: the next tick catches up.
      if (running) return;
      running = true;
      this.deliverOnce()
        .catch(this.#onError)
        .finally(() => {
          running = false;
        });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer, then delivers what is left and a digest over the files no digest lists yet. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#serial(async () => {
      await this.#deliverLogs();
      await this.#deliverDigests('pending');
    });
  }

  async #row(accountId: string): Promise<DeliveryRow> {
    return repo.deliveryRow(autocommit(this.#db), accountId, this.#now());
  }

  async #deliverLogs(): Promise<DeliveredLogFile[]> {
    const all = await this.#row(ALL_ACCOUNTS);
    const low = Number(all.delivered_seq);
    const high = (await repo.topSeq(readTx(this.#db))) ?? low;
    if (high <= low) return [];
    const accounts = await repo.accountsWithEventsBetween(readTx(this.#db), low, high);
    const delivered: DeliveredLogFile[] = [];
    const errors: unknown[] = [];
    for (const account_id of accounts) {
      try {
        delivered.push(...(await this.#deliverAccount(account_id, low)));
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `audit delivery failed for ${errors.length} accounts`);
    await repo.advanceDelivered(autocommit(this.#db), ALL_ACCOUNTS, low, high);
    return delivered;
  }

  /** `low`: every account's records up to it are delivered, so the search for new ones starts there. */
  async #deliverAccount(accountId: string, low: number): Promise<DeliveredLogFile[]> {
    const row = await this.#row(accountId);
    let cursor = Number(row.delivered_seq);
    const out: DeliveredLogFile[] = [];
    for (;;) {
      const events = await repo.eventsAfter(readTx(this.#db), accountId, Math.max(cursor, low), this.#maxEvents);
      if (events.length === 0) break;
      // The stored records are already JSON: the file is {"Records":[…]} without re-serializing them.
      const content = Buffer.from(`{"Records":[${events.map((e) => e.record).join(',')}]}`, 'utf8');
      const sha256 = sha256Hex(content);
      const at = this.#now();
      const key = logFileKey(this.store.prefix, accountId, this.#region, at, unique16());
      const last = events[events.length - 1]!.seq;
      const times = events.map((e) => e.eventTime);
      const oldest = Math.min(...times);
      const newest = Math.max(...times);
      await this.store.put(key, gzipSync(content));
      const record = () =>
        inTransaction(this.#db, async (tx) => {
          if (!(await repo.advanceDelivered(tx, accountId, cursor, last))) return false;
          await repo.insertLogFile(tx, { account_id: accountId, object_key: key, sha256, first_event_time: oldest, last_event_time: newest, delivered_at: at, in_digest: 0 });
          return true;
        });
      let recorded: boolean;
      try {
        recorded = await record();
      } catch (err) {
        // Unrecorded, the file would be an unlisted one; the next run writes these records again.
        await this.store.delete(key).catch(() => undefined);
        throw err;
      }
      if (!recorded) {
        // Another server delivered these records meanwhile: this copy would be a duplicate.
        await this.store.delete(key);
        break;
      }
      out.push({ accountId, key, sha256, events: events.length, oldestEventTime: oldest, newestEventTime: newest });
      cursor = last;
    }
    return out;
  }

  async #deliverDigests(mode: 'due' | 'all' | 'pending'): Promise<DeliveredDigest[]> {
    const rows = await repo.accountDeliveries(readTx(this.#db), ALL_ACCOUNTS);
    const out: DeliveredDigest[] = [];
    const errors: unknown[] = [];
    for (const row of rows) {
      try {
        const files = await repo.filesNotInDigest(readTx(this.#db), row.account_id);
        const due =
          mode === 'all' ||
          (mode === 'pending' && files.length > 0) ||
          (mode === 'due' && (row.last_digest_at == null || this.#now() - Number(row.last_digest_at) >= this.#digestIntervalMs));
        if (!due) continue;
        const d = await this.#writeDigest(row, files);
        if (d) out.push(d);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `audit digests failed for ${errors.length} accounts`);
    return out;
  }

  /** Where the previous digest is, if it is in this target: else this digest starts a new chain. */
  #previousKey(row: DeliveryRow): string | undefined {
    const loc = row.last_digest_key;
    if (!loc) return undefined;
    const bucketPart = `${this.store.bucket}/`;
    if (!loc.startsWith(bucketPart)) return undefined;
    const key = loc.slice(bucketPart.length);
    return key.startsWith(`${this.store.prefix}AWSLogs/`) ? key : undefined;
  }

  async #writeDigest(row: DeliveryRow, files: repo.LogFileRow[]): Promise<DeliveredDigest | undefined> {
    const accountId = row.account_id;
    const bucket = this.store.bucket;
    const previousKey = this.#previousKey(row);
    const previousEnd = row.last_digest_key ? Number(row.last_digest_at) : undefined;
    // Digest names carry the end time to the second: two digests never share one.
    let end = Math.floor(this.#now() / 1000) * 1000;
    if (previousEnd !== undefined && end <= previousEnd) end = Math.floor(previousEnd / 1000) * 1000 + 1000;
    const start = row.last_digest_at == null ? (files[0] ? Number(files[0].delivered_at) : end) : Number(row.last_digest_at);
    const key = digestFileKey(this.store.prefix, accountId, this.#region, this.#trail, end);
    const oldest = files.length ? Math.min(...files.map((f) => Number(f.first_event_time))) : undefined;
    const newest = files.length ? Math.max(...files.map((f) => Number(f.last_event_time))) : undefined;
    const digest: DigestFile = {
      awsAccountId: accountId,
      digestStartTime: isoSeconds(Math.min(start, end)),
      digestEndTime: isoSeconds(end),
      digestS3Bucket: bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.#fingerprint,
      digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
      newestEventTime: newest === undefined ? null : isoSeconds(newest),
      oldestEventTime: oldest === undefined ? null : isoSeconds(oldest),
      previousDigestS3Bucket: previousKey ? bucket : null,
      previousDigestS3Object: previousKey ?? null,
      previousDigestHashValue: previousKey ? row.last_digest_hash : null,
      previousDigestHashAlgorithm: previousKey ? HASH_ALGORITHM : null,
      previousDigestSignature: previousKey ? row.last_digest_signature : null,
      logFiles: files.map((f) => ({
        s3Bucket: bucket,
        s3Object: f.object_key,
        hashValue: f.sha256,
        hashAlgorithm: HASH_ALGORITHM,
        newestEventTime: isoSeconds(Number(f.last_event_time)),
        oldestEventTime: isoSeconds(Number(f.first_event_time)),
      })),
    };
    const content = Buffer.from(JSON.stringify(digest), 'utf8');
    const sha256 = sha256Hex(content);
    const signature = sign(null, Buffer.from(dataToSign(digest, sha256), 'utf8'), this.#key).toString('hex');
    await this.store.put(key, gzipSync(content), { [SIGNATURE_METADATA]: signature, [SIGNATURE_ALGORITHM_METADATA]: SIGNATURE_ALGORITHM });

    const record = () =>
      inTransaction(this.#db, async (tx) => {
        if (!(await repo.recordDigest(tx, accountId, row.last_digest_key, { at: end, signature, sha256, key: `${bucket}/${key}` }))) return false;
        for (let i = 0; i < files.length; i += IN_CHUNK) {
          await repo.markInDigest(tx, accountId, files.slice(i, i + IN_CHUNK).map((f) => f.object_key));
        }
        return true;
      });
    let recorded: boolean;
    try {
      recorded = await record();
    } catch (err) {
      await this.store.delete(key).catch(() => undefined);
      throw err;
    }
    if (!recorded) {
      // Another server wrote this account's digest meanwhile; the chain continues from its digest.
      // Remove ours unless theirs has replaced it under the same name.
      const stored = await this.store.get(key);
      if (stored?.metadata[SIGNATURE_METADATA] === signature) await this.store.delete(key);
      return undefined;
    }
    return { accountId, key, sha256, signature, logFiles: files.length, startTime: start, endTime: end };
  }
}
