import { describe, expect, it } from 'vitest';
import { ChunkFailedError, chunk, chunkToken, maxBaseTokenLength, mergeBatchResults, runChunked } from './batch.js';
import { createProgress } from './progress.js';

describe('chunking', () => {
  it('splits items into chunks of 50 keeping order', () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    const parts = chunk(items);
    expect(parts.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(parts.flat()).toEqual(items);
    expect(chunk([])).toEqual([]);
    expect(chunk(Array.from({ length: 50 }, (_, i) => i))).toHaveLength(1);
    expect(chunk(Array.from({ length: 51 }, (_, i) => i)).map((p) => p.length)).toEqual([50, 1]);
    expect(() => chunk([1], 0)).toThrow();
  });

  it('derives a client token per chunk only when there are several', () => {
    expect(chunkToken('tok', 0, 1)).toBe('tok');
    expect(chunkToken('tok', 0, 3)).toBe('tok-1');
    expect(chunkToken('tok', 2, 3)).toBe('tok-3');
    expect(chunkToken(undefined, 1, 3)).toBeUndefined();
    expect(maxBaseTokenLength(1)).toBe(64);
    expect(maxBaseTokenLength(3)).toBe(62);
    expect(maxBaseTokenLength(12)).toBe(61);
  });

  it('merges successful and failed lists and keeps each message once', () => {
    const merged = mergeBatchResults([
      { message: 'done', successful: [{ userId: 'a' }], failed: [] },
      { message: 'done', successful: [{ userId: 'b' }], failed: [{ userId: 'c', reason: 'x' }] },
      { message: 'partly', successful: [] },
    ]);
    expect(merged).toEqual({ message: 'done partly', successful: [{ userId: 'a' }, { userId: 'b' }], failed: [{ userId: 'c', reason: 'x' }] });
    expect(mergeBatchResults([])).toEqual({});
  });

  it('sends chunks in order with derived tokens and reports progress', async () => {
    const sent: [number, string | undefined][] = [];
    const progress: [number, number][] = [];
    const out = await runChunked({
      items: Array.from({ length: 120 }, (_, i) => `u${i}`),
      clientToken: 'batch-7',
      send: async (items, token) => {
        sent.push([items.length, token]);
        return { successful: items.map((userId) => ({ userId })), failed: [] };
      },
      onProgress: (done, chunks) => progress.push([done, chunks]),
    });
    expect(sent).toEqual([
      [50, 'batch-7-1'],
      [50, 'batch-7-2'],
      [20, 'batch-7-3'],
    ]);
    expect(progress).toEqual([
      [50, 1],
      [100, 2],
      [120, 3],
    ]);
    expect((out.successful as unknown[]).length).toBe(120);
  });

  it('stops at the first failing chunk with the merged answers so far', async () => {
    const boom = new Error('boom');
    const err = await runChunked({
      items: Array.from({ length: 130 }, (_, i) => i),
      send: async (items, _token, index) => {
        if (index === 1) throw boom;
        return { successful: items.map((i) => ({ userId: String(i) })) };
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChunkFailedError);
    const f = err as ChunkFailedError;
    expect(f.cause).toBe(boom);
    expect([f.chunkIndex, f.chunkCount, f.itemsDone]).toEqual([1, 3, 50]);
    expect((f.partial.successful as unknown[]).length).toBe(50);
  });
});

describe('progress without a terminal', () => {
  it('prints a plain line at most once per interval and always the last one', () => {
    let t = 0;
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const p = createProgress({ label: 'batch-create-user', total: 200, chunks: 4, stream, tty: false, intervalMs: 1000, now: () => t });
    p.update(50, 1);
    t = 1500;
    p.update(100, 2);
    t = 1600;
    p.update(150, 3);
    p.update(200, 4);
    p.stop();
    expect(lines).toEqual([
      'batch-create-user: sending 200 items in 4 chunks\n',
      'batch-create-user: 100/200 items (chunk 2/4)\n',
      'batch-create-user: 200/200 items (chunk 4/4)\n',
    ]);
  });

  it('prints where it stopped when the work ends early', () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const p = createProgress({ label: 'x', total: 200, chunks: 4, stream, tty: false, now: () => 0 });
    p.update(50, 1);
    p.stop();
    expect(lines.at(-1)).toBe('x: 50/200 items (chunk 1/4)\n');
  });
});
