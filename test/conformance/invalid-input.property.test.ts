// Property-based: inputs that break the model's constraints (types, patterns, lengths, ranges,
// enums, required members) and the guide's limits are always answered with a 4xx and never change
// anything in storage.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest } from '../../packages/server/src/index.js';
import { createNetwork, dialectName, snapshot, startTestServer, type TestServer } from '../helpers/harness.js';
import { members, minimal, modelAvailable, modelOps, shape, type MemberInfo } from './model.js';

/** Arbitrary values that violate the member's model constraints. */
function invalidFor(m: MemberInfo): fc.Arbitrary<unknown> {
  const s = shape(m.target)!;
  const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([1]));
  switch (s.type) {
    case 'string': {
      const pattern = s.traits?.['smithy.api#pattern'] as string | undefined;
      const length = s.traits?.['smithy.api#length'] as { min?: number; max?: number } | undefined;
      const alts: fc.Arbitrary<unknown>[] = [];
      if (m.location === 'body') alts.push(notString);
      if (pattern && pattern !== '^[\\S\\s]*$') {
        const re = new RegExp(pattern, 'u');
        alts.push(fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !re.test(x) && x.trim() === x && !x.includes('/') && !x.includes('?') && !x.includes('#')));
      }
      if (length?.max !== undefined) alts.push(fc.string({ minLength: length.max + 1, maxLength: length.max + 10 }).map((x) => x.replace(/[/?#%]/g, 'a')));
      return alts.length ? fc.oneof(...alts) : fc.constant(undefined);
    }
    case 'enum':
      return fc.oneof(fc.string({ minLength: 1, maxLength: 8 }).filter((x) => !/^(STANDARD|PREMIUM|ASC|DESC|ENABLE|DISABLE|PUBKEY_MSG_ACK|ENABLED|DISABLED|FORCE_ENABLED)$/.test(x) && /^[A-Za-z0-9]+$/.test(x)), fc.integer());
    case 'intEnum':
      return fc.integer({ min: 3, max: 1000 });
    case 'integer':
    case 'long':
      return m.location === 'body' ? fc.oneof(fc.double({ min: 0.1, max: 1e6, noInteger: true }), fc.string(), fc.boolean()) : fc.string({ minLength: 1 }).filter((x) => !/^-?\d+$/.test(x) && /^[a-z]+$/.test(x));
    case 'boolean':
      return m.location === 'body' ? fc.oneof(fc.integer(), fc.string()) : fc.constantFrom('yes', 'no', '1', '0', 'TRUE');
    case 'list':
      return m.location === 'body' ? fc.oneof(fc.string(), fc.integer(), fc.constant({ a: 1 }), fc.constant([null])) : fc.constant(undefined);
    case 'structure':
      return fc.oneof(fc.string(), fc.integer(), fc.constant([1, 2]));
    default:
      return fc.constant(undefined);
  }
}

describe.skipIf(!modelAvailable)(`property: invalid input is always 4xx and changes nothing (${dialectName})`, () => {
  let t: TestServer;
  let networkId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId, defaultGroupId: groupId } = await createNetwork(t.client, 'Property'));
  });
  afterAll(async () => {
    await t.close();
  });

  const cases = modelOps.flatMap((op) =>
    members(op.input)
      .filter((m) => m.location !== 'header')
      .map((m) => ({ op, m })),
  );

  it('for every operation and member, a constraint-breaking value gets a 4xx and no state change', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases).chain(({ op, m }) => fc.tuple(fc.constant(op), fc.constant(m), invalidFor(m))),
        async ([op, m, bad]) => {
          if (bad === undefined) return;
          const input = minimal(op.input) as Record<string, unknown>;
          if ('networkId' in input) input.networkId = networkId;
          if ('groupId' in input) input.groupId = groupId;
          input[m.name] = bad;
          let built;
          try {
            built = buildRequest(op.name, input);
          } catch {
            return; // an empty label cannot even be put on the wire
          }
          if (m.location !== 'body' && typeof bad === 'object') return;
          const res = await t.client.sendRaw(built).then(
            (r) => ({ status: r.status }),
            (e: { status?: number }) => ({ status: e.status ?? 0 }),
          );
          expect(res.status, `${op.name}.${m.name}=${JSON.stringify(bad)}`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${op.name}.${m.name}=${JSON.stringify(bad)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
    expect(await snapshot(t)).toBe(before);
  });

  it('network names outside 1–20 characters are always refused', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 21, maxLength: 80 }), fc.constantFrom('', ' ', '  padded  ')), async (name) => {
        const r = await t.client.call('CreateNetwork', { networkName: name, accessLevel: 'STANDARD' }).then(
          () => 200,
          (e: { status: number }) => e.status,
        );
        expect(r).toBe(422);
      }),
      { numRuns: 100 },
    );
    expect(await snapshot(t)).toBe(before);
  });

  it('batch operations with more than 50 items are always refused whole', async () => {
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 51, max: 120 }), fc.constantFrom('BatchCreateUser', 'BatchDeleteUser', 'BatchReinviteUser', 'BatchToggleUserSuspendStatus', 'BatchLookupUserUname', 'BatchResetDevicesForUser'), async (n, op) => {
        const input: Record<string, unknown> = { networkId };
        if (op === 'BatchCreateUser') input.users = Array.from({ length: n }, (_, i) => ({ username: `p${i}@example.com`, securityGroupIds: [groupId] }));
        else if (op === 'BatchLookupUserUname') input.unames = Array.from({ length: n }, (_, i) => `u${i}`);
        else if (op === 'BatchResetDevicesForUser') Object.assign(input, { userId: '1', appIds: Array.from({ length: n }, (_, i) => `a${i}`) });
        else input.userIds = Array.from({ length: n }, (_, i) => String(i + 1));
        if (op === 'BatchToggleUserSuspendStatus') input.suspend = true;
        const r = await t.client.call(op, input).then(
          () => 200,
          (e: { status: number }) => e.status,
        );
        expect(r).toBe(422);
      }),
      { numRuns: 30 },
    );
    expect(await snapshot(t)).toBe(before);
  });
});
