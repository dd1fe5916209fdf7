import { describe, expect, it } from 'vitest';
import {
  FILE_CHUNK_SIZE,
  ProtocolError,
  chunkCount,
  equalBytes,
  decryptFileChunk,
  encryptFileChunk,
  encryptedSize,
  generateFileKey,
} from './index.js';
import { seededRng } from './seeded-rng.js';

async function expectCode(p: Promise<unknown>, code: string | string[]): Promise<void> {
  const codes = Array.isArray(code) ? code : [code];
  await p.then(
    () => {
      throw new Error(`expected ProtocolError ${codes.join('|')}`);
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ProtocolError);
      expect(codes).toContain((e as ProtocolError).code);
    },
  );
}

function chunksOf(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length || out.length === 0; off += FILE_CHUNK_SIZE) out.push(data.subarray(off, off + FILE_CHUNK_SIZE));
  return out;
}

async function encryptFile(key: Uint8Array, data: Uint8Array): Promise<Uint8Array[]> {
  const chunks = chunksOf(data);
  return Promise.all(chunks.map((c, i) => encryptFileChunk(key, i, i === chunks.length - 1, c)));
}

async function decryptFile(key: Uint8Array, chunks: Uint8Array[]): Promise<Uint8Array> {
  const parts = await Promise.all(chunks.map((c, i) => decryptFileChunk(key, i, i === chunks.length - 1, c)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

describe('file chunks', () => {
  const size = 2 * FILE_CHUNK_SIZE + 12345;
  const data = seededRng('file-data')(size);
  const key = generateFileKey(seededRng('file-key'));
  const otherKey = generateFileKey(seededRng('file-key-2'));

  it('sizes', () => {
    expect(chunkCount(0)).toBe(1);
    expect(encryptedSize(0)).toBe(16);
    expect(chunkCount(FILE_CHUNK_SIZE)).toBe(1);
    expect(chunkCount(FILE_CHUNK_SIZE + 1)).toBe(2);
    expect(encryptedSize(size)).toBe(size + 3 * 16);
  });

  it('round-trips, including an empty file', async () => {
    const enc = await encryptFile(key, data);
    expect(enc.length).toBe(chunkCount(size));
    expect(enc.reduce((n, c) => n + c.length, 0)).toBe(encryptedSize(size));
    expect(equalBytes(await decryptFile(key, enc), data)).toBe(true); // toEqual on 8 MiB is very slow
    expect(await decryptFile(key, await encryptFile(key, new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('rejects reordering, swapping between files, truncation, extension and tampering', async () => {
    const enc = await encryptFile(key, data);
    const [c0, c1, c2] = enc as [Uint8Array, Uint8Array, Uint8Array];
    await expectCode(decryptFile(key, [c1, c0, c2]), 'decrypt_failed'); // reorder
    // swap a chunk from another file (same position) encrypted under another key
    const other = await encryptFile(otherKey, data);
    await expectCode(decryptFile(key, [c0, other[1]!, c2]), 'decrypt_failed');
    // truncation: drop the final chunk, so chunk 1 is presented as final
    await expectCode(decryptFile(key, [c0, c1]), 'decrypt_failed');
    // extension: the final chunk is presented as non-final
    await expectCode(decryptFileChunk(key, 2, false, c2), ['malformed', 'decrypt_failed']);
    // a short last chunk re-labelled at another index
    await expectCode(decryptFileChunk(key, 3, true, c2), 'decrypt_failed');
    // tamper with a byte in each chunk (first, middle, tag)
    for (const [i, c] of enc.entries()) {
      for (const pos of [0, c.length >> 1, c.length - 1]) {
        const bad = c.slice();
        bad[pos]! ^= 1;
        await expectCode(decryptFileChunk(key, i, i === enc.length - 1, bad), 'decrypt_failed');
      }
    }
    await expectCode(decryptFileChunk(key, 2, true, c2.slice(0, -1)), 'decrypt_failed');
  });

  it('rejects wrong-size non-final chunks', async () => {
    await expectCode(encryptFileChunk(key, 0, false, new Uint8Array(10)), 'invalid_argument');
    await expectCode(encryptFileChunk(key, 0, true, new Uint8Array(FILE_CHUNK_SIZE + 1)), 'invalid_argument');
  });
});
