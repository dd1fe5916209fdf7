// The trail's on-disk (in-bucket) formats, shared by delivery and validation: object keys as
// CloudTrail names them, the digest file layout, and the string a digest signature covers.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export const HASH_ALGORITHM = 'SHA-256';
export const SIGNATURE_ALGORITHM = 'Ed25519';
export const DEFAULT_TRAIL_NAME = 'enclave';
/** S3 user metadata of a digest: x-amz-meta-signature and x-amz-meta-signature-algorithm. */
export const SIGNATURE_METADATA = 'signature';
export const SIGNATURE_ALGORITHM_METADATA = 'signature-algorithm';

export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Hex SHA-256 of the uncompressed log file content. */
  hashValue: string;
  hashAlgorithm: string;
  newestEventTime: string;
  oldestEventTime: string;
}

export interface DigestFile {
  awsAccountId: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  newestEventTime: string | null;
  oldestEventTime: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  /** Hex SHA-256 of the previous digest's uncompressed content. */
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogFile[];
}

export const sha256Hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 20230310T0815Z (log files) or 20230310T081524Z (digests). */
export function compactTime(ms: number, seconds: boolean): string {
  const d = new Date(ms);
  const hm = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${hm}${seconds ? pad(d.getUTCSeconds()) : ''}Z`;
}

function parseCompactTime(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(s)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

function datePath(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

export const logFilesPrefix = (prefix: string, accountId: string, region: string) => `${prefix}AWSLogs/${accountId}/CloudTrail/${region}/`;
export const digestFilesPrefix = (prefix: string, accountId: string, region: string) => `${prefix}AWSLogs/${accountId}/CloudTrail-Digest/${region}/`;

/** <prefix>AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random16>.json.gz */
export function logFileKey(prefix: string, accountId: string, region: string, ms: number, unique: string): string {
  return `${logFilesPrefix(prefix, accountId, region)}${datePath(ms)}/${accountId}_CloudTrail_${region}_${compactTime(ms, false)}_${unique}.json.gz`;
}

/** <prefix>AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz */
export function digestFileKey(prefix: string, accountId: string, region: string, trail: string, endMs: number): string {
  return `${digestFilesPrefix(prefix, accountId, region)}${datePath(endMs)}/${accountId}_CloudTrail-Digest_${region}_${trail}_${region}_${compactTime(endMs, true)}.json.gz`;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The delivery time (to the minute) a log file's name gives, or undefined for a foreign name. */
export function parseLogFileKey(key: string, prefix: string, accountId: string, region: string): { time: number } | undefined {
  const a = esc(accountId);
  const r = esc(region);
  const re = new RegExp(`^${esc(logFilesPrefix(prefix, accountId, region))}\\d{4}/\\d{2}/\\d{2}/${a}_CloudTrail_${r}_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]{16}\\.json\\.gz$`);
  const m = re.exec(key);
  return m ? { time: parseCompactTime(m[1]!) } : undefined;
}

/** The end time (to the second) and trail a digest's name gives, or undefined for a foreign name. */
export function parseDigestFileKey(key: string, prefix: string, accountId: string, region: string): { time: number; trail: string } | undefined {
  const a = esc(accountId);
  const r = esc(region);
  const re = new RegExp(`^${esc(digestFilesPrefix(prefix, accountId, region))}\\d{4}/\\d{2}/\\d{2}/${a}_CloudTrail-Digest_${r}_(.+)_${r}_(\\d{8}T\\d{6}Z)\\.json\\.gz$`);
  const m = re.exec(key);
  return m ? { time: parseCompactTime(m[2]!), trail: m[1]! } : undefined;
}

/**
 * What a digest signature covers, as CloudTrail's "data to sign" (one line each, '\n' between):
 *   digestEndTime                          2024-05-01T10:00:00Z
 *   <digestS3Bucket>/<digestS3Object>      the digest's own location
 *   hex SHA-256 of the uncompressed digest content
 *   the previous digest's signature (hex), or "null" for the first digest of a chain
 */
export function dataToSign(digest: Pick<DigestFile, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'previousDigestSignature'>, contentSha256: string): string {
  return [digest.digestEndTime, `${digest.digestS3Bucket}/${digest.digestS3Object}`, contentSha256, digest.previousDigestSignature ?? 'null'].join('\n');
}

/** Hex SHA-256 of the public key's DER (SubjectPublicKeyInfo) encoding. */
export function publicKeyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(pub.export({ type: 'spki', format: 'der' }));
}

