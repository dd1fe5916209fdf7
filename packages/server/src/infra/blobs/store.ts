// The blob store's contract, its errors and the checks every implementation shares: which blob IDs,
// chunk indexes, lengths and digests are acceptable, and the streaming verifier that counts and
// hashes a chunk's bytes on their way to storage. Chunks are opaque ciphertext: nothing here may
// ever try to interpret, decrypt or log their contents, and nothing may buffer more than one chunk.
import { createHash, type Hash } from 'node:crypto';

export interface BlobStore {
  /** Stores one chunk durably and atomically (a reader never sees a partial chunk); overwrites an existing chunk with the same key. Streams: never buffers more than one chunk. Verifies the byte count equals `length` and, when given, the SHA-256 (hex) of the bytes; on mismatch throws BlobIntegrityError and stores nothing. */
  putChunk(blobId: string, index: number, body: AsyncIterable<Uint8Array> | Uint8Array, length: number, sha256Hex?: string): Promise<void>;
  /** Streams one stored chunk; throws BlobNotFoundError when absent. */
  getChunk(blobId: string, index: number): Promise<AsyncIterable<Uint8Array>>;
  /** Indexes of the chunks stored for a blob (for resumable uploads), ascending. */
  listChunks(blobId: string): Promise<number[]>;
  /** Deletes every chunk of a blob; idempotent. */
  deleteBlob(blobId: string): Promise<void>;
  /** Total bytes stored for a blob. */
  blobSize(blobId: string): Promise<number>;
  close(): Promise<void>;
}

/** The largest chunk: 4 MiB of ciphertext plus a 16-byte authentication tag. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024 + 16;
/** Chunk indexes are 0 … MAX_CHUNK_INDEX (a 5 GB file has about 1280 chunks). */
export const MAX_CHUNK_INDEX = 999_999;
/** Width of a chunk index in file and object names (zero-padded, so names sort as numbers). */
export const CHUNK_INDEX_DIGITS = 6;

const BLOB_ID = /^[A-Za-z0-9_-]{8,128}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** A chunk's bytes do not match the length or SHA-256 the uploader declared; nothing was stored. */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
  constructor(
    message: string,
    readonly blobId: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** The chunk (or blob) is not stored. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(
    readonly blobId: string,
    readonly index: number,
  ) {
    super(`chunk ${index} of blob ${blobId} is not stored`);
  }
}

export function isValidBlobId(blobId: unknown): blobId is string {
  return typeof blobId === 'string' && BLOB_ID.test(blobId);
}

/** Throws a RangeError unless blobId is 8–128 characters of [A-Za-z0-9_-] (no path separators, no dots). */
export function checkBlobId(blobId: string): void {
  if (!isValidBlobId(blobId)) throw new RangeError('invalid blob ID: expected 8-128 characters of A-Z a-z 0-9 _ -');
}

export function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_CHUNK_INDEX) throw new RangeError(`invalid chunk index: expected an integer 0-${MAX_CHUNK_INDEX}`);
}

export function checkPut(blobId: string, index: number, length: number, sha256Hex: string | undefined): void {
  checkBlobId(blobId);
  checkIndex(index);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_CHUNK_BYTES) throw new RangeError(`invalid chunk length: expected an integer 0-${MAX_CHUNK_BYTES}`);
  if (sha256Hex !== undefined && !SHA256_HEX.test(sha256Hex)) throw new RangeError('invalid SHA-256: expected 64 hexadecimal digits');
}

export function padIndex(index: number): string {
  return String(index).padStart(CHUNK_INDEX_DIGITS, '0');
}

const INDEX_NAME = new RegExp(`^\\d{${CHUNK_INDEX_DIGITS}}$`);

/** The chunk index a stored name stands for, or undefined for anything else (temp files, strays). */
export function parseIndexName(name: string): number | undefined {
  return INDEX_NAME.test(name) ? Number(name) : undefined;
}

function asIterable(body: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) {
    return (async function* one() {
      if (body.byteLength) yield body;
    })();
  }
  return body;
}

/**
 * Counts and hashes a chunk's bytes as they stream past. `pieces` yields the body's pieces
 * unchanged and, once the body ends, throws BlobIntegrityError unless exactly `length` bytes with
 * the declared digest went by. A piece that would take the count past `length` is not yielded: it
 * fails at once, without draining the rest of the body. With `holdBack` > 0 the last `holdBack`
 * bytes are withheld until the checks have passed: a consumer that forwards the pieces to storage
 * cannot have sent the complete chunk before the verdict.
 */
export class ChunkVerifier {
  readonly #hash: Hash | undefined;
  #count = 0;

  constructor(
    readonly blobId: string,
    readonly index: number,
    readonly length: number,
    readonly sha256Hex: string | undefined,
  ) {
    this.#hash = sha256Hex === undefined ? undefined : createHash('sha256');
  }

  #fail(message: string): never {
    throw new BlobIntegrityError(`chunk ${this.index} of blob ${this.blobId}: ${message}`, this.blobId, this.index);
  }

  async *pieces(body: AsyncIterable<Uint8Array> | Uint8Array, holdBack = 0): AsyncGenerator<Uint8Array> {
    // Copied, since the producer may reuse its buffer once asked for the next piece.
    const held = new Uint8Array(Math.min(holdBack, this.length));
    let heldBytes = 0;
    for await (const piece of asIterable(body)) {
      if (!(piece instanceof Uint8Array)) throw new TypeError('a chunk body must yield Uint8Array pieces');
      if (!piece.byteLength) continue;
      this.#count += piece.byteLength;
      if (this.#count > this.length) this.#fail(`more than the declared ${this.length} bytes`);
      this.#hash?.update(piece);
      // The part of this piece inside the last `holdBack` bytes of the chunk is withheld.
      const inTail = Math.min(piece.byteLength, held.byteLength - (this.length - this.#count));
      if (inTail <= 0) {
        yield piece;
        continue;
      }
      if (piece.byteLength > inTail) yield piece.subarray(0, piece.byteLength - inTail);
      held.set(piece.subarray(piece.byteLength - inTail), heldBytes);
      heldBytes += inTail;
    }
    this.check();
    if (heldBytes) yield held.subarray(0, heldBytes);
  }

  /** Throws BlobIntegrityError unless exactly `length` bytes with the declared digest were read. */
  check(): void {
    if (this.#count !== this.length) this.#fail(`${this.#count} bytes, declared ${this.length}`);
    if (this.#hash && this.sha256Hex !== undefined) {
      const actual = this.#hash.copy().digest('hex');
      if (actual !== this.sha256Hex.toLowerCase()) this.#fail('SHA-256 does not match the declared digest');
    }
  }
}
