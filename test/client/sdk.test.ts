// End-to-end tests of the client SDK (@enclave/client) against a real Enclave server: members are
// invited through the admin API, register with the SDK, and exchange end-to-end encrypted messages
// over the real WebSocket and REST routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, jsonLineLogger, type FileSink } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { kdf, collect, until } from '../helpers/sdk.js';

let t: TestServer;
let networkId: string;
const open: EnclaveClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  networkId = (await createNetwork(t.client, 'SDK Network')).networkId;
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await t?.close();
});

const LOG = process.env.SDK_TEST_LOG ? jsonLineLogger((l) => process.stderr.write(l), 'debug') : undefined;

async function member(name: string, store = new MemoryStore()): Promise<{ client: EnclaveClient; email: string; store: MemoryStore }> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inviteCode } = await invite(t, networkId, email);
  const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1', ...(LOG ? { logger: LOG } : {}) });
  open.push(client);
  return { client, email, store };
}

describe('SDK end to end', () => {
  it('DM: encrypted both ways, exactly once, from REST and WebSocket senders', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    const bobGot = collect(bob.client);
    await bob.client.connect();
    const dm = await alice.client.openDm(bob.email);
    expect(dm.kind).toBe('dm');
    const sent = await alice.client.sendText(dm.id, 'hello bob'); // REST (alice is not connected)
    await until(() => bobGot.length === 1);
    expect(bobGot[0]).toMatchObject({ id: sent.id, conv: dm.id, text: 'hello bob', sender: { userId: alice.client.userId, deviceId: alice.client.deviceId } });
    // The server stores ciphertext only.
    const rows = await t.server.store.db.selectFrom('conv_message_parts').select('body').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Buffer.from(r.body, 'base64url').toString('latin1')).not.toContain('hello bob');

    const aliceGot = collect(alice.client);
    await alice.client.connect();
    await bob.client.sendText(dm.id, 'hi alice', { replyTo: sent.id }); // WebSocket, resolves on `sent`
    await until(() => aliceGot.length === 1);
    expect(aliceGot[0]).toMatchObject({ text: 'hi alice', replyTo: sent.id, sender: { email: bob.email } });
    await new Promise((r) => setTimeout(r, 300));
    expect(bobGot).toHaveLength(1);
  });

  it('offline delivery after reopening the stored profile; no repeats', async () => {
    const alice = await member('alice2');
    const bobStore = new MemoryStore();
    const bob = await member('bob2', bobStore);
    const dm = await alice.client.openDm(bob.email);
    await bob.client.connect();
    const first = collect(bob.client);
    await alice.client.sendText(dm.id, 'one');
    await until(() => first.length === 1);
    await bob.client.idle();
    await new Promise((r) => setTimeout(r, 1200)); // acks are coalesced server-side
    await bob.client.close();
    await alice.client.sendText(dm.id, 'two');
    await alice.client.sendText(dm.id, 'three');
    const again = await EnclaveClient.open({ store: bobStore, password: GOOD_PASSWORD, kdf, platform: nodePlatform() });
    open.push(again);
    expect(again.deviceId).toBe(bob.client.deviceId);
    const got = collect(again);
    await again.connect();
    await until(() => got.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.map((m) => m.text)).toEqual(['two', 'three']);
    expect((await again.messages(dm.id)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('login re-uses the stored device (signature), a new profile gets a new device', async () => {
    const store = new MemoryStore();
    const carol = await member('carol', store);
    await carol.client.close();
    const again = await EnclaveClient.login({ server: t.url, email: carol.email, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform() });
    open.push(again);
    expect(again.deviceId).toBe(carol.client.deviceId);
    const other = await EnclaveClient.login({ server: t.url, email: carol.email, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform() });
    open.push(other);
    expect(other.deviceId).not.toBe(carol.client.deviceId);
    await expect(EnclaveClient.login({ server: t.url, email: carol.email, password: 'Wrong-password-1', store: new MemoryStore(), kdf })).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('rooms: sender keys, a new member gets the key, a removed member is cut off', async () => {
    const a = await member('ra');
    const b = await member('rb');
    const c = await member('rc');
    const bGot = collect(b.client);
    const cGot = collect(c.client);
    await b.client.connect();
    await c.client.connect();
    await a.client.connect();
    const room = await a.client.createRoom({ name: 'Ops', members: [b.email] });
    await a.client.sendText(room.id, 'room hello');
    await until(() => bGot.length === 1);
    expect(bGot[0]!.text).toBe('room hello');
    const sk = await t.server.store.db.selectFrom('conv_messages').select(['kind', 'body']).where('conv_id', '=', room.id).where('kind', '=', 'sk').execute();
    expect(sk).toHaveLength(1);

    await a.client.updateConversation(room.id, { addMembers: [c.email] });
    await a.client.sendText(room.id, 'welcome c');
    await until(() => cGot.length === 1 && bGot.length === 2);
    expect(cGot[0]!.text).toBe('welcome c');
    await b.client.sendText(room.id, 'from b');
    await until(() => cGot.length === 2);
    expect(cGot[1]).toMatchObject({ text: 'from b', sender: { email: b.email } });

    await a.client.updateConversation(room.id, { removeMembers: [c.email] });
    await a.client.sendText(room.id, 'after removal');
    await until(() => bGot.length === 3);
    // A sender-key message is not echoed to its own device.
    expect(bGot.map((m) => m.text)).toEqual(['room hello', 'welcome c', 'after removal']);
    // A fresh sender key went to the remaining devices only.
    const latest = await t.server.store.db.selectFrom('conv_message_parts').select(['device_id', 'seq']).where('conv_id', '=', room.id).orderBy('seq', 'desc').execute();
    const lastSeq = latest[0]!.seq;
    expect(latest.filter((p) => p.seq === lastSeq).map((p) => p.device_id)).not.toContain(c.client.deviceId);
    await new Promise((r) => setTimeout(r, 300));
    expect(cGot).toHaveLength(2);
  });

  it('policy: timers over the limits and disabled features are refused before sending', async () => {
    const a = await member('pa');
    const b = await member('pb');
    const dm = await a.client.openDm(b.email);
    await expect(a.client.sendText(dm.id, 'x', { ttl: a.client.policy.maxTtl + 1 })).rejects.toMatchObject({ code: 'policy_violation', message: 'Your security group does not allow this.' });
    await expect(a.client.sendText(dm.id, 'x', { bor: a.client.policy.maxBor + 1 })).rejects.toMatchObject({ code: 'policy_violation' });
    const count = await t.server.store.db.selectFrom('conv_messages').select('seq').where('conv_id', '=', dm.id).where('kind', '!=', 'sys').execute();
    expect(count).toHaveLength(0);
  });

  it('files: a 9 MB file in three chunks, streamed and verified', async () => {
    const a = await member('fa');
    const b = await member('fb');
    const bGot = collect(b.client);
    await b.client.connect();
    const dm = await a.client.openDm(b.email);
    const data = new Uint8Array(9 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 65536) globalThis.crypto.getRandomValues(data.subarray(i, Math.min(data.length, i + 65536)));
    const progress: number[] = [];
    const sent = await a.client.sendFile(dm.id, data, { name: 'blob.bin', mime: 'application/octet-stream', onProgress: (p) => progress.push(p.bytes) });
    expect(progress).toHaveLength(3);
    await until(() => bGot.length === 1);
    const ref = bGot[0]!.file!;
    expect(ref).toMatchObject({ fileId: sent.file!.fileId, name: 'blob.bin', size: data.length });
    const parts: Uint8Array[] = [];
    let closed = false;
    const sink: FileSink = { write: async (c) => void parts.push(c), close: async () => void (closed = true), abort: async () => {} };
    await b.client.downloadFile(ref, sink);
    expect(closed).toBe(true);
    expect(Buffer.concat(parts).equals(Buffer.from(data))).toBe(true);
    // A wrong digest is caught and the sink aborted.
    let aborted = false;
    await expect(
      b.client.downloadFile({ ...ref, digest: ref.key }, { write: async () => {}, close: async () => {}, abort: async () => void (aborted = true) }),
    ).rejects.toMatchObject({ code: 'integrity' });
    expect(aborted).toBe(true);
  });
});
