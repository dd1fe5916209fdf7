// IAM wildcard patterns (`*` any run of characters, including none; `?` exactly one character), matched
// without regular expressions and without backtracking (issue 17: a RegExp with `.*` per `*` takes time
// exponential in the number of `*`s). The pattern is an automaton with one state per non-`*` character
// (state i: the first i of them matched; a `*` after the i-th lets state i absorb any character); the
// matcher keeps the set of live states as a bit set, a machine word per 32 states (Shift-And, as in
// agrep), and each character of the value costs one shift, mask and OR per word. A match takes at most
// n·⌈(k+1)/32⌉ word steps for a value of n characters and a pattern of k non-`*` characters, whatever
// the number of wildcards and wherever they stand. (The greedy two-pointer matcher is O(n·m) as well,
// but a long literal between two `*`s that almost matches everywhere makes it take n·m single steps:
// half a second for a 6,000-character pattern against 16 KiB.) Characters are UTF-16 code units, as
// for `.` in a RegExp without the `u` flag; case-insensitive matching folds exactly as such a RegExp's
// `i` flag does. Pure: no I/O.

/** Most `*` wildcards in one Action or Resource string of a policy document (see docs/iam.md). */
export const MAX_PATTERN_STARS = 16;

/** A compiled pattern (see the top of the file). */
export interface Glob {
  readonly caseInsensitive: boolean;
  /** k: the number of non-`*` characters; state k accepts. */
  readonly length: number;
  /** ⌈(k+1)/32⌉: words per state set. */
  readonly words: number;
  /** Bit i set: a `*` follows the i-th character (state i absorbs any character). */
  readonly loop: Int32Array;
  /**
   * Row r (words·r … words·r + words − 1), bit i set: the i-th character is r's character or `?`. Row 0,
   * for characters not in the pattern: the `?`s only.
   */
  readonly rows: Int32Array;
  /** The row of an ASCII code unit (0: not in the pattern); `other` for the rest. */
  readonly ascii: Int32Array;
  readonly other: ReadonlyMap<number, number>;
}

/** A piece of a pattern: wildcards in `text` are wildcards unless `literal` (a policy variable's value). */
export interface GlobPart {
  text: string;
  literal?: boolean;
}

/** Case folding of a RegExp with the `i` flag and without `u` (ECMA-262 Canonicalize). */
function fold(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const u = String.fromCharCode(c).toUpperCase();
  if (u.length !== 1) return c;
  const cu = u.charCodeAt(0);
  return cu < 128 ? c : cu;
}

const ANY = -1;

/** The state set of a match of more than one word (matching is synchronous: one buffer serves all). */
let scratch = new Int32Array(64);

export function compileGlob(pattern: string | readonly GlobPart[], caseInsensitive: boolean): Glob {
  const parts = typeof pattern === 'string' ? [{ text: pattern }] : pattern;
  const units: number[] = [];
  const loops: number[] = [];
  for (const { text, literal } of parts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!literal && c === 42 /* * */) loops.push(units.length);
      else if (!literal && c === 63 /* ? */) units.push(ANY);
      else units.push(caseInsensitive ? fold(c) : c);
    }
  }
  const k = units.length;
  const words = (k >>> 5) + 1;
  const loop = new Int32Array(words);
  for (const i of loops) loop[i >>> 5]! |= 1 << (i & 31);
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  let distinct = 0;
  const rowOf = (c: number): number => {
    let r = c < 128 ? ascii[c]! : (other.get(c) ?? 0);
    if (r === 0) {
      r = ++distinct;
      if (c < 128) ascii[c] = r;
      else other.set(c, r);
    }
    return r;
  };
  for (const u of units) if (u !== ANY) rowOf(u);
  const rows = new Int32Array((distinct + 1) * words);
  for (let i = 1; i <= k; i++) {
    const u = units[i - 1]!;
    if (u === ANY) rows[i >>> 5]! |= 1 << (i & 31);
    else rows[rowOf(u) * words + (i >>> 5)]! |= 1 << (i & 31);
  }
  // Every row takes the `?`s of row 0.
  for (let j = words; j < rows.length; j++) rows[j]! |= rows[j % words]!;
  return { caseInsensitive, length: k, words, loop, rows, ascii, other };
}

/**
 * Whether the value matches the whole pattern. `work`, if given, is increased by the word steps taken
 * (at most value length · ⌈(k+1)/32⌉; for tests and the benchmark).
 */
export function matchGlob(glob: Glob, value: string, work?: { steps: number }): boolean {
  const { length: k, words, loop, rows, ascii, other, caseInsensitive } = glob;
  const n = value.length;
  const rowOf = (i: number): number => {
    const c = caseInsensitive ? fold(value.charCodeAt(i)) : value.charCodeAt(i);
    return c < 128 ? ascii[c]! : (other.get(c) ?? 0);
  };
  if (words === 1) {
    // Up to 31 characters other than `*` (most patterns): the state set is one number.
    const lp = loop[0]!;
    let x = 1;
    let i = 0;
    while (i < n && x !== 0) x = ((x << 1) & rows[rowOf(i++)]!) | (x & lp);
    if (work) work.steps += i;
    return ((x >>> k) & 1) === 1;
  }
  if (scratch.length < words) scratch = new Int32Array(Math.max(words, 2 * scratch.length));
  const state = scratch;
  state.fill(0, 0, words);
  state[0] = 1;
  let alive = 1;
  let i = 0;
  while (i < n && alive !== 0) {
    const base = rowOf(i++) * words;
    alive = 0;
    let carry = 0; // the old top bit of the word below
    for (let w = 0; w < words; w++) {
      const x = state[w]!;
      const next = (((x << 1) | carry) & rows[base + w]!) | (x & loop[w]!);
      carry = x >>> 31;
      state[w] = next;
      alive |= next;
    }
  }
  if (work) work.steps += i * words;
  return ((state[k >>> 5]! >>> (k & 31)) & 1) === 1;
}

/** Compiled patterns are cached up to this many words of masks in all (large patterns take many). */
const CACHE_WORDS = 1 << 20;
const cache = new Map<string, Glob>();
let cachedWords = 0;

/** `*` matches any run of characters, `?` any one character. */
export function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  if (pattern === '*') return true;
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let glob = cache.get(key);
  if (!glob) {
    glob = compileGlob(pattern, caseInsensitive);
    const size = glob.rows.length + 2 * glob.words;
    if (cachedWords + size > CACHE_WORDS) {
      cache.clear();
      cachedWords = 0;
    }
    if (size <= CACHE_WORDS / 16) {
      cache.set(key, glob);
      cachedWords += size;
    }
  }
  return matchGlob(glob, value);
}

/** The number of `*` wildcards in a pattern (`?` costs nothing and is not counted). */
export function countStars(pattern: string): number {
  let k = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === 42) k++;
  return k;
}
