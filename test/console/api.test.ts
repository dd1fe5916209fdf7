// The console's API layer against the server's model: every operation bound at the modelled method
// and URI with the same query and header members, and requests split into path, query, headers and
// body as restJson1 binds them.
import { describe, expect, it } from 'vitest';
import { allOperations } from '../../packages/server/src/model/allOperations.js';
import { shapes } from '../../packages/server/src/model/model.generated.js';
import { bindings, buildRequest } from '../../packages/web/src/console/api/admin.js';
import { queryString } from '../../packages/web/src/console/api/http.js';

describe('console API bindings', () => {
  it('cover exactly the server’s operations, with the model’s method, URI, query and header members', () => {
    expect(Object.keys(bindings).sort()).toEqual(Object.keys(allOperations).sort());
    for (const [name, op] of Object.entries(allOperations)) {
      const b = bindings[name as keyof typeof bindings];
      expect(b.method, name).toBe(op.method);
      expect(b.uri, name).toBe(op.uri);
      const input = shapes[op.input];
      const members = input?.type === 'structure' ? input.members : {};
      const query = Object.fromEntries(Object.entries(members).filter(([, m]) => m.location === 'query').map(([k, m]) => [k, m.locationName ?? k]));
      const headers = Object.fromEntries(Object.entries(members).filter(([, m]) => m.location === 'header').map(([k, m]) => [k, m.locationName ?? k]));
      expect(b.query, name).toEqual(query);
      expect(b.headers, name).toEqual(headers);
    }
  });

  it('puts labels in the path (encoded), query members in the query, headers, and the rest in the body', () => {
    expect(buildRequest('BatchToggleUserSuspendStatus', { networkId: '12345678', suspend: true, userIds: ['1', '2'], clientToken: 'tok' })).toEqual({
      method: 'PATCH',
      path: '/networks/12345678/users/toggleSuspend',
      query: { suspend: 'true' },
      headers: { 'X-Client-Token': 'tok' },
      body: { userIds: ['1', '2'] },
    });
    const arn = 'arn:aws:wickr:us-east-1:123456789012:network/12345678';
    expect(buildRequest('UntagResource', { resourceArn: arn, tagKeys: ['a', 'b'] })).toEqual({
      method: 'DELETE',
      path: `/tags/${encodeURIComponent(arn)}`,
      query: { tagKeys: ['a', 'b'] },
      headers: {},
    });
    expect(queryString({ tagKeys: ['a', 'b c'] })).toBe('?tagKeys=a&tagKeys=b+c');
    expect(buildRequest('ListUsers', { networkId: '12345678', maxResults: 25, status: 2, username: undefined })).toEqual({
      method: 'GET',
      path: '/networks/12345678/users',
      query: { maxResults: '25', status: '2' },
      headers: {},
    });
    expect(buildRequest('UpdateNetwork', { networkId: '12345678', networkName: 'N', accessLevel: 'PREMIUM', enablePremiumFreeTrial: true }).body).toEqual({
      networkName: 'N',
      accessLevel: 'PREMIUM',
      enablePremiumFreeTrial: true,
    });
    expect(buildRequest('DeleteNetwork', { networkId: '12345678' })).toEqual({ method: 'DELETE', path: '/networks/12345678', query: {}, headers: {} });
    expect(() => buildRequest('GetNetwork', {})).toThrow(/missing path label networkId/);
  });
});
