// The SDK and message expiry (docs/client.md, "Expiry"): a message sent without a timer carries the
// server's expiry — the sender's security group maximum — on the sender's copy (from the send's
// answer, over REST and the WebSocket) and on every recipient's copy, and each copy is deleted
// locally at that moment with an `expired` event; an edit expires with the message it edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnclaveClient, Message } from '../../packages/client/src/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { collect, sdkMember, until } from '../helpers/sdk.js';

let t: TestServer;
let networkId: string;
let groupId: string;
const open: EnclaveClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ({ networkId, defaultGroupId: groupId } = await createNetwork(t.client, 'SDK Expiry'));
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await t?.close();
});

const setGroup = (settings: Record<string, unknown>) => t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });
const member = async (name: string, connect = true) => {
  const m = await sdkMember(t, networkId, name, { connect });
  open.push(m.client);
  return m;
};
const storedExpiry = async (conv: string, id: string) =>
  (await t.server.store.db.selectFrom('conv_messages').select('expires_at').where('conv_id', '=', conv).where('message_id', '=', id).executeTakeFirstOrThrow()).expires_at;
/** Resolves with the `expired` event that names the message. */
const expiredEvent = (c: EnclaveClient, conv: string, id: string) => c.next('expired', (e) => e.conv === conv && e.messageIds.includes(id));

describe('SDK: message expiry', () => {
  it("gives the sender's and the recipients' copies the group maximum as expiry, and deletes them then", async () => {
    const MAX = 4; // seconds: long enough to be delivered first, short enough to wait for
    await setGroup({ maxTtl: MAX });
    // A DM sent over REST (the sender has no socket: only its local timer can remove its copy) …
    const alice = await member('xa', false);
    const bob = await member('xb');
    // … and a room message sent over the WebSocket.
    const carol = await member('xc');
    const dave = await member('xd');
    const bobGot = collect(bob.client);
    const daveGot = collect(dave.client);

    const dm = await alice.client.openDm(bob.email);
    const room = await carol.client.createRoom({ name: 'Brief', members: [dave.client.userId] });
    const before = Date.now();
    const [inDm, inRoom] = await Promise.all([alice.client.sendText(dm.id, 'short-lived'), carol.client.sendText(room.id, 'short-lived too')]);
    const gone = [
      expiredEvent(alice.client, dm.id, inDm.id),
      expiredEvent(bob.client, dm.id, inDm.id),
      expiredEvent(carol.client, room.id, inRoom.id),
      expiredEvent(dave.client, room.id, inRoom.id),
    ];

    const dmExpiry = await storedExpiry(dm.id, inDm.id);
    const roomExpiry = await storedExpiry(room.id, inRoom.id);
    expect(dmExpiry).toBeGreaterThanOrEqual(before + MAX * 1000);
    expect(inDm.expiresAt).toBe(dmExpiry);
    expect(inRoom.expiresAt).toBe(roomExpiry);
    expect((await alice.client.message(inDm.id, dm.id))?.expiresAt).toBe(dmExpiry);
    await until(() => bobGot.length === 1 && daveGot.length === 1, 10_000, 'delivery');
    expect(bobGot[0]).toMatchObject({ id: inDm.id, text: 'short-lived', expiresAt: dmExpiry });
    expect(daveGot[0]).toMatchObject({ id: inRoom.id, text: 'short-lived too', expiresAt: roomExpiry });

    await Promise.all(gone);
    expect(await alice.client.message(inDm.id, dm.id)).toBeUndefined();
    expect(await bob.client.message(inDm.id, dm.id)).toBeUndefined();
    expect(await carol.client.message(inRoom.id, room.id)).toBeUndefined();
    expect(await dave.client.message(inRoom.id, room.id)).toBeUndefined();
  });

  it('keeps an explicit timer, and sends an edit that expires with the message it edits', async () => {
    await setGroup({ maxTtl: 3600 });
    const a = await member('ya');
    const b = await member('yb');
    const bGot = collect(b.client);
    const dm = await a.client.openDm(b.email);
    const m: Message = await a.client.sendText(dm.id, 'draft', { ttl: 600 });
    const expiry = await storedExpiry(dm.id, m.id);
    expect(m.expiresAt).toBe(expiry);
    await until(() => bGot.length === 1);
    expect(bGot[0]!.expiresAt).toBe(expiry);

    const edited = b.client.next('edited');
    await a.client.edit(dm.id, m.id, 'final');
    await edited;
    const rows = await t.server.store.db.selectFrom('conv_messages').select(['message_id', 'expires_at']).where('conv_id', '=', dm.id).where('seq', '>', m.seq).where('kind', '=', 'pw').execute();
    expect(rows).toHaveLength(1);
    // Rounded up to the second: never before the message, at most a second after it.
    expect(rows[0]!.expires_at).toBeGreaterThanOrEqual(expiry!);
    expect(rows[0]!.expires_at).toBeLessThan(expiry! + 1000);
    expect((await b.client.message(m.id, dm.id))?.expiresAt).toBe(expiry);
  });
});
