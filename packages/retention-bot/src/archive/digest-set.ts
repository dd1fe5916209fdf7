// A set of strings kept as 128-bit digests (the first 16 bytes of SHA-256) in one open-addressing
// table of 32-bit words, outside the V8 heap. The ID journal holds up to two generations of message
// IDs (400,000 by default); as JS strings in a Set they cost ~80 bytes each on the heap and are marked
// by every full GC, here 16–32 bytes each off the heap and invisible to the GC. Two different keys
// sharing a digest (which would make the second look archived) needs ~2^64 keys: not a concern.
import { createHash } from 'node:crypto';

const WORDS = 4;
const MIN_SLOTS = 1 << 12;
/** Grow once more than this fraction of the slots is used (linear probing stays short below it). */
const MAX_LOAD = 0.8;

export class DigestSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 0) {
    let slots = MIN_SLOTS;
    while (slots * MAX_LOAD < expected) slots *= 2;
    this.table = new Uint32Array(slots * WORDS);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the table occupies (outside the V8 heap). */
  get bytes(): number {
    return this.table.byteLength;
  }

  has(key: string): boolean {
    return this.hasDigest(digest(key));
  }

  /** Like has(), for a digest from digest() (one hash for a key looked up in several sets). */
  hasDigest(d: Uint32Array): boolean {
    return this.find(this.table, this.mask, d) < 0;
  }

  /** Adds `key`; false when it was there already. */
  add(key: string): boolean {
    const d = digest(key);
    const at = this.find(this.table, this.mask, d);
    if (at < 0) return false;
    this.table.set(d, at);
    if (++this.count > (this.mask + 1) * MAX_LOAD) this.grow();
    return true;
  }

  /** The word offset of the free slot for `d`, or -1 when `d` is present. */
  private find(table: Uint32Array, mask: number, d: Uint32Array): number {
    for (let slot = d[0]! & mask; ; slot = (slot + 1) & mask) {
      const i = slot * WORDS;
      const w3 = table[i + 3]!;
      if (w3 === 0) return i; // Every stored digest has word 3 ≠ 0 (see digest()).
      if (w3 === d[3] && table[i] === d[0] && table[i + 1] === d[1] && table[i + 2] === d[2]) return -1;
    }
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const table = new Uint32Array(slots * WORDS);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += WORDS) {
      if (old[i + 3] === 0) continue;
      const d = old.subarray(i, i + WORDS);
      table.set(d, this.find(table, mask, d));
    }
    this.table = table;
    this.mask = mask;
  }
}

/** The 128-bit digest a DigestSet keeps for `key`. */
export function digest(key: string): Uint32Array {
  const h = createHash('sha256').update(key).digest();
  const d = new Uint32Array(WORDS);
  for (let w = 0; w < WORDS; w++) d[w] = h.readUInt32LE(w * 4);
  d[3]! |= 1; // Word 3 marks a used slot, so it must never be 0 (costs one bit of the 128).
  return d;
}
