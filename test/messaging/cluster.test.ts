// Several stateless server nodes on one PostgreSQL and NATS: members connected to different nodes
// talk to each other, and an administrator's change made through one node reaches sockets held by
// the other. Two real server processes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, ServerFrame } from '../../packages/protocol/src/index.js';
import { dropPostgresSchema } from '../../packages/server/src/infra/db.js';
import { TEST_DATABASE_URL } from '../helpers/harness.js';
import { api, RawSocket, registerMember } from '../helpers/members.js';
import { cliBuilt, startServerProcess, type ServerProcess } from '../helpers/process.js';

const DATABASE_URL = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
type Msg = Extract<ServerFrame, { t: 'msg' }>;

describe.runIf(cliBuilt())('two server nodes on PostgreSQL + NATS', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const creds = { accessKeyId: 'AKIACLUSTER' + randomBytes(5).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
  const env = {
    ENCLAVE_DATABASE_URL: DATABASE_URL,
    ENCLAVE_DATABASE_SCHEMA: schema,
    ENCLAVE_NATS_URL: 'nats://127.0.0.1:4222',
    ENCLAVE_BUS_NAMESPACE: schema,
    ENCLAVE_MASTER_KEY: randomBytes(32).toString('base64'),
  };
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    a = await startServerProcess({ ...env, ENCLAVE_DATA_DIR: `/tmp/enclave-${schema}-a` }, creds);
    b = await startServerProcess({ ...env, ENCLAVE_DATA_DIR: `/tmp/enclave-${schema}-b` }, creds);
  });
  afterAll(async () => {
    await a?.kill();
    await b?.kill();
    await dropPostgresSchema(DATABASE_URL, schema);
  });

  it('delivers messages between members connected to different nodes, and suspension through one node closes sockets on the other', async () => {
    const { networkId } = await a.client.call<{ networkId: string }>('CreateNetwork', { networkName: 'Cluster', accessLevel: 'PREMIUM' });
    const alice = await registerMember(a, networkId, 'alice@example.com');
    const bob = await registerMember(b, networkId, 'bob@example.com');
    const room = (await api<Conversation>({ url: a.url }, 'POST', '/v1/conversations', alice.token, { kind: 'room', name: 'Across', members: [bob.userId] })).body;
    const onA = await RawSocket.open({ url: a.url }, alice.token);
    const onB = await RawSocket.open({ url: b.url }, bob.token);
    for (let i = 0; i < 10; i++) {
      onA.send({ t: 'send', req: `a${i}`, msg: { conv: room.id, messageId: `from-a-${i}`, kind: 'sk', body: randomBytes(32).toString('base64url') } });
      onB.send({ t: 'send', req: `b${i}`, msg: { conv: room.id, messageId: `from-b-${i}`, kind: 'sk', body: randomBytes(32).toString('base64url') } });
    }
    await onB.next((f) => f.t === 'msg' && f.m.messageId === 'from-a-9');
    await onA.next((f) => f.t === 'msg' && f.m.messageId === 'from-b-9');
    const seen = (s: RawSocket, prefix: string) => s.frames.filter((f): f is Msg => f.t === 'msg' && f.m.messageId.startsWith(prefix)).map((f) => f.m.messageId);
    expect(seen(onB, 'from-a-')).toEqual(Array.from({ length: 10 }, (_, i) => `from-a-${i}`));
    expect(seen(onA, 'from-b-')).toEqual(Array.from({ length: 10 }, (_, i) => `from-b-${i}`));
    // One sequence for the conversation across both nodes: each message has one number, each number one message.
    const sent = [...onA.frames, ...onB.frames].filter((f): f is Extract<ServerFrame, { t: 'sent' }> => f.t === 'sent');
    expect(sent.length).toBe(20);
    expect(new Set(sent.map((f) => f.seq)).size).toBe(20);
    const bySeq = new Map(sent.map((f) => [f.seq, f.messageId]));
    for (const f of [...onA.frames, ...onB.frames]) if (f.t === 'msg' && f.m.kind === 'sk') expect(bySeq.get(f.m.seq)).toBe(f.m.messageId);

    const before = Date.now();
    await a.client.call('BatchToggleUserSuspendStatus', { networkId, suspend: true, userIds: [String(bob.userId)] });
    expect(await onB.next((f) => f.t === 'closing', 1000)).toMatchObject({ code: 'account_suspended' });
    expect(Date.now() - before).toBeLessThan(1000);
    onA.close();
  });
});
