// --all-pages for List* operations: follows nextToken until the last page and concatenates the
// lists of the output (e.g. networks, users); the merged answer has no nextToken.
import { usageError } from './errors.js';

export interface PageRun {
  input: Record<string, unknown>;
  /** The output members that are lists. */
  listMembers: readonly string[];
  call(input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Stop after this many pages (a guard against a server that never ends). */
  maxPages?: number;
}

export async function collectPages(run: PageRun): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  const seen = new Set<string>();
  let input = run.input;
  for (let page = 0; ; page++) {
    if (page >= (run.maxPages ?? 100_000)) throw usageError(`--all-pages: stopped after ${page} pages`);
    const out = await run.call(input);
    for (const [k, v] of Object.entries(out)) {
      if (k === 'nextToken') continue;
      if (run.listMembers.includes(k) && Array.isArray(v)) merged[k] = [...((merged[k] as unknown[] | undefined) ?? []), ...v];
      else if (!(k in merged)) merged[k] = v;
    }
    const next = out.nextToken;
    if (typeof next !== 'string' || next === '') return merged;
    if (seen.has(next)) throw new Error(`--all-pages: the server returned the same nextToken twice (${next})`);
    seen.add(next);
    input = { ...input, nextToken: next };
  }
}
