// Chunks of encrypted files in a local directory (by default <dataDir>/blobs). Owns the layout
// <dir>/<h0h1>/<h2h3>/<h>/<index> where h is the SHA-256 (hex) of the blob ID: two levels of 256
// shards keep directories small, and hashing keeps blob IDs that differ only in case apart on
// case-insensitive file systems. A chunk is written to a temp file in its blob's directory, fsynced,
// renamed into place and the directory fsynced. It must never write or read outside `dir` (blob IDs
// are validated before they reach a path), never expose a partially written chunk, and never hold
// more than one stream piece of a chunk in memory.
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BlobNotFoundError, ChunkVerifier, checkBlobId, checkIndex, checkPut, padIndex, parseIndexName, type BlobStore } from './store.js';

const FILE_MODE = 0o640;
const DIR_MODE = 0o750;
const TEMP_SUFFIX = /\.tmp-[0-9a-f]{12}$/;

function isCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, fsConstants.O_RDONLY);
    await fh.sync();
  } catch {
    // Some file systems cannot fsync a directory; the chunk file itself is synced.
  } finally {
    await fh?.close();
  }
}

export class LocalDirBlobStore implements BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The directory holding a blob's chunks (the blob ID must already be valid). */
  blobDir(blobId: string): string {
    const h = createHash('sha256').update(blobId, 'utf8').digest('hex');
    return join(this.dir, h.slice(0, 2), h.slice(2, 4), h);
  }

  #chunkPath(blobId: string, index: number): string {
    return join(this.blobDir(blobId), padIndex(index));
  }

  async putChunk(blobId: string, index: number, body: AsyncIterable<Uint8Array> | Uint8Array, length: number, sha256Hex?: string): Promise<void> {
    checkPut(blobId, index, length, sha256Hex);
    const dir = this.blobDir(blobId);
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const final = join(dir, padIndex(index));
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    const verifier = new ChunkVerifier(blobId, index, length, sha256Hex);
    const fh = await open(tmp, 'wx', FILE_MODE);
    let renamed = false;
    try {
      for await (const piece of verifier.pieces(body)) {
        let off = 0;
        while (off < piece.byteLength) {
          const { bytesWritten } = await fh.write(piece, off, piece.byteLength - off);
          off += bytesWritten;
        }
      }
      await fh.sync();
      await fh.close();
      await rename(tmp, final);
      renamed = true;
      await fsyncDir(dir);
    } finally {
      if (!renamed) {
        await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
      }
    }
  }

  async getChunk(blobId: string, index: number): Promise<AsyncIterable<Uint8Array>> {
    checkBlobId(blobId);
    checkIndex(index);
    let fh;
    try {
      fh = await open(this.#chunkPath(blobId, index), 'r');
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) throw new BlobNotFoundError(blobId, index);
      throw err;
    }
    // The open handle pins this version of the chunk: an overwrite (a rename) or a delete after
    // this point does not change what the reader gets. It closes when the stream ends or is
    // destroyed, so a caller must consume or destroy what it gets.
    return createReadStream('', { fd: fh, highWaterMark: 256 * 1024 });
  }

  async listChunks(blobId: string): Promise<number[]> {
    checkBlobId(blobId);
    return (await this.#entries(blobId)).map((e) => e.index);
  }

  async #entries(blobId: string): Promise<{ index: number; path: string }[]> {
    const dir = this.blobDir(blobId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return [];
      throw err;
    }
    const out: { index: number; path: string }[] = [];
    for (const name of names) {
      if (TEMP_SUFFIX.test(name)) continue;
      const index = parseIndexName(name);
      if (index !== undefined) out.push({ index, path: join(dir, name) });
    }
    return out.sort((a, b) => a.index - b.index);
  }

  async deleteBlob(blobId: string): Promise<void> {
    checkBlobId(blobId);
    await rm(this.blobDir(blobId), { recursive: true, force: true });
  }

  async blobSize(blobId: string): Promise<number> {
    checkBlobId(blobId);
    let total = 0;
    for (const e of await this.#entries(blobId)) {
      try {
        total += (await stat(e.path)).size;
      } catch (err) {
        // Deleted between the listing and the stat: no longer stored.
        if (!isCode(err, 'ENOENT')) throw err;
      }
    }
    return total;
  }

  async close(): Promise<void> {
    // Nothing held open: every operation opens and closes its own files.
  }
}
