// The console's API layer: requests split into path, query, headers and body as restJson1 binds them,
// through the route table of @enclave/admin-api (its own test checks the table against the model), and
// the same requests the SigV4 client builds from the model.
import { buildRequest as clientRequest } from '@enclave/admin-api/client';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../packages/web/src/console/api/admin.js';
import { queryString } from '../../packages/web/src/console/api/http.js';

describe('console API requests', () => {
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

  it('sends what the model-driven SigV4 client sends: method, path, query and header members', () => {
    const cases: [Parameters<typeof buildRequest>[0], Record<string, unknown>][] = [
      ['BatchToggleUserSuspendStatus', { networkId: '12345678', suspend: false, userIds: ['1'], clientToken: 'tok' }],
      ['ListUsers', { networkId: '12345678', maxResults: 25, sortFields: 'username', sortDirection: 'ASC', nextToken: 'n' }],
      ['GetOidcInfo', { networkId: '12345678', clientId: 'c', url: 'https://idp.example' }],
      ['UntagResource', { resourceArn: 'arn:aws:wickr:us-east-1:123456789012:network/12345678', tagKeys: ['a'] }],
      ['RegisterOpentdfConfig', { networkId: '12345678', dryRun: true, clientId: 'c', clientSecret: 's', domain: 'd', provider: 'p' }],
    ];
    for (const [operation, input] of cases) {
      const fromConsole = buildRequest(operation, input);
      const client = clientRequest(operation, input);
      expect(fromConsole.method, operation).toBe(client.method);
      expect(fromConsole.path, operation).toBe(client.path);
      expect(fromConsole.query, operation).toEqual(client.query);
      expect(Object.fromEntries(Object.entries(fromConsole.headers).map(([k, v]) => [k.toLowerCase(), v])), operation).toEqual(
        Object.fromEntries(Object.entries(client.headers).filter(([k]) => k !== 'content-type')),
      );
      expect(fromConsole.body ?? {}, operation).toEqual(client.body === undefined ? {} : JSON.parse(client.body));
    }
  });
});
