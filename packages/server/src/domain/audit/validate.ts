// Validation of a delivered trail, modelled on `aws cloudtrail validate-logs`: starting from the
// newest digest of the period, follow the chain of digests backwards (previousDigestS3Object) and
// check for each digest that
//   - it exists, decompresses and parses, sits where it says it does (digestS3Object) and belongs to
//     the account;
//   - its signature (x-amz-meta-signature) verifies with the public key over the data to sign
//     (trailFormat.ts dataToSign) and it was signed by that key (digestPublicKeyFingerprint);
//   - it is the one the later digest names: same SHA-256 (previousDigestHashValue), same signature
//     (previousDigestSignature), and it ends when the later one starts (no digest left out);
//   - every log file it lists exists and its uncompressed content hashes to hashValue;
// then, over the listing of the bucket or directory, that no digest of the period stands outside the
// chain and that no log file of the period is missing from the digests. Every problem is reported;
// the walk continues past a broken link with the next older digest.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { DirectoryObjectStore, S3ObjectStore, s3ClientFor, type TrailObjectStore } from '../../infra/object-store.js';
import {
  SIGNATURE_ALGORITHM,
  SIGNATURE_METADATA,
  dataToSign,
  digestFilesPrefix,
  logFilesPrefix,
  parseDigestFileKey,
  parseLogFileKey,
  publicKeyFingerprint,
  sha256Hex,
  type DigestFile,
} from './trail-format.js';

export type TrailSource =
  | { kind: 'dir'; dir: string }
  /** Without `client`, one is made for `endpoint` (path-style) and `region` with the default AWS credentials. */
  | { kind: 's3'; bucket: string; prefix?: string; client?: S3Client; endpoint?: string; region?: string };

export interface ValidateTrailOptions {
  source: TrailSource;
  accountId: string;
  region: string;
  /** The Ed25519 public key (audit-signing-public-key.pem). */
  publicKeyPem: string;
  /** Start of the period (epoch ms or Date); default: the beginning of the trail. */
  from?: number | Date;
  /** End of the period (epoch ms or Date); default: the newest digest. */
  to?: number | Date;
  /** Only digests of this trail name (default: any). */
  trailName?: string;
}

export type TrailProblemKind =
  /** A log file whose content does not hash to the value its digest lists, or cannot be read. */
  | 'log-file-modified'
  /** A log file a digest lists that is not there. */
  | 'log-file-missing'
  /** A log file of the period that no valid digest lists (added, or its digest is invalid). */
  | 'log-file-unlisted'
  /** A digest that does not verify: changed content, bad or missing signature, another key or account. */
  | 'digest-modified'
  /** A digest the chain needs that is not there. */
  | 'digest-missing'
  /** Two digests that do not link: hash, signature or times differ from what the later one records. */
  | 'digest-chain-broken'
  /** A digest that is not where it says it belongs (moved, renamed or swapped). */
  | 'digest-out-of-order'
  /** A digest of the period that no chain reaches. */
  | 'digest-not-in-chain';

export interface TrailProblem {
  kind: TrailProblemKind;
  /** The object key concerned. */
  key: string;
  /** s3://bucket/key or the file path. */
  location: string;
  message: string;
}

export interface TrailValidationReport {
  valid: boolean;
  accountId: string;
  region: string;
  /** The period validated: from the start of the oldest to the end of the newest digest checked. */
  from: string | null;
  to: string | null;
  digests: { checked: number; valid: number };
  logFiles: { checked: number; valid: number };
  problems: TrailProblem[];
  /** Log files delivered after the newest digest: no digest can list them yet, so they are not validated. */
  pending: string[];
}

interface Expected {
  /** The later digest that names this one as its previous. */
  by: string;
  hash: string | null;
  signature: string | null;
  startTime: string;
}

interface ReadDigest {
  digest: DigestFile;
  sha256: string;
}

const toMs = (t: number | Date | undefined) => (t === undefined ? undefined : t instanceof Date ? t.getTime() : t);

function storeFor(source: TrailSource): TrailObjectStore {
  if (source.kind === 'dir') return new DirectoryObjectStore(source.dir);
  return new S3ObjectStore(source.client ?? s3ClientFor({ endpoint: source.endpoint, region: source.region }), source.bucket, source.prefix);
}

