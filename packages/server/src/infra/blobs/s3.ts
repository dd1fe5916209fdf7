// Chunks of encrypted files in an S3 bucket (AWS S3 or any S3-compatible server): one object per
// chunk at <prefix>blobs/<blobId>/<index, zero-padded to 6 digits>. Owns that key space and nothing
// else in the bucket. A chunk is streamed into one PutObject with its ContentLength while it is
// counted and hashed; the final byte is withheld until the length and SHA-256 check out. A body that
// fails on its first piece sends nothing; one that fails later completes the upload (cut or
// zero-padded to ContentLength, the same on every S3 implementation) and the object is then deleted,
// so a failed overwrite loses the previous chunk (the uploader re-sends it). It must never buffer a
// whole chunk in memory, never touch keys outside its prefix and never retry a half-sent upload with
// a consumed stream (the SDK does not retry streaming bodies).
import { Readable } from 'node:stream';
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { normalizePrefix } from '../object-store.js';
import { BlobNotFoundError, ChunkVerifier, checkBlobId, checkIndex, checkPut, padIndex, parseIndexName, type BlobStore } from './store.js';

/** DeleteObjects takes at most 1000 keys a request. */
const DELETE_BATCH = 1000;
/** User metadata of a chunk object: its length (to recognise a truncated object) and, when declared, its SHA-256. */
const LENGTH_META = 'chunk-length';
const SHA256_META = 'chunk-sha256';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix ('' by default); a trailing '/' is added when missing. */
  prefix?: string | undefined;
  /** Destroy `client` on close() (when the store created it); false by default. */
  ownsClient?: boolean;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

async function* empty(): AsyncGenerator<Uint8Array> {
  // A chunk of zero bytes.
}

const ZEROS = new Uint8Array(64 * 1024);

/**
 * Exactly `length` bytes for a PUT whose ContentLength is already sent, whatever the body does:
 * `first` (already pulled from `rest`) and the rest of the checked pieces, then — if they fail
 * (too short, too long, wrong digest, the uploader's stream failing) — zeros up to `length`, with
 * the failure recorded in `outcome.error`. The checked pieces never exceed `length` (ChunkVerifier
 * fails before yielding a piece that would). Completing the request rather than aborting it keeps
 * the outcome deterministic on every S3 implementation: the object exists and is then deleted.
 */
async function* exactly(length: number, first: IteratorResult<Uint8Array>, rest: AsyncGenerator<Uint8Array>, outcome: { error?: unknown }): AsyncGenerator<Uint8Array> {
  let sent = 0;
  try {
    if (!first.done) {
      yield first.value;
      sent += first.value.byteLength;
      for await (const piece of rest) {
        yield piece;
        sent += piece.byteLength;
      }
    }
  } catch (err) {
    outcome.error = err;
  }
  if (sent < length && outcome.error === undefined) outcome.error = new Error('chunk body ended early');
  while (sent < length) {
    const n = Math.min(ZEROS.byteLength, length - sent);
    yield ZEROS.subarray(0, n);
    sent += n;
  }
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or the key prefix ending in '/'. */
  readonly prefix: string;
  readonly #ownsClient: boolean;

  constructor(opts: S3BlobStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.prefix = normalizePrefix(opts.prefix);
    this.#ownsClient = opts.ownsClient ?? false;
  }

  /** The key prefix of a blob's chunks (ending in '/'). */
  blobPrefix(blobId: string): string {
    return `${this.prefix}blobs/${blobId}/`;
  }

  chunkKey(blobId: string, index: number): string {
    return this.blobPrefix(blobId) + padIndex(index);
  }

  async putChunk(blobId: string, index: number, body: AsyncIterable<Uint8Array> | Uint8Array, length: number, sha256Hex?: string): Promise<void> {
    checkPut(blobId, index, length, sha256Hex);
    const key = this.chunkKey(blobId, index);
    const verifier = new ChunkVerifier(blobId, index, length, sha256Hex);
    // Pull the first piece before any request: a body that fails at once (too long, not bytes, the
    // uploader's stream failing) sends nothing, and any previous chunk stays as it was.
    // The final byte is withheld until the checks pass, so the server cannot complete the object
    // (and this call cannot return) before the verdict is in `outcome`.
    const pieces = verifier.pieces(body, 1);
    const first = await pieces.next();
    const outcome: { error?: unknown } = {};
    const source = Readable.from(exactly(length, first, pieces, outcome), { objectMode: false });
    const metadata: Record<string, string> = { [LENGTH_META]: String(length), ...(sha256Hex ? { [SHA256_META]: sha256Hex.toLowerCase() } : {}) };
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: source, ContentLength: length, ContentType: 'application/octet-stream', Metadata: metadata }));
    } catch (err) {
      source.destroy();
      await this.#discardIfDamaged(key).catch(() => undefined);
      throw outcome.error ?? err;
    }
    if (outcome.error !== undefined) {
      // The body failed its check (or its stream failed) after the upload began: the object holds
      // what arrived, cut or zero-padded to the declared length. It must not stay stored.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      throw outcome.error;
    }
  }

  /**
   * After a failed request: deletes the object unless it is a complete chunk (its size is the length
   * recorded in its metadata). Conforming servers never keep an interrupted PUT, so this finds the
   * previous version or nothing; S3-compatible test servers that write in place (s3rver) may leave
   * a truncated object behind, which this removes.
   */
  async #discardIfDamaged(key: string): Promise<void> {
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (head.ContentLength !== Number(head.Metadata?.[LENGTH_META] ?? Number.NaN)) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    }
  }

  async getChunk(blobId: string, index: number): Promise<AsyncIterable<Uint8Array>> {
    checkBlobId(blobId);
    checkIndex(index);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.chunkKey(blobId, index) }));
      if (!res.Body) return empty();
      // In Node.js the body is a Readable stream of Buffers.
      return res.Body as unknown as AsyncIterable<Uint8Array>;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(blobId, index);
      throw err;
    }
  }

  async #objects(blobId: string): Promise<{ key: string; size: number }[]> {
    const prefix = this.blobPrefix(blobId);
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of res.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async listChunks(blobId: string): Promise<number[]> {
    checkBlobId(blobId);
    const prefix = this.blobPrefix(blobId);
    const out: number[] = [];
    for (const o of await this.#objects(blobId)) {
      const index = parseIndexName(o.key.slice(prefix.length));
      if (index !== undefined) out.push(index);
    }
    return out.sort((a, b) => a - b);
  }

  async deleteBlob(blobId: string): Promise<void> {
    checkBlobId(blobId);
    const keys = (await this.#objects(blobId)).map((o) => o.key);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const res = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) {
        const first = failed[0];
        throw new Error(`deleting blob ${blobId}: ${failed.length} objects not deleted (first: ${first?.Key}: ${first?.Code} ${first?.Message ?? ''})`.trimEnd());
      }
    }
  }

  async blobSize(blobId: string): Promise<number> {
    checkBlobId(blobId);
    const prefix = this.blobPrefix(blobId);
    let total = 0;
    for (const o of await this.#objects(blobId)) if (parseIndexName(o.key.slice(prefix.length)) !== undefined) total += o.size;
    return total;
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.client.destroy();
  }
}
