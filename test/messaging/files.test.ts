// Encrypted file chunks over the client API: chunked, resumable uploads with per-chunk digests,
// downloads only for members of a conversation that references the file, the security group's
// filesEnabled switch enforced by the server, and blobs deleted with the last referencing message.
// Runs against the local blob directory and against S3 (s3rver).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_CHUNK_CIPHERTEXT, type Conversation, type FileStatus } from '../../packages/protocol/src/index.js';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { api, RawSocket, registerMember, type TestMember } from '../helpers/members.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function putChunk(t: TestServer, token: string, fileId: string, index: number, data: Uint8Array, digest = sha(data)) {
  const res = await fetch(`${t.url}/v1/files/${fileId}/chunks/${index}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-enclave-sha256': digest }, body: new Uint8Array(data) });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>) };
}
async function getChunk(t: TestServer, token: string, fileId: string, index: number) {
  const res = await fetch(`${t.url}/v1/files/${fileId}/chunks/${index}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}

for (const backend of ['dir', 's3'] as const) {
  describe(`encrypted files on ${backend} (${dialectName})`, () => {
    let t: TestServer;
    let s3: S3rverHandle | undefined;
    let net: string;
    let group: string;
    let alice: TestMember;
    let bob: TestMember;
    let carol: TestMember;
    let room: Conversation;

    beforeAll(async () => {
      let env: Record<string, string> = {};
      if (backend === 's3') {
        s3 = await startS3rver('enclave-blobs');
        env = { ENCLAVE_BLOB_S3_BUCKET: 'enclave-blobs', ENCLAVE_BLOB_S3_ENDPOINT: s3.endpoint, ENCLAVE_BLOB_S3_PREFIX: 'test/' };
        // The AWS SDK's default credential chain reads the process environment.
        process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
        process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      }
      t = await startTestServer({ env });
      ({ networkId: net, defaultGroupId: group } = await createNetwork(t.client, 'Files'));
      alice = await registerMember(t, net, 'alice@example.com');
      bob = await registerMember(t, net, 'bob@example.com');
      carol = await registerMember(t, net, 'carol@example.com');
      room = (await api<Conversation>(t, 'POST', '/v1/conversations', alice.token, { kind: 'room', name: 'Files', members: [bob.userId] })).body;
    });
    afterAll(async () => {
      await t.close();
      await s3?.stop();
    });

    async function upload(size: number, token = alice.token): Promise<{ fileId: string; chunks: Uint8Array[] }> {
      const created = await api<FileStatus>(t, 'POST', '/v1/files', token, { size, conv: room.id });
      expect(created.status).toBe(201);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i * FILE_CHUNK_CIPHERTEXT < size; i++) chunks.push(randomBytes(Math.min(FILE_CHUNK_CIPHERTEXT, size - i * FILE_CHUNK_CIPHERTEXT)));
      for (const [i, c] of chunks.entries()) expect((await putChunk(t, token, created.body.fileId, i, c)).status).toBe(204);
      expect((await api<FileStatus>(t, 'POST', `/v1/files/${created.body.fileId}/complete`, token)).body.complete).toBe(true);
      return { fileId: created.body.fileId, chunks };
    }

    it('uploads in chunks, resumes from what arrived, and serves the chunks to members once a message references the file', async () => {
      const size = FILE_CHUNK_CIPHERTEXT * 2 + 1000;
      const created = await api<FileStatus>(t, 'POST', '/v1/files', alice.token, { size, conv: room.id });
      expect(created.body).toMatchObject({ chunkCount: 3, chunkSize: FILE_CHUNK_CIPHERTEXT, received: [], complete: false });
      const id = created.body.fileId;
      const chunks = [randomBytes(FILE_CHUNK_CIPHERTEXT), randomBytes(FILE_CHUNK_CIPHERTEXT), randomBytes(1000)];
      expect((await putChunk(t, alice.token, id, 0, chunks[0]!)).status).toBe(204);
      expect((await putChunk(t, alice.token, id, 2, chunks[2]!)).status).toBe(204);
      // The connection dropped: the client asks what arrived and sends the rest.
      expect((await api<FileStatus>(t, 'GET', `/v1/files/${id}`, alice.token)).body.received).toEqual([0, 2]);
      expect(await api(t, 'POST', `/v1/files/${id}/complete`, alice.token)).toMatchObject({ status: 409, body: { code: 'conflict' } });
      expect((await putChunk(t, alice.token, id, 1, chunks[1]!)).status).toBe(204);
      expect((await api<FileStatus>(t, 'POST', `/v1/files/${id}/complete`, alice.token)).body.complete).toBe(true);
      // Not yet referenced by a message: only the uploader can read it.
      expect((await getChunk(t, bob.token, id, 0)).status).toBe(404);
      const ws = await RawSocket.open(t, alice.token);
      ws.send({ t: 'send', req: 's', msg: { conv: room.id, messageId: 'file1', kind: 'sk', body: 'AAAA', files: [id] } });
      expect(await ws.next((f) => 'req' in f && f.req === 's')).toMatchObject({ t: 'sent' });
      for (const [i, c] of chunks.entries()) {
        const got = await getChunk(t, bob.token, id, i);
        expect(got.status).toBe(200);
        expect(sha(got.bytes)).toBe(sha(c));
      }
      expect((await getChunk(t, carol.token, id, 0)).status).toBe(404);
      ws.close();
    });

    it('rejects a chunk with a wrong digest or size and stores nothing', async () => {
      const created = await api<FileStatus>(t, 'POST', '/v1/files', alice.token, { size: 5000, conv: room.id });
      const id = created.body.fileId;
      const data = randomBytes(5000);
      expect(await putChunk(t, alice.token, id, 0, data, sha(randomBytes(10)))).toMatchObject({ status: 400, body: { code: 'integrity' } });
      expect(await putChunk(t, alice.token, id, 0, randomBytes(4000))).toMatchObject({ status: 400, body: { code: 'bad_request' } });
      expect(await putChunk(t, alice.token, id, 1, data)).toMatchObject({ status: 400 });
      expect((await api<FileStatus>(t, 'GET', `/v1/files/${id}`, alice.token)).body.received).toEqual([]);
      expect((await putChunk(t, bob.token, id, 0, data)).status).toBe(404); // someone else's upload
      expect(await api(t, 'POST', '/v1/files', alice.token, { size: 6 * 1000 ** 3, conv: room.id })).toMatchObject({ status: 413, body: { code: 'too_large' } });
      expect(await api(t, 'POST', '/v1/files', carol.token, { size: 10, conv: room.id })).toMatchObject({ status: 403, body: { code: 'not_member' } });
    });

    it('refuses uploads and file messages when the security group turns files off', async () => {
      const { fileId } = await upload(100);
      await t.client.call('UpdateSecurityGroup', { networkId: net, groupId: group, securityGroupSettings: { filesEnabled: false } });
      try {
        expect(await api(t, 'POST', '/v1/files', alice.token, { size: 100, conv: room.id })).toMatchObject({ status: 403, body: { code: 'files_disabled', message: 'File sharing is turned off by your security group.' } });
        const ws = await RawSocket.open(t, alice.token);
        ws.send({ t: 'send', req: 'f', msg: { conv: room.id, messageId: 'nofile', kind: 'sk', body: 'AAAA', files: [fileId] } });
        expect(await ws.next((f) => 'req' in f && f.req === 'f')).toMatchObject({ t: 'error', code: 'files_disabled' });
        ws.close();
      } finally {
        await t.client.call('UpdateSecurityGroup', { networkId: net, groupId: group, securityGroupSettings: { filesEnabled: true } });
      }
    });

    it('deletes the blob when the last message referencing it is deleted or expires', async () => {
      const { fileId } = await upload(3000);
      const ws = await RawSocket.open(t, alice.token);
      ws.send({ t: 'send', req: 'a', msg: { conv: room.id, messageId: 'ref-a', kind: 'sk', body: 'AAAA', files: [fileId] } });
      ws.send({ t: 'send', req: 'b', msg: { conv: room.id, messageId: 'ref-b', kind: 'sk', body: 'AAAA', files: [fileId], ttl: 60 } });
      await ws.next((f) => 'req' in f && f.req === 'b');
      ws.send({ t: 'delete', req: 'd', conv: room.id, messageId: 'ref-a' });
      await ws.next((f) => 'req' in f && f.req === 'd');
      await t.server.messaging.runJobs();
      expect(await t.server.blobs.listChunks(fileId)).toEqual([0]);
      await t.server.store.db.updateTable('conv_messages').set({ expires_at: Date.now() - 1 }).where('conv_id', '=', room.id).where('message_id', '=', 'ref-b').execute();
      await t.server.messaging.runJobs();
      expect(await t.server.blobs.listChunks(fileId)).toEqual([]);
      expect((await getChunk(t, bob.token, fileId, 0)).status).toBe(404);
      ws.close();
    });
  });
}
