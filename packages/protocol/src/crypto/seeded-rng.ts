/**
 * seeded-rng.ts — owns the deterministic RNG used ONLY by tests and the test
 * vectors (SHA-256 in counter mode over a seed string). Not exported from
 * index.ts; never use it for real keys.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8Encode } from './bytes.js';
import type { Rng } from './primitives.js';

export function seededRng(seed: string): Rng {
  const s = utf8Encode(seed);
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) pool = concatBytes(pool, sha256(concatBytes(s, u32be(counter++))));
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}
