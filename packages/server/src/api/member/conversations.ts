// REST routes of conversations: list, create (a DM that exists is answered as it is), read, update
// (names, members, moderators), leave, delete, and the devices a sender encrypts to. Each answer is
// the conversation as the member sees it (marked for federation and the classification boundary).
import type { FastifyInstance } from 'fastify';
import { CreateConversationRequest, UpdateConversationRequest, type Conversation } from '@enclave/protocol';
import * as convs from '../../usecases/member/conversations.js';
import { markConversation } from '../../usecases/member/federation.js';
import type { Member } from '../../usecases/member/member-auth.js';
import { withDeviceLists } from '../../usecases/member/device-lists.js';
import { json, parse, type MemberRoutes } from './http.js';

export function registerConversationRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member, command } = r;
  const mark = (m: Member, c: Conversation) => markConversation(read, d.region, m, c);

  scope.get('/v1/conversations', async (req, reply) => {
    const m = await member(req);
    const list = await convs.listConversations(read, m);
    const out: Conversation[] = [];
    for (const c of list) out.push(await mark(m, c));
    return json(reply, 200, { conversations: out });
  });
  scope.post('/v1/conversations', async (req, reply) => {
    const m = await member(req);
    const body = parse(CreateConversationRequest, req.body);
    const { conversation, created } = await command((tx, events) => convs.createConversation(tx, events, m, body, d.now()));
    return json(reply, created ? 201 : 200, await mark(m, conversation));
  });
  scope.get<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
    const m = await member(req);
    return json(reply, 200, await mark(m, await convs.getConversation(read, m, req.params.id)));
  });
  scope.patch<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
    const m = await member(req);
    const body = parse(UpdateConversationRequest, req.body);
    const conversation = await command((tx, events) => convs.updateConversation(tx, events, m, req.params.id, body, d.now()));
    return json(reply, 200, await mark(m, conversation));
  });
  scope.post<{ Params: { id: string } }>('/v1/conversations/:id/leave', async (req, reply) => {
    const m = await member(req);
    await command((tx, events) => convs.leaveConversation(tx, events, m, req.params.id, d.now()));
    return reply.status(204).send();
  });
  scope.delete<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
    const m = await member(req);
    await command((tx, events) => convs.deleteConversation(tx, events, m, req.params.id, d.now()));
    return reply.status(204).send();
  });
  scope.get<{ Params: { id: string } }>('/v1/conversations/:id/devices', async (req, reply) => json(reply, 200, await withDeviceLists(read, await convs.conversationDevices(read, await member(req), req.params.id))));
}
