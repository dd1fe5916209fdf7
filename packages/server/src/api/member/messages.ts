// REST routes of a conversation's messages: reading a range from a position, sending, read
// receipts, and deleting for everyone. Writes go through the group-commit queue (realtime/
// write-queue.ts) as the socket's do, and the hub is told of each committed record.
import type { FastifyInstance } from 'fastify';
import { ReceiptBody, SendMessage } from '@enclave/protocol';
import { isRetentionBot } from '../../domain/retention/rules.js';
import { requireReader } from '../../usecases/member/conversations.js';
import * as messages from '../../usecases/member/messages.js';
import { policyFor } from '../../usecases/member/policy.js';
import { json, parse, parseObject, type MemberRoutes } from './http.js';

export function registerMessageRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member } = r;

  scope.get<{ Params: { id: string }; Querystring: { after?: string; limit?: string } }>('/v1/conversations/:id/messages', async (req, reply) => {
    const m = await member(req);
    await requireReader(read, m, req.params.id);
    const after = Math.max(Number(req.query.after ?? 0) || 0, 0);
    const limit = Math.min(Math.max(Number(req.query.limit ?? 200) || 200, 1), 1000);
    const { messages: list, upTo } = await messages.readRange(d.db, m.deviceId, req.params.id, after, limit, d.now(), isRetentionBot(m));
    return json(reply, 200, { messages: list, upTo });
  });
  scope.post<{ Params: { id: string } }>('/v1/conversations/:id/messages', async (req, reply) => {
    const m = await member(req);
    const msg = parse(SendMessage, { ...parseObject(req.body), conv: req.params.id });
    const policy = await policyFor(read, m.networkId, m.userId);
    const result = await d.writes.submit((tx) => messages.sendMessage(tx, m, msg, policy, d.now()));
    if (!result.duplicate) await d.committed(msg.conv, result);
    return json(reply, result.duplicate ? 200 : 201, result);
  });
  scope.post<{ Params: { id: string } }>('/v1/conversations/:id/receipts', async (req, reply) => {
    const m = await member(req);
    const body = parse(ReceiptBody.pick({ messageIds: true }), req.body);
    const policy = await policyFor(read, m.networkId, m.userId);
    const rcpt = await d.writes.submit((tx) => messages.sendReceipt(tx, m, req.params.id, body.messageIds, policy, d.now()));
    await d.committed(req.params.id, rcpt);
    return reply.status(204).send();
  });
  scope.delete<{ Params: { id: string; messageId: string } }>('/v1/conversations/:id/messages/:messageId', async (req, reply) => {
    const m = await member(req);
    const tombstone = await d.writes.submit((tx) => messages.deleteForEveryone(tx, m, req.params.id, req.params.messageId, d.now()));
    await d.committed(req.params.id, tombstone);
    return reply.status(204).send();
  });
}
