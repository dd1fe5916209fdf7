import { allOperations } from '@enclave/admin-api';
import { describe, expect, it } from 'vitest';
import { collectInput, operationSpec, operationSpecs } from './admin.js';
import { collectPages } from './paginate.js';

const spec = (name: string) => operationSpec(name, allOperations[name]!);

describe('operation specs', () => {
  it('gives every member of every operation a flag that clashes with nothing', () => {
    const specs = operationSpecs();
    expect(specs).toHaveLength(47);
    for (const s of specs) {
      const flags = s.flags.map((f) => f.flag);
      expect(new Set(flags).size, s.name).toBe(flags.length);
      for (const m of Object.keys(s.members)) if (m !== s.tokenMember) expect(flags, s.name).toContain(`--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });

  it('knows which operations are mutating, paginated and chunked', () => {
    expect(spec('ListNetworks')).toMatchObject({ mutating: false, paginated: true, listOutputs: ['networks'], chunkedMember: undefined });
    expect(spec('ListUsers')).toMatchObject({ paginated: true, listOutputs: ['users'] });
    expect(spec('BatchCreateUser')).toMatchObject({ mutating: true, tokenMember: 'clientToken', chunkedMember: 'users' });
    expect(spec('BatchToggleUserSuspendStatus').chunkedMember).toBe('userIds');
    expect(spec('CreateNetwork')).toMatchObject({ mutating: true, tokenMember: undefined, paginated: false });
    expect(spec('GetNetwork').paginated).toBe(false);
  });
});

describe('collectInput', () => {
  const values = (v: Record<string, unknown>) => (attr: string) => v[attr];

  it('lets flags override --cli-input-json and coerces them to the model types', () => {
    const input = collectInput(
      spec('ListUsers'),
      { cliInputJson: '{"networkId":"11111111","maxResults":5,"sortDirection":"ASC"}' },
      values({ networkId: '22222222', maxResults: '10', status: '2' }),
    );
    expect(input).toEqual({ networkId: '22222222', maxResults: 10, sortDirection: 'ASC', status: 2 });
  });

  it('reads booleans, lists and structures from flags', () => {
    expect(collectInput(spec('BatchToggleUserSuspendStatus'), {}, values({ networkId: '1', suspend: 'false', userIds: ['a,b', 'c'] }))).toEqual({
      networkId: '1',
      suspend: false,
      userIds: ['a', 'b', 'c'],
    });
    expect(collectInput(spec('BatchToggleUserSuspendStatus'), {}, values({ networkId: '1', suspend: true, userIds: ['a'] })).suspend).toBe(true);
    expect(
      collectInput(spec('CreateSecurityGroup'), { clientToken: 'tok' }, values({ networkId: '1', name: 'g', securityGroupSettings: '{"lockoutThreshold":3}' })),
    ).toEqual({ networkId: '1', name: 'g', securityGroupSettings: { lockoutThreshold: 3 }, clientToken: 'tok' });
  });

  it('reports unknown and missing members as usage errors', () => {
    expect(() => collectInput(spec('GetNetwork'), { cliInputJson: '{"networkId":"1","bogus":1}' }, values({}))).toThrow(/Unknown parameter in input: bogus/);
    expect(() => collectInput(spec('BatchToggleUserSuspendStatus'), {}, values({ networkId: '1' }))).toThrow(/Missing required parameters in input: suspend, userIds/);
    expect(() => collectInput(spec('GetNetwork'), { cliInputJson: '[1]' }, values({}))).toThrow(expect.objectContaining({ exitCode: 252 }));
  });
});

describe('collectPages', () => {
  it('follows nextToken and concatenates the lists', async () => {
    const pages: Record<string, Record<string, unknown>> = {
      '': { networks: [1, 2], nextToken: 'b' },
      b: { networks: [3], nextToken: 'c' },
      c: { networks: [4] },
    };
    const calls: unknown[] = [];
    const out = await collectPages({
      input: { maxResults: 2 },
      listMembers: ['networks'],
      call: async (i) => {
        calls.push(i);
        return pages[(i.nextToken as string | undefined) ?? '']!;
      },
    });
    expect(out).toEqual({ networks: [1, 2, 3, 4] });
    expect(calls).toEqual([{ maxResults: 2 }, { maxResults: 2, nextToken: 'b' }, { maxResults: 2, nextToken: 'c' }]);
  });

  it('refuses to loop on a repeated token', async () => {
    await expect(collectPages({ input: {}, listMembers: ['users'], call: async () => ({ users: [], nextToken: 'same' }) })).rejects.toThrow(/same nextToken/);
  });
});
