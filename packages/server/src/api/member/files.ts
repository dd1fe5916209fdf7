// REST routes of encrypted files: starting an upload, putting chunks (checked against their SHA-256),
// the upload's status, completing it, and downloading chunks. One chunk at most is held in memory.
import type { FastifyInstance } from 'fastify';
import { CreateFileRequest, FILE_CHUNK_CIPHERTEXT } from '@enclave/protocol';
import { autocommit } from '../../infra/db.js';
import { fail } from '../../kernel/member-errors.js';
import * as files from '../../usecases/member/files.js';
import { policyFor } from '../../usecases/member/policy.js';
import { json, parse, type MemberRoutes } from './http.js';

export function registerFileRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member } = r;

  scope.post('/v1/files', async (req, reply) => {
    const m = await member(req);
    const body = parse(CreateFileRequest, req.body);
    const policy = await policyFor(read, m.networkId, m.userId);
    return json(reply, 201, await files.createFile(autocommit(d.db), m, body, policy, d.now()));
  });
  scope.put<{ Params: { id: string; index: string } }>('/v1/files/:id/chunks/:index', { bodyLimit: FILE_CHUNK_CIPHERTEXT + 1024 }, async (req, reply) => {
    const m = await member(req);
    const body = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
    const policy = await policyFor(read, m.networkId, m.userId);
    const sha = req.headers['x-enclave-sha256'];
    await files.putChunk(read, d.blobs, m, req.params.id, Number(req.params.index), body, typeof sha === 'string' ? sha.toLowerCase() : undefined, policy);
    return reply.status(204).send();
  });
  scope.get<{ Params: { id: string } }>('/v1/files/:id', async (req, reply) => json(reply, 200, await files.fileStatus(read, d.blobs, await member(req), req.params.id)));
  scope.post<{ Params: { id: string } }>('/v1/files/:id/complete', async (req, reply) => json(reply, 200, await files.completeFile(autocommit(d.db), d.blobs, await member(req), req.params.id)));
  scope.get<{ Params: { id: string; index: string } }>('/v1/files/:id/chunks/:index', async (req, reply) => {
    const m = await member(req);
    const { length } = await files.requireDownload(read, m, req.params.id, Number(req.params.index));
    const stream = await d.blobs.getChunk(req.params.id, Number(req.params.index));
    // One chunk (at most 4 MiB + 16 bytes) is read whole and sent as one buffer: memory stays
    // bounded by the chunk size, and the response ends the moment it is written.
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(Buffer.from(part));
    const chunk = Buffer.concat(parts);
    if (chunk.length !== length) throw fail('integrity', `Chunk ${req.params.index} is ${chunk.length} bytes in the blob store, not ${length}.`);
    return reply.header('content-type', 'application/octet-stream').send(chunk);
  });
}
