// Crash safety: the server process is killed with SIGKILL while a member sends. After a restart on
// the same data, every message the server acknowledged is there, the client's resends of messages it
// had no acknowledgement for are stored once (idempotent message IDs), and the recipient receives
// every message exactly once, in order.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Conversation, ServerFrame } from '../../packages/protocol/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { dialectName, TEST_DATABASE_URL } from '../helpers/harness.js';
import { api, RawSocket, registerMember } from '../helpers/members.js';
import { cliBuilt, startServerProcess, type ServerProcess } from '../helpers/process.js';

type Sent = Extract<ServerFrame, { t: 'sent' }>;

describe.runIf(cliBuilt())(`crash safety (${dialectName})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'enclave-crash-'));
  const schema = TEST_DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const creds = { accessKeyId: 'AKIACRASH' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
  const env: Record<string, string> = { ENCLAVE_DATA_DIR: dataDir, ...(TEST_DATABASE_URL && schema ? { ENCLAVE_DATABASE_URL: TEST_DATABASE_URL, ENCLAVE_DATABASE_SCHEMA: schema } : {}) };
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.kill();
    if (TEST_DATABASE_URL && schema) await dropPostgresSchema(TEST_DATABASE_URL, schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged message and shows none twice after SIGKILL', async () => {
    server = await startServerProcess(env, creds);
    const { networkId } = await server.client.call<{ networkId: string }>('CreateNetwork', { networkName: 'Crash', accessLevel: 'PREMIUM' });
    const alice = await registerMember(server, networkId, 'alice@example.com');
    const bob = await registerMember(server, networkId, 'bob@example.com');
    const room = (await api<Conversation>(server, 'POST', '/v1/conversations', alice.token, { kind: 'room', name: 'Crash', members: [bob.userId] })).body;

    const ids = Array.from({ length: 400 }, (_, i) => `m-${String(i).padStart(4, '0')}`);
    const ws = await RawSocket.open(server, alice.token);
    ws.ws.on('error', () => undefined);
    // Send everything without waiting; kill the server once some acknowledgements are in.
    for (const id of ids) ws.send({ t: 'send', req: id, msg: { conv: room.id, messageId: id, kind: 'sk', body: randomBytes(64).toString('base64url') } });
    await ws.next((f) => f.t === 'sent' && f.messageId === ids[40], 10_000);
    await server.kill('SIGKILL');
    const acknowledged = ws.frames.filter((f): f is Sent => f.t === 'sent').map((f) => f.messageId);
    expect(acknowledged.length).toBeGreaterThan(40);
    expect(acknowledged.length).toBeLessThan(ids.length); // the kill really interrupted the stream

    server = await startServerProcess(env, creds);
    // The client resends every message it has no acknowledgement for, with the same IDs.
    const again = await RawSocket.open(server, alice.token);
    const pending = ids.filter((id) => !acknowledged.includes(id));
    for (const id of pending) again.send({ t: 'send', req: id, msg: { conv: room.id, messageId: id, kind: 'sk', body: randomBytes(64).toString('base64url') } });
    await again.next((f) => f.t === 'sent' && f.messageId === pending[pending.length - 1], 20_000);
    const resent = again.frames.filter((f): f is Sent => f.t === 'sent');
    expect(resent.length).toBe(pending.length);

    const receiver = await RawSocket.open(server, bob.token);
    await receiver.next((f) => f.t === 'msg' && f.m.messageId === ids[ids.length - 1], 20_000);
    await receiver.sync();
    const received = receiver.frames.filter((f) => f.t === 'msg' && f.m.kind === 'sk').map((f) => (f as Extract<ServerFrame, { t: 'msg' }>).m.messageId);
    // Every message once, in the order they were sent (one client, one socket, frames handled in order).
    expect(received).toEqual(ids);
    for (const s of [again, receiver]) s.close();
  });
});
