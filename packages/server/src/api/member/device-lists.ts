// REST routes of signed device lists: GET /v1/device-lists?users=1,2 (the chains a member may read)
// and PUT /v1/device-list (publish this device's signed list). Verification is the clients'.
import type { FastifyInstance } from 'fastify';
import { PublishDeviceList } from '@enclave/protocol';
import { fail } from '../../kernel/member-errors.js';
import { publishDeviceList, readableLists } from '../../usecases/member/device-lists.js';
import { json, parse, type MemberRoutes } from './http.js';

export function registerDeviceListRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member, command } = r;

  scope.get<{ Querystring: { users?: string } }>('/v1/device-lists', async (req, reply) => {
    const m = await member(req);
    const raw = (req.query.users ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (raw.length === 0 || raw.length > 500 || raw.some((s) => !/^\d{1,15}$/.test(s))) {
      throw fail('bad_request', 'users must be 1 to 500 user IDs separated by commas.', [{ field: 'users', reason: 'user IDs separated by commas' }]);
    }
    return json(reply, 200, { lists: await readableLists(read, m, [...new Set(raw.map(Number))]) });
  });

  scope.put('/v1/device-list', async (req, reply) => {
    const m = await member(req);
    const body = parse(PublishDeviceList, req.body);
    return json(reply, 200, await command((tx, events) => publishDeviceList(tx, events, m, body.list, d.now())));
  });
}