function parseDigest(body: Buffer): ReadDigest | string {
  let content: Buffer;
  try {
    content = gunzipSync(body);
  } catch (err) {
    return `cannot be decompressed (${(err as Error).message})`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  const d = parsed as Partial<DigestFile> | null;
  const str = (v: unknown) => typeof v === 'string';
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  if (
    !d ||
    typeof d !== 'object' ||
    !str(d.awsAccountId) ||
    !str(d.digestStartTime) ||
    !str(d.digestEndTime) ||
    !str(d.digestS3Bucket) ||
    !str(d.digestS3Object) ||
    !str(d.digestPublicKeyFingerprint) ||
    !str(d.digestSignatureAlgorithm) ||
    !strOrNull(d.previousDigestS3Object) ||
    !strOrNull(d.previousDigestHashValue) ||
    !strOrNull(d.previousDigestSignature) ||
    !Array.isArray(d.logFiles) ||
    !d.logFiles.every((f) => f && typeof f === 'object' && str(f.s3Object) && str(f.hashValue))
  ) {
    return 'is not a digest file (fields missing)';
  }
  return { digest: d as DigestFile, sha256: sha256Hex(content) };
}

export async function validateTrail(options: ValidateTrailOptions): Promise<TrailValidationReport> {
  const store = storeFor(options.source);
  const { accountId, region } = options;
  const from = toMs(options.from);
  const to = toMs(options.to);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(options.publicKeyPem);
  } catch (err) {
    throw new Error(`the public key is not a PEM public key: ${(err as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`the public key is a ${publicKey.asymmetricKeyType} key; the audit trail is signed with Ed25519`);
  const fingerprint = publicKeyFingerprint(publicKey);

  const problems: TrailProblem[] = [];
  const problem = (kind: TrailProblemKind, key: string, message: string) => problems.push({ kind, key, location: store.describe(key), message });

  // Every digest of the trail, newest first, with the end time its name gives.
  const digestTime = new Map<string, number>();
  for (const key of await store.list(digestFilesPrefix(store.prefix, accountId, region))) {
    const parsed = parseDigestFileKey(key, store.prefix, accountId, region);
    if (parsed && (options.trailName === undefined || parsed.trail === options.trailName)) digestTime.set(key, parsed.time);
  }
  const digestsNewestFirst = [...digestTime.keys()].sort((a, b) => digestTime.get(b)! - digestTime.get(a)! || (a < b ? 1 : -1));
  const inRange = (t: number) => (from === undefined || t >= from) && (to === undefined || t <= to);
  // The newest digest to check: the first one that ends at or after `to` (it covers `to`), else the newest.
  const firstKey =
    to === undefined ? digestsNewestFirst[0] : ([...digestsNewestFirst].reverse().find((k) => digestTime.get(k)! >= to) ?? digestsNewestFirst[0]);

  const visited = new Set<string>();
  const trustedLogFiles = new Set<string>();
  const untrustedLogFiles = new Map<string, string>();
  let digestsChecked = 0;
  let digestsValid = 0;
  let logChecked = 0;
  let logValid = 0;
  let newestEnd: number | undefined;
  let oldestStart: number | undefined;

  /** The newest unvisited digest older than `time`, to go on with after a broken link. */
  const olderThan = (time: number) => digestsNewestFirst.find((k) => !visited.has(k) && digestTime.get(k)! < time);

  let current = firstKey;
  let expected: Expected | undefined;
  while (current !== undefined) {
    const key: string = current;
    const nameTime = digestTime.get(key) ?? parseDigestFileKey(key, store.prefix, accountId, region)?.time;
    if (from !== undefined && nameTime !== undefined && nameTime < from) break;
    visited.add(key);
    const exp = expected;
    expected = undefined;
    const refTime = nameTime ?? (exp ? digestTime.get(exp.by) : undefined);
    const resume = () => (refTime !== undefined ? olderThan(refTime) : undefined);

    const obj = await store.get(key);
    if (!obj) {
      problem('digest-missing', key, exp ? `not found; the digest ${exp.by} names it as its previous digest` : 'not found');
      current = resume();
      continue;
    }
    digestsChecked++;
    if (newestEnd === undefined && nameTime !== undefined) newestEnd = nameTime;
    const read = parseDigest(obj.body);
    if (typeof read === 'string') {
      problem('digest-modified', key, `digest file ${read}`);
      if (exp) problem('digest-chain-broken', key, `the digest ${exp.by} names this digest as its previous one, but it cannot be read`);
      current = resume();
      continue;
    }
    const { digest, sha256 } = read;
    let authentic = true;
    let inPlace = true;
    if (digest.digestS3Object !== key) {
      inPlace = false;
      problem('digest-out-of-order', key, `holds the digest for ${digest.digestS3Object} (moved, renamed or swapped)`);
    }
    if (digest.awsAccountId !== accountId) {
      authentic = false;
      problem('digest-modified', key, `is for account ${digest.awsAccountId}, not ${accountId}`);
    }
    const signature = obj.metadata[SIGNATURE_METADATA];
    if (digest.digestPublicKeyFingerprint !== fingerprint) {
      authentic = false;
      problem('digest-modified', key, `was signed by the key with fingerprint ${digest.digestPublicKeyFingerprint}, not by the given public key (${fingerprint})`);
    } else if (digest.digestSignatureAlgorithm !== SIGNATURE_ALGORITHM) {
      authentic = false;
      problem('digest-modified', key, `has the signature algorithm ${digest.digestSignatureAlgorithm}, expected ${SIGNATURE_ALGORITHM}`);
    } else if (!signature || !/^[0-9a-f]+$/.test(signature)) {
      authentic = false;
      problem('digest-modified', key, 'has no signature (x-amz-meta-signature)');
    } else if (!verify(null, Buffer.from(dataToSign(digest, sha256), 'utf8'), publicKey, Buffer.from(signature, 'hex'))) {
      authentic = false;
      problem('digest-modified', key, 'has been modified: its signature does not verify');
    }
    if (authentic) digestsValid++;
    if (exp) {
      if (exp.hash !== sha256) problem('digest-chain-broken', key, `its SHA-256 is not the previousDigestHashValue recorded by ${exp.by}`);
      if (exp.signature !== (signature ?? null)) problem('digest-chain-broken', key, `its signature is not the previousDigestSignature recorded by ${exp.by}`);
      if (inPlace && exp.startTime !== digest.digestEndTime) {
        problem('digest-missing', key, `ends at ${digest.digestEndTime} but ${exp.by} starts at ${exp.startTime}: the digests between are missing`);
      }
    }
    const start = Date.parse(digest.digestStartTime);
    if (Number.isFinite(start)) oldestStart = oldestStart === undefined ? start : Math.min(oldestStart, start);

    // The log files it lists: trusted only when the digest verifies.
    for (const f of digest.logFiles) {
      if (!authentic) {
        if (!untrustedLogFiles.has(f.s3Object)) untrustedLogFiles.set(f.s3Object, key);
        continue;
      }
      trustedLogFiles.add(f.s3Object);
      logChecked++;
      const lf = await store.get(f.s3Object);
      if (!lf) {
        problem('log-file-missing', f.s3Object, `not found; the digest ${key} lists it`);
        continue;
      }
      let content: Buffer;
      try {
        content = gunzipSync(lf.body);
      } catch {
        problem('log-file-modified', f.s3Object, 'has been modified: it cannot be decompressed');
        continue;
      }
      if (sha256Hex(content) !== f.hashValue) {
        problem('log-file-modified', f.s3Object, `has been modified: its SHA-256 is not the hashValue in ${key}`);
        continue;
      }
      logValid++;
    }

    // The previous digest: follow the link of an authentic digest in its place; else go on with the
    // next older digest of the listing.
    if (authentic && inPlace && digest.previousDigestS3Object) {
      if (visited.has(digest.previousDigestS3Object)) {
        problem('digest-chain-broken', key, `names ${digest.previousDigestS3Object} as its previous digest, which comes later in the chain`);
        current = resume();
      } else {
        current = digest.previousDigestS3Object;
        expected = { by: key, hash: digest.previousDigestHashValue, signature: digest.previousDigestSignature, startTime: digest.digestStartTime };
      }
    } else {
      current = resume();
    }
  }

  // Digests of the period that the chain never reached.
  for (const key of digestsNewestFirst) {
    const t = digestTime.get(key)!;
    if (!visited.has(key) && inRange(t) && (newestEnd === undefined || t <= newestEnd)) {
      problem('digest-not-in-chain', key, 'is not part of the digest chain (no later digest names it)');
    }
  }

  // Log files of the period that no valid digest lists.
  const pending: string[] = [];
  const coverEnd = newestEnd;
  for (const key of await store.list(logFilesPrefix(store.prefix, accountId, region))) {
    if (trustedLogFiles.has(key)) continue;
    const parsed = parseLogFileKey(key, store.prefix, accountId, region);
    if (parsed) {
      // The name gives the delivery time to the minute: [time, time + 1 min).
      if ((from !== undefined && parsed.time + 60_000 <= from) || (to !== undefined && parsed.time > to)) continue;
      // Only a file delivered wholly before the newest digest should be in a digest.
      if (coverEnd === undefined || parsed.time + 60_000 > coverEnd) {
        pending.push(key);
        continue;
      }
    }
    const by = untrustedLogFiles.get(key);
    problem(
      'log-file-unlisted',
      key,
      by ? `is listed only by the invalid digest ${by}` : parsed ? 'was delivered in the period but no digest lists it' : 'is not a log file name the trail uses and no digest lists it',
    );
  }

  return {
    valid: problems.length === 0,
    accountId,
    region,
    from: oldestStart === undefined ? null : new Date(oldestStart).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    to: newestEnd === undefined ? null : new Date(newestEnd).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    digests: { checked: digestsChecked, valid: digestsValid },
    logFiles: { checked: logChecked, valid: logValid },
    problems,
    pending,
  };
}
