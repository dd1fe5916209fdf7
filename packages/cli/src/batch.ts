// Batch operations with more items than one request takes: the items are sent in chunks of 50, each
// chunk with its own client token <token>-<n> (n from 1) when --client-token is given, so a re-run
// with the same token repeats none of the chunks that already succeeded. The answers are merged.

export const CHUNK_SIZE = 50;

/** The list member that is chunked, per batch operation. */
export const chunkedListMember: Readonly<Record<string, string>> = {
  BatchCreateUser: 'users',
  BatchDeleteUser: 'userIds',
  BatchToggleUserSuspendStatus: 'userIds',
  BatchReinviteUser: 'userIds',
};

const MAX_TOKEN_LENGTH = 64;

export function chunk<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`invalid chunk size ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The client token of chunk `index` (0-based) of `count`: the token itself when there is one chunk. */
export function chunkToken(token: string | undefined, index: number, count: number): string | undefined {
  if (token === undefined || count <= 1) return token;
  return `${token}-${index + 1}`;
}

/** The longest --client-token that still leaves room for the chunk suffix. */
export function maxBaseTokenLength(count: number): number {
  return count <= 1 ? MAX_TOKEN_LENGTH : MAX_TOKEN_LENGTH - `-${count}`.length;
}

/** Merges the answers of the chunks: successful and failed lists are concatenated, messages kept once. */
export function mergeBatchResults(results: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const messages: string[] = [];
  for (const r of results) {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'message') {
        if (typeof v === 'string' && !messages.includes(v)) messages.push(v);
      } else if (Array.isArray(v)) {
        out[k] = [...((out[k] as unknown[] | undefined) ?? []), ...v];
      } else if (!(k in out)) {
        out[k] = v;
      }
    }
  }
  if (messages.length) out.message = messages.join(' ');
  return out;
}

export class ChunkFailedError extends Error {
  constructor(
    override readonly cause: unknown,
    /** 0-based index of the chunk that failed. */
    readonly chunkIndex: number,
    readonly chunkCount: number,
    /** Items sent successfully before the failure. */
    readonly itemsDone: number,
    readonly partial: Record<string, unknown>,
  ) {
    super(`chunk ${chunkIndex + 1} of ${chunkCount} failed after ${itemsDone} items were sent`);
  }
}

export interface ChunkedRun<T> {
  items: readonly T[];
  clientToken?: string | undefined;
  size?: number;
  /** Sends one chunk and returns its answer. */
  send(items: T[], clientToken: string | undefined, index: number): Promise<Record<string, unknown>>;
  /** After each chunk: items done so far, chunks done so far. */
  onProgress?(itemsDone: number, chunksDone: number): void;
}

/** Sends the chunks one after another; throws ChunkFailedError (with the merged answers so far) on the first failure. */
export async function runChunked<T>(run: ChunkedRun<T>): Promise<Record<string, unknown>> {
  const chunks = chunk(run.items, run.size ?? CHUNK_SIZE);
  const results: Record<string, unknown>[] = [];
  let done = 0;
  for (const [i, items] of chunks.entries()) {
    try {
      results.push(await run.send(items, chunkToken(run.clientToken, i, chunks.length), i));
    } catch (err) {
      throw new ChunkFailedError(err, i, chunks.length, done, mergeBatchResults(results));
    }
    done += items.length;
    run.onProgress?.(done, i + 1);
  }
  return mergeBatchResults(results);
}
