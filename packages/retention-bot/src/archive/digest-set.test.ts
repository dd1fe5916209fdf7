import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestSet } from './digest-set.js';

describe('DigestSet', () => {
  it('behaves like a Set of strings through growth (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 12 })), { maxLength: 3000 }), (ops) => {
        const model = new Set<string>();
        const set = new DigestSet();
        for (const [add, key] of ops) {
          if (add) expect(set.add(key)).toBe(!model.has(key));
          else expect(set.has(key)).toBe(model.has(key));
          if (add) model.add(key);
        }
        expect(set.size).toBe(model.size);
        for (const key of model) expect(set.has(key)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('holds 400,000 message IDs in a table outside the heap, none lost across growth', () => {
    const set = new DigestSet();
    const ids = Array.from({ length: 400_000 }, (_, i) => `m_${i.toString(36)}_${(i * 2654435761) >>> 0}`);
    for (const id of ids) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(400_000);
    for (let i = 0; i < ids.length; i += 7) expect(set.has(ids[i]!)).toBe(true);
    for (let i = 0; i < 20_000; i++) expect(set.has(`absent_${i}`)).toBe(false);
    expect(set.add(ids[123_456]!)).toBe(false);
    // 16 bytes a slot, at most 80% full after growth: 2^19 slots (8 MiB) for 400,000 IDs.
    expect(set.bytes).toBe(2 ** 19 * 16);
    expect(new DigestSet(400_000).bytes).toBe(2 ** 19 * 16);
  });
});
