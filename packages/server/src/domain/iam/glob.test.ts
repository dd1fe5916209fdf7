// The IAM wildcard matcher (issue 17): against a reference implementation over random patterns with
// many wildcards, the work it does, the pathological pattern, and IAM-shaped examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, countStars, globMatch, matchGlob, type GlobPart } from './glob.js';

/**
 * Reference: the textbook dynamic-programming table, O(n·m) by construction. Characters are compared by
 * a one-character RegExp (never a pattern) so that case-insensitive folding is the RegExp engine's own,
 * not glob.ts's. `wild[j]` false makes pattern[j] a literal (a policy variable's value).
 */
function reference(pattern: string, value: string, ci: boolean, wild: boolean[] = [...pattern].map(() => true)): boolean {
  const same = (p: string, v: string) => p === v || (ci && new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i').test(v));
  const m = pattern.length;
  const n = value.length;
  // dp[j][i]: pattern[0..j) matches value[0..i)
  const dp = Array.from({ length: m + 1 }, () => new Array<boolean>(n + 1).fill(false));
  dp[0]![0] = true;
  for (let j = 1; j <= m; j++) {
    const c = pattern[j - 1]!;
    const w = wild[j - 1]!;
    for (let i = 0; i <= n; i++) {
      if (w && c === '*') dp[j]![i] = dp[j - 1]![i]! || (i > 0 && dp[j]![i - 1]!);
      else dp[j]![i] = i > 0 && dp[j - 1]![i - 1]! && ((w && c === '?') || same(c, value[i - 1]!));
    }
  }
  return dp[m]![n]!;
}

/** Words of states for a pattern: ⌈(k+1)/32⌉ for k characters other than `*`. */
const wordsOf = (pattern: string) => ((pattern.length - countStars(pattern)) >>> 5) + 1;

const str = (alphabet: string[], maxLength: number, minLength = 0) =>
  fc.array(fc.constantFrom(...alphabet), { minLength, maxLength, size: 'max' }).map((a) => a.join(''));

/**
 * A value and a pattern made from it (characters kept, swapped for another of the alphabet, dropped,
 * doubled, or replaced by `?` or `*`, and `*`s inserted), so that matches and near misses — off by a
 * character here and there — are common, not just misses.
 */
const valueAndPattern = (alphabet: string[], maxLength: number, minLength = 0, edits = 0.5) =>
  fc.tuple(str(alphabet, maxLength, minLength), fc.array(fc.noBias(fc.tuple(fc.nat(999), fc.nat(5), fc.constantFrom(...alphabet))), { minLength: maxLength, maxLength })).map(([v, ops]) => {
    const p = [...v].map((c, i) => {
      const [edit, op, other] = ops[i]!;
      return edit >= edits * 1000 ? c : [other, '', c + c, '?', '*', `*${c}`][op]!;
    });
    return [p.join(''), v] as const;
  });

describe('glob: against the reference', () => {
  it('case-sensitive, small alphabets, up to 24 wildcards', () => {
    fc.assert(
      fc.property(str(['a', 'b', '*', '?'], 24), str(['a', 'b'], 24), (p, v) => {
        expect(globMatch(p, v, false)).toBe(reference(p, v, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('mostly wildcards: runs of * and ? against values of one letter', () => {
    fc.assert(
      fc.property(str(['*', '*', '?', 'a'], 40), str(['a'], 40), (p, v) => {
        expect(globMatch(p, v, false)).toBe(reference(p, v, false));
      }),
      { numRuns: 2000 },
    );
  });

  it('patterns made from the value: matches and near misses', () => {
    fc.assert(
      fc.property(valueAndPattern(['a', 'b', 'c'], 30), ([p, v]) => {
        expect(globMatch(p, v, false)).toBe(reference(p, v, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('case-insensitive folds exactly as a RegExp with the i flag (ß, ſ, the Kelvin sign, İ, a lone surrogate)', () => {
    const alphabet = ['a', 'A', 'k', 'K', '\u212a', 's', 'S', '\u017f', 'ß', 'İ', 'i', 'é', 'É', '\n', '\ud800', '-', ':'];
    const check = (p: string, v: string) => {
      expect(globMatch(p, v, true)).toBe(reference(p, v, true));
      expect(globMatch(p, v, false)).toBe(reference(p, v, false));
    };
    fc.assert(
      fc.property(str([...alphabet, '*', '?'], 12), str(alphabet, 12), check),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(valueAndPattern(alphabet, 12), ([p, v]) => check(p, v)),
      { numRuns: 3000 },
    );
  });

  it('literal parts (policy variable values) take * and ? as characters', () => {
    const part = fc.record({ text: str(['a', 'b', '*', '?'], 6), literal: fc.boolean() });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), str(['a', 'b', '*', '?'], 16), (parts: GlobPart[], v) => {
        const pattern = parts.map((x) => x.text).join('');
        const wild = parts.flatMap((x) => [...x.text].map(() => !x.literal));
        expect(matchGlob(compileGlob(parts, false), v)).toBe(reference(pattern, v, false, wild));
      }),
      { numRuns: 2000 },
    );
  });

  it('long patterns, several words of states (the carry between words)', () => {
    fc.assert(
      fc.property(valueAndPattern(['a', 'b'], 150, 30, 0.03), ([p, v]) => {
        expect(globMatch(p, v, false)).toBe(reference(p, v, false));
        expect(globMatch(`${p}b`, `${v}b`, false)).toBe(reference(p, v, false));
      }),
      { numRuns: 1000 },
    );
  });

  it('takes at most one step per character of the value and word of states, whatever the wildcards', () => {
    fc.assert(
      fc.property(str(['a', 'b', '*', '?'], 200), str(['a', 'b'], 200), (p, v) => {
        const work = { steps: 0 };
        matchGlob(compileGlob(p, false), v, work);
        expect(work.steps).toBeLessThanOrEqual(v.length * wordsOf(p));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("glob: the issue's pathological pattern", () => {
  // A backtracking RegExp takes time exponential in the number of `*`s here (828 ms for one
  // authorization at 127 characters with 7 of them; each extra `*?` multiplies it).
  const value = `arn:aws:wickr:us-east-1:123456789012:network/${'a'.repeat(81)}`;

  it('matches correctly and with one step per character and word of states, however many *? pairs', () => {
    expect(value.length).toBe(126);
    for (const pairs of [7, 16, 50, 500]) {
      const pattern = `arn:${'*?'.repeat(pairs)}Z`;
      const work = { steps: 0 };
      expect(matchGlob(compileGlob(pattern, false), value, work)).toBe(false);
      expect(matchGlob(compileGlob(pattern, false), `${value}Z`)).toBe(pairs <= 122);
      expect(work.steps).toBeLessThanOrEqual(value.length * wordsOf(pattern));
    }
  });

  it('and the cases a backtracking or greedy matcher is slow on take no more steps than any other', () => {
    const a = (n: number) => 'a'.repeat(n);
    for (const [pattern, value] of [
      [`${'a*'.repeat(30)}b`, a(200)],
      [`*${a(1000)}b*`, a(4000)],
      [`*${'a?'.repeat(500)}b*`, a(4000)],
    ] as const) {
      const work = { steps: 0 };
      expect(matchGlob(compileGlob(pattern, false), value, work)).toBe(false);
      expect(work.steps).toBeLessThanOrEqual(value.length * wordsOf(pattern));
    }
  });
});

describe('glob: IAM examples', () => {
  it('actions, case-insensitively', () => {
    expect(globMatch('wickr:List*', 'wickr:ListNetworks', true)).toBe(true);
    expect(globMatch('wickr:List*', 'wickr:listnetworks', true)).toBe(true);
    expect(globMatch('wickr:List*', 'wickr:GetNetwork', true)).toBe(false);
    expect(globMatch('wickr:*User*', 'wickr:BatchCreateUser', true)).toBe(true);
    expect(globMatch('wickr:*User*', 'wickr:ListUsers', true)).toBe(true);
    expect(globMatch('wickr:*User*', 'wickr:USERS', true)).toBe(true);
    expect(globMatch('wickr:*User*', 'wickr:ListNetworks', true)).toBe(false);
    expect(globMatch('WICKR:*user*', 'wickr:ListUsers', true)).toBe(true);
    expect(globMatch('wickr:Get?etwork', 'wickr:GetNetwork', true)).toBe(true);
    expect(globMatch('*', 'iam:CreateUser', true)).toBe(true);
    expect(globMatch('iam:*', 'wickr:ListNetworks', true)).toBe(false);
  });

  it('resources, case-sensitively', () => {
    const p = 'arn:aws:wickr:*:*:network/1234*';
    expect(globMatch(p, 'arn:aws:wickr:us-east-1:123456789012:network/12345678', false)).toBe(true);
    expect(globMatch(p, 'arn:aws:wickr:us-east-1:123456789012:network/1234', false)).toBe(true);
    expect(globMatch(p, 'arn:aws:wickr:us-east-1:123456789012:network/91234567', false)).toBe(false);
    expect(globMatch(p, 'ARN:aws:wickr:us-east-1:123456789012:network/12345678', false)).toBe(false);
    expect(globMatch('arn:aws:iam::*:user/Alice', 'arn:aws:iam::1:user/alice', false)).toBe(false);
    expect(globMatch('arn:aws:iam::*:user/ops/*', 'arn:aws:iam::1:user/ops/alice', false)).toBe(true);
    // RegExp metacharacters are plain characters.
    expect(globMatch('arn:aws:wickr:*:*:network/(1)', 'arn:aws:wickr:us-east-1:1:network/(1)', false)).toBe(true);
    expect(globMatch('a.b', 'aXb', false)).toBe(false);
    expect(globMatch('a$^b', 'a$^b', false)).toBe(true);
  });

  it('policy variable values are literal', () => {
    const glob = compileGlob([{ text: 'arn:aws:iam::*:user/' }, { text: 'a*?', literal: true }], false);
    expect(matchGlob(glob, 'arn:aws:iam::1:user/a*?')).toBe(true);
    expect(matchGlob(glob, 'arn:aws:iam::1:user/abc')).toBe(false);
    expect(matchGlob(glob, 'arn:aws:iam::1:user/a*x')).toBe(false);
  });

  it('counts * wildcards, not ?', () => {
    expect(countStars('arn:aws:wickr:*:*:network/????????')).toBe(2);
    expect(countStars(`arn:${'*?'.repeat(17)}Z`)).toBe(17);
  });
});
