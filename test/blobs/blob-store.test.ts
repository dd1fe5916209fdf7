// The blob store (encrypted file chunks), one behavioural suite run against both implementations: a
// local directory and S3 (s3rver on a free loopback port). Chunks round-trip byte for byte; a chunk
// whose length or SHA-256 does not match what the uploader declared is refused and leaves nothing
// behind (not even a damaged copy of a chunk it was meant to overwrite); listings are sorted,
// deletion is idempotent and blob IDs that could escape the store are refused. Test data is
// generated as a stream (AES-CTR keystream) and checked by a streaming hash.
import type { ChildProcess } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3rver } from '../helpers/s3rver.js';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  LocalDirBlobStore,
  MAX_CHUNK_BYTES,
  openBlobStore,
  S3BlobStore,
  type BlobStore,
} from '../../packages/server/src/infra/blobs/index.js';

const BUCKET = 'enclave-blobs-test';
const MiB = 1024 * 1024;
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

let blobCounter = 0;
/** A fresh, valid blob ID per test. */
function newBlobId(): string {
  blobCounter += 1;
  return `blob_${process.pid}-${Date.now().toString(36)}-${blobCounter}`;
}

/** `length` pseudo-random bytes determined by (seed, index), produced in pieces of `piece` bytes. */
async function* generated(seed: string, index: number, length: number, piece = 64 * 1024): AsyncGenerator<Uint8Array> {
  const key = createHash('sha256').update(seed).digest();
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 0);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const zeros = Buffer.alloc(piece);
  let left = length;
  while (left > 0) {
    const n = Math.min(piece, left);
    yield cipher.update(n === piece ? zeros : zeros.subarray(0, n));
    left -= n;
  }
}

async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<{ hex: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const piece of source) {
    h.update(piece);
    bytes += piece.byteLength;
  }
  return { hex: h.digest('hex'), bytes };
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of source) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield bytes(p);
}

interface Subject {
  store: BlobStore;
  /**
   * Whether an overwrite that fails its check midway keeps the previous chunk. A directory does (the
   * new chunk is renamed into place only once checked); S3 does not: the upload has begun by then,
   * so the store completes it and deletes the object (the uploader re-sends the chunk).
   */
  keepsPreviousOnFailedOverwrite: boolean;
  /** Every stored file or object, for checking that a refused chunk left nothing behind. */
  everything(): Promise<string[]>;
}

let s3: { child: ChildProcess; client: S3Client; endpoint: string } | undefined;

beforeAll(async () => {
  const { child, port } = await startS3rver(BUCKET, tempDir('enclave-blobs-s3rver-'));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  s3 = { child, client, endpoint };
});

