// The route table the web console calls the API with (routes.generated.ts + the tagging routes) against
// the model the server binds requests with: the same operations, methods, URIs, query and header members.
import { describe, expect, it } from 'vitest';
import { allOperations, shapes } from './model.js';
import { routes } from './routes.js';

describe('the route table', () => {
  it('has every operation the admin API serves, with the model’s method, URI, query and header members', () => {
    expect(Object.keys(routes).sort()).toEqual(Object.keys(allOperations).sort());
    for (const [name, op] of Object.entries(allOperations)) {
      const route = routes[name as keyof typeof routes];
      expect(route.method, name).toBe(op.method);
      expect(route.uri, name).toBe(op.uri);
      const input = shapes[op.input];
      const members = input?.type === 'structure' ? input.members : {};
      const bound = (location: string) => Object.fromEntries(Object.entries(members).filter(([, m]) => m.location === location).map(([k, m]) => [k, m.locationName ?? k]));
      expect(route.query, name).toEqual(bound('query'));
      expect(route.headers, name).toEqual(bound('header'));
    }
  });

  it('binds the idempotency token as X-Client-Token and the tagging keys in the query', () => {
    expect(routes.BatchCreateUser).toEqual({ method: 'POST', uri: '/networks/{networkId}/users', query: {}, headers: { clientToken: 'X-Client-Token' } });
    expect(routes.UntagResource).toEqual({ method: 'DELETE', uri: '/tags/{resourceArn}', query: { tagKeys: 'tagKeys' }, headers: {} });
  });
});
