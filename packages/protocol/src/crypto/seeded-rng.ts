/**
 * seeded-rng.ts — owns the deterministic RNG used ONLY by tests and the test
 * vectors: output block i = SHA-256(utf8(seed) || u32be(i)), concatenated.
 * Not exported from index.ts; never use it for real keys.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8Encode } from './bytes.js';
import type { Rng } from './primitives.js';

export function seededRng(seed: string): Rng {
  const s = utf8Encode(seed);
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let off = Math.min(n, pool.length);
    out.set(pool.subarray(0, off));
    pool = pool.slice(off);
    while (off < n) {
      const b = sha256(concatBytes(s, u32be(counter++)));
      const take = Math.min(b.length, n - off);
      out.set(b.subarray(0, take), off);
      off += take;
      pool = b.slice(take);
    }
    return out;
  };
}