afterAll(async () => {
  if (s3) {
    s3.client.destroy();
    const exit = once(s3.child, 'exit');
    s3.child.stdin?.end();
    await exit;
  }
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function walkFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

const IMPLEMENTATIONS: [string, () => Subject][] = [
  [
    'a local directory',
    () => {
      const dir = tempDir('enclave-blobs-dir-');
      return { store: new LocalDirBlobStore(dir), keepsPreviousOnFailedOverwrite: true, everything: async () => walkFiles(dir) };
    },
  ],
  [
    'S3 (s3rver)',
    () => {
      if (!s3) throw new Error('s3rver did not start');
      const client = s3.client;
      const prefix = `run-${newBlobId()}/`;
      return {
        store: new S3BlobStore({ client, bucket: BUCKET, prefix }),
        keepsPreviousOnFailedOverwrite: false,
        async everything() {
          const res = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
          return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
        },
      };
    },
  ],
];

describe.each(IMPLEMENTATIONS)('a blob store in %s', (_name, make) => {
  let subject: Subject;
  let store: BlobStore;

  beforeEach(() => {
    subject = make();
    store = subject.store;
    return () => store.close();
  });

  it('returns a stored chunk byte for byte, from a byte array or from a stream of pieces', async () => {
    const blob = newBlobId();
    const one = bytes('ciphertext of chunk zero');
    await store.putChunk(blob, 0, one, one.byteLength, sha256(one));
    await store.putChunk(blob, 1, pieces('piece one, ', 'piece two, ', 'piece three'), 33);
    expect(Buffer.from(await collect(await store.getChunk(blob, 0))).toString()).toBe('ciphertext of chunk zero');
    expect((await collect(await store.getChunk(blob, 1))).toString()).toBe('piece one, piece two, piece three');
    expect(await store.blobSize(blob)).toBe(one.byteLength + 33);
  });

  it('stores an empty chunk', async () => {
    const blob = newBlobId();
    await store.putChunk(blob, 0, new Uint8Array(0), 0, sha256(new Uint8Array(0)));
    expect((await collect(await store.getChunk(blob, 0))).byteLength).toBe(0);
    expect(await store.listChunks(blob)).toEqual([0]);
  });

  it('accepts a digest in upper-case hexadecimal', async () => {
    const blob = newBlobId();
    const body = bytes('upper-case digest');
    await store.putChunk(blob, 0, body, body.byteLength, sha256(body).toUpperCase());
    expect((await collect(await store.getChunk(blob, 0))).toString()).toBe('upper-case digest');
  });

  it('refuses a chunk shorter than its declared length and stores nothing', async () => {
    const blob = newBlobId();
    await expect(store.putChunk(blob, 0, pieces('twelve bytes'), 13)).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(store.getChunk(blob, 0)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await subject.everything()).toEqual([]);
  });

  it('refuses a chunk longer than its declared length and stores nothing', async () => {
    const blob = newBlobId();
    await expect(store.putChunk(blob, 0, pieces('twelve', ' bytes'), 11)).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(store.putChunk(blob, 1, bytes('twelve bytes'), 11)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await subject.everything()).toEqual([]);
  });

  it('refuses a chunk whose SHA-256 differs from the declared one and stores nothing', async () => {
    const blob = newBlobId();
    const body = bytes('the bytes that arrived');
    const declared = sha256(bytes('the bytes that were sent'));
    const err = await store.putChunk(blob, 3, pieces('the bytes ', 'that arrived'), body.byteLength, declared).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobIntegrityError);
    expect(err).toMatchObject({ blobId: blob, index: 3 });
    await expect(store.getChunk(blob, 3)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.blobSize(blob)).toBe(0);
    expect(await subject.everything()).toEqual([]);
  });

  it('refuses a non-empty body declared empty', async () => {
    const blob = newBlobId();
    await expect(store.putChunk(blob, 0, pieces('x'), 0)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.listChunks(blob)).toEqual([]);
  });

  it('fails with the uploader’s own error when the body stream fails, storing nothing', async () => {
    const blob = newBlobId();
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield bytes('first half');
      throw new Error('uploader went away');
    }
    await expect(store.putChunk(blob, 0, broken(), 20)).rejects.toThrow('uploader went away');
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await subject.everything()).toEqual([]);
  });

  it('checks a body whose end comes well after its last byte before storing it', async () => {
    const blob = newBlobId();
    async function* slowToEnd(): AsyncGenerator<Uint8Array> {
      yield bytes('all the bytes, ');
      yield bytes('then a pause');
      // An upload stream's end can follow its last data after a network round trip.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await expect(store.putChunk(blob, 0, slowToEnd(), 27, sha256(bytes('other bytes')))).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await subject.everything()).toEqual([]);
    await store.putChunk(blob, 1, slowToEnd(), 27, sha256(bytes('all the bytes, then a pause')));
    expect((await collect(await store.getChunk(blob, 1))).toString()).toBe('all the bytes, then a pause');
  });

  it('overwrites a chunk stored under the same blob ID and index', async () => {
    const blob = newBlobId();
    await store.putChunk(blob, 0, bytes('first version, longer'), 21);
    await store.putChunk(blob, 0, bytes('second'), 6, sha256(bytes('second')));
    expect((await collect(await store.getChunk(blob, 0))).toString()).toBe('second');
    expect(await store.listChunks(blob)).toEqual([0]);
    expect(await store.blobSize(blob)).toBe(6);
  });

  it('never leaves a damaged chunk behind when an overwrite fails its check (and keeps the previous one where the storage allows)', async () => {
    const blob = newBlobId();
    await store.putChunk(blob, 0, bytes('good chunk'), 10);
    // A body that fails on its first piece is refused before anything is written.
    await expect(store.putChunk(blob, 0, bytes('far too long'), 10)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect((await collect(await store.getChunk(blob, 0))).toString()).toBe('good chunk');
    await expect(store.putChunk(blob, 0, pieces('bad ', 'chunk!'), 10, sha256(bytes('good chunk')))).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(store.putChunk(blob, 0, pieces('sh', 'ort'), 10)).rejects.toBeInstanceOf(BlobIntegrityError);
    if (subject.keepsPreviousOnFailedOverwrite) {
      expect((await collect(await store.getChunk(blob, 0))).toString()).toBe('good chunk');
      expect(await store.blobSize(blob)).toBe(10);
    } else {
      const listed = await store.listChunks(blob);
      const content = listed.length ? (await collect(await store.getChunk(blob, 0))).toString() : undefined;
      expect([undefined, 'good chunk']).toContain(content);
    }
  });

  it('lists the stored chunk indexes in ascending numeric order, whatever the upload order', async () => {
    const blob = newBlobId();
    for (const index of [10, 2, 1000, 0, 99, 1]) await store.putChunk(blob, index, bytes(`chunk ${index}`), `chunk ${index}`.length);
    expect(await store.listChunks(blob)).toEqual([0, 1, 2, 10, 99, 1000]);
    expect(await store.listChunks(newBlobId())).toEqual([]);
  });

  it('keeps blobs apart, including blob IDs that differ only in case', async () => {
    const lower = `case-${newBlobId()}`.toLowerCase();
    const upper = lower.toUpperCase();
    await store.putChunk(lower, 0, bytes('lower'), 5);
    await store.putChunk(upper, 1, bytes('UPPER!'), 6);
    expect(await store.listChunks(lower)).toEqual([0]);
    expect(await store.listChunks(upper)).toEqual([1]);
    expect(await store.blobSize(lower)).toBe(5);
    await store.deleteBlob(upper);
    expect((await collect(await store.getChunk(lower, 0))).toString()).toBe('lower');
  });

  it('deletes every chunk of a blob, and deleting again (or deleting an unknown blob) succeeds', async () => {
    const blob = newBlobId();
    const other = newBlobId();
    for (let i = 0; i < 5; i++) await store.putChunk(blob, i, bytes(`c${i}`), 2);
    await store.putChunk(other, 0, bytes('stays'), 5);
    await store.deleteBlob(blob);
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await store.blobSize(blob)).toBe(0);
    await expect(store.getChunk(blob, 4)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.deleteBlob(blob);
    await store.deleteBlob(newBlobId());
    expect(await store.listChunks(other)).toEqual([0]);
  });

  it('lists, sizes and deletes a blob of 1281 chunks (a 5 GB file: more than one listing page and one delete batch)', async () => {
    const blob = newBlobId();
    const COUNT = 1281;
    const queue = [...Array(COUNT).keys()].reverse();
    const worker = async (): Promise<void> => {
      for (let i = queue.pop(); i !== undefined; i = queue.pop()) await store.putChunk(blob, i, bytes(String(i % 10)), 1);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(await store.listChunks(blob)).toEqual([...Array(COUNT).keys()]);
    expect(await store.blobSize(blob)).toBe(COUNT);
    await store.deleteBlob(blob);
    expect(await store.listChunks(blob)).toEqual([]);
    expect(await subject.everything()).toEqual([]);
  });

  it('reports a chunk that was never stored as not found', async () => {
    const blob = newBlobId();
    await expect(store.getChunk(blob, 0)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.putChunk(blob, 0, bytes('zero'), 4);
    await expect(store.getChunk(blob, 1)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.blobSize(newBlobId())).toBe(0);
  });

  it.each(['../../etc/passwd', '..%2f..%2fsecret', 'abc/def/ghi', 'a\\b\\c\\d\\e', '.hidden-blob', 'short', '', 'x'.repeat(129), 'with space ok', 'ünïcödé-blob', 'blob\u0000nul-byte'])(
    'refuses the blob ID %j in every operation',
    async (blobId) => {
      await expect(store.putChunk(blobId, 0, bytes('x'), 1)).rejects.toBeInstanceOf(RangeError);
      await expect(store.getChunk(blobId, 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.listChunks(blobId)).rejects.toBeInstanceOf(RangeError);
      await expect(store.deleteBlob(blobId)).rejects.toBeInstanceOf(RangeError);
      await expect(store.blobSize(blobId)).rejects.toBeInstanceOf(RangeError);
      expect(await subject.everything()).toEqual([]);
    },
  );

  it('refuses negative, fractional and out-of-range chunk indexes, oversized chunks and malformed digests', async () => {
    const blob = newBlobId();
    await expect(store.putChunk(blob, -1, bytes('x'), 1)).rejects.toBeInstanceOf(RangeError);
    await expect(store.putChunk(blob, 1.5, bytes('x'), 1)).rejects.toBeInstanceOf(RangeError);
    await expect(store.putChunk(blob, 1_000_000, bytes('x'), 1)).rejects.toBeInstanceOf(RangeError);
    await expect(store.getChunk(blob, Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await expect(store.putChunk(blob, 0, generated('big', 0, MAX_CHUNK_BYTES + 1), MAX_CHUNK_BYTES + 1)).rejects.toBeInstanceOf(RangeError);
    await expect(store.putChunk(blob, 0, bytes('x'), 1, 'not-a-digest')).rejects.toBeInstanceOf(RangeError);
    expect(await subject.everything()).toEqual([]);
  });

  it('round-trips a 64 MiB blob of sixteen full-size chunks, streamed both ways and checked by hash', async () => {
    const blob = newBlobId();
    const seed = `seed-${blob}`;
    const CHUNKS = 16;
    const expected: string[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const length = i === CHUNKS - 1 ? 4 * MiB : MAX_CHUNK_BYTES;
      const digest = (await sha256Of(generated(seed, i, length))).hex;
      expected.push(digest);
      await store.putChunk(blob, i, generated(seed, i, length), length, digest);
    }
    expect(await store.listChunks(blob)).toEqual([...Array(CHUNKS).keys()]);
    expect(await store.blobSize(blob)).toBe((CHUNKS - 1) * MAX_CHUNK_BYTES + 4 * MiB);
    for (let i = 0; i < CHUNKS; i++) {
      const got = await sha256Of(await store.getChunk(blob, i));
      expect(got.hex).toBe(expected[i]);
    }
    await store.deleteBlob(blob);
    expect(await store.blobSize(blob)).toBe(0);
  });
});

describe('a local-directory blob store', () => {
  it('keeps every file inside its directory, in a sharded layout, with no temp files left behind', async () => {
    const dir = tempDir('enclave-blobs-layout-');
    const store = new LocalDirBlobStore(dir);
    const blob = newBlobId();
    await store.putChunk(blob, 7, bytes('seven'), 5);
    await expect(store.putChunk(blob, 8, bytes('eight'), 4)).rejects.toBeInstanceOf(BlobIntegrityError);
    const files = walkFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}\/000007$/);
    expect(statSync(join(dir, files[0] ?? '')).size).toBe(5);
  });
});

describe('openBlobStore', () => {
  it('opens a directory store that reads what another instance on the same directory wrote', async () => {
    const dir = tempDir('enclave-blobs-factory-');
    const blob = newBlobId();
    const a = openBlobStore({ kind: 'dir', dir });
    await a.putChunk(blob, 0, bytes('shared'), 6);
    const b = openBlobStore({ kind: 'dir', dir });
    expect((await collect(await b.getChunk(blob, 0))).toString()).toBe('shared');
    await a.close();
    await b.close();
  });

  it('opens an S3 store on an endpoint, with its own client', async () => {
    if (!s3) throw new Error('s3rver did not start');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    try {
      const store = openBlobStore({ kind: 's3', bucket: BUCKET, prefix: 'factory', endpoint: s3.endpoint, region: 'us-east-1' });
      const blob = newBlobId();
      await store.putChunk(blob, 2, bytes('via factory'), 11);
      expect(await store.listChunks(blob)).toEqual([2]);
      const res = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `factory/blobs/${blob}/` }));
      expect((res.Contents ?? []).map((o) => o.Key)).toEqual([`factory/blobs/${blob}/000002`]);
      await store.close();
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
