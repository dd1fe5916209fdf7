// REST routes of the member directory: searching members (GET /v1/directory) and looking one up by
// email address (GET /v1/users/lookup), across networks where local federation allows it.
import type { FastifyInstance } from 'fastify';
import { lookupMember, searchDirectory } from '../../usecases/member/directory.js';
import { json, type MemberRoutes } from './http.js';

export function registerDirectoryRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member } = r;

  scope.get<{ Querystring: { q?: string; limit?: string } }>('/v1/directory', async (req, reply) => {
    const m = await member(req);
    const q = (req.query.q ?? '').trim().toLowerCase();
    const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
    return json(reply, 200, { members: await searchDirectory(read, d.region, m, q, limit) });
  });
  scope.get<{ Querystring: { email?: string } }>('/v1/users/lookup', async (req, reply) => {
    const m = await member(req);
    return json(reply, 200, await lookupMember(read, d.region, m, req.query.email ?? ''));
  });
}
