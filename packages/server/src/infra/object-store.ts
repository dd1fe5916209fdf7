// Where the trail's files go: an S3 bucket (any S3 API, with an endpoint override) or a directory.
// Keys are S3 keys ("<prefix>/AWSLogs/…"); in a directory they are relative paths. Object metadata
// (the digest signature, as CloudTrail's x-amz-meta-signature) is S3 user metadata, or in a
// directory a sidecar file "<file>.metadata.json" next to the file.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface StoredObject {
  body: Buffer;
  metadata: Record<string, string>;
}

export interface TrailObjectStore {
  /** The bucket name written into digests (s3Bucket, digestS3Bucket); for a directory, a label. */
  readonly bucket: string;
  /** '' or the key prefix ending in '/'. */
  readonly prefix: string;
  /** Human-readable location of a key, for messages: s3://bucket/key or the file path. */
  describe(key: string): string;
  put(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Every key under the prefix, sorted. */
  list(keyPrefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export const METADATA_SUFFIX = '.metadata.json';
const FILE_MODE = 0o640;
const DIR_MODE = 0o750;

export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return p ? `${p}/` : '';
}

async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, fsConstants.O_RDONLY);
    await fh.sync();
  } catch {
    // Some file systems cannot fsync a directory; the file itself is synced.
  } finally {
    await fh?.close();
  }
}

async function writeFileDurably(path: string, body: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx', FILE_MODE);
  try {
    await fh.chmod(FILE_MODE);
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'EISDIR') return undefined;
    throw err;
  }
}

export class DirectoryObjectStore implements TrailObjectStore {
  readonly root: string;
  readonly bucket: string;
  readonly prefix = '';

  constructor(dir: string, bucket?: string) {
    this.root = resolve(dir);
    this.bucket = bucket ?? basename(this.root);
  }

  #path(key: string): string {
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new Error(`object key ${key} leaves the directory ${this.root}`);
    return p;
  }

  describe(key: string): string {
    return join(this.root, key);
  }

  async put(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
    const path = this.#path(key);
    // The sidecar first: a file never appears without its signature.
    if (metadata && Object.keys(metadata).length) await writeFileDurably(path + METADATA_SUFFIX, Buffer.from(JSON.stringify(metadata)));
    await writeFileDurably(path, body);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.#path(key);
    const body = await readIfExists(path);
    if (!body) return undefined;
    const meta = await readIfExists(path + METADATA_SUFFIX);
    let metadata: Record<string, string> = {};
    if (meta) {
      try {
        const parsed = JSON.parse(meta.toString('utf8')) as unknown;
        if (parsed && typeof parsed === 'object') metadata = Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      } catch {
        // An unreadable sidecar is no metadata; the signature check reports it.
      }
    }
    return { body, metadata };
  }

  async list(keyPrefix: string): Promise<string[]> {
    // keyPrefix is a directory path ending in '/' (AWSLogs/<account>/CloudTrail/<region>/).
    const start = this.#path(keyPrefix.replace(/\/+$/, ''));
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'ENOTDIR') return;
        throw err;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && !e.name.endsWith(METADATA_SUFFIX) && !/\.tmp-[0-9a-f]{12}$/.test(e.name)) out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(start);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
    await rm(path + METADATA_SUFFIX, { force: true });
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3ObjectStore implements TrailObjectStore {
  readonly prefix: string;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    prefix?: string,
  ) {
    this.prefix = normalizePrefix(prefix);
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async put(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/gzip', ...(metadata ? { Metadata: metadata } : {}) }),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      return { body: Buffer.from(bytes), metadata: { ...(res.Metadata ?? {}) } };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(keyPrefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: keyPrefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of res.Contents ?? []) if (o.Key) out.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/** An S3 client for an S3-compatible endpoint (path-style), or AWS S3 when no endpoint is given. */
export function s3ClientFor(opts: { endpoint?: string | undefined; region?: string | undefined }): S3Client {
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    // Checksums only where the S3 API requires them: S3-compatible servers that predate the SDK's
    // default CRC32 checksums then accept every request.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
