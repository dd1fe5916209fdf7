// Conversations and delivery at the wire level, with opaque ciphertext (the server is blind; the E2E
// properties are tested with the SDK in test/client): rooms and their rules, ordering, idempotent
// message IDs, fan-out to every device, offline catch-up from cursors, bad frames, the security
// group's timer caps, expiry, burn-on-read deletion, read receipts, and delete for everyone.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, DeliveredMessage, ServerFrame } from '../../packages/protocol/src/index.js';
import { CONV_WINDOW } from '../../packages/server/src/realtime/hub.js';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { addDevice, api, RawSocket, registerMember, type TestMember } from '../helpers/members.js';

const body = () => randomBytes(48).toString('base64url');
const msgId = () => randomBytes(9).toString('base64url');
type Msg = Extract<ServerFrame, { t: 'msg' }>;
const isMsg = (conv: string, messageId?: string) => (f: ServerFrame) => f.t === 'msg' && f.m.conv === conv && (messageId === undefined || f.m.messageId === messageId);

describe(`conversations and delivery (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  let group: string;
  let n = 0;
  let alice: TestMember;
  let bob: TestMember;
  let carol: TestMember;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net, defaultGroupId: group } = await createNetwork(t.client, 'Delivery'));
    alice = await registerMember(t, net, 'alice@example.com');
    bob = await registerMember(t, net, 'bob@example.com');
    carol = await registerMember(t, net, 'carol@example.com');
  });
  afterAll(async () => {
    await t.close();
  });

  const member = () => registerMember(t, net, `m${++n}@example.com`);
  const room = async (owner: TestMember, members: TestMember[], name = 'Room') => {
    const r = await api<Conversation>(t, 'POST', '/v1/conversations', owner.token, { kind: 'room', name, members: members.map((m) => m.userId) });
    expect(r.status).toBe(201);
    return r.body;
  };
  const send = async (ws: RawSocket, msg: Record<string, unknown>) => {
    const req = msgId();
    ws.send({ t: 'send', req, msg });
    return ws.next((f) => (f.t === 'sent' || f.t === 'error') && f.req === req);
  };

  it('creates a direct message once per pair and a room with its creator as moderator', async () => {
    const dm = await api<Conversation>(t, 'POST', '/v1/conversations', alice.token, { kind: 'dm', members: [bob.userId] });
    expect(dm.status).toBe(201);
    const again = await api<Conversation>(t, 'POST', '/v1/conversations', bob.token, { kind: 'dm', members: [alice.userId] });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(dm.body.id);
    const r = await room(alice, [bob], 'Ops');
    expect(r.members).toEqual([
      expect.objectContaining({ userId: alice.userId, role: 'moderator' }),
      expect.objectContaining({ userId: bob.userId, role: 'member' }),
    ]);
    const list = await api<{ conversations: Conversation[] }>(t, 'GET', '/v1/conversations', bob.token);
    expect(list.body.conversations.map((c) => c.id).sort()).toEqual([dm.body.id, r.id].sort());
    expect((await api(t, 'GET', `/v1/conversations/${r.id}`, carol.token)).body).toMatchObject({ code: 'not_member' });
  });

  it('lets only moderators manage a room; members can leave; the last moderator leaving promotes someone', async () => {
    const r = await room(alice, [bob, carol]);
    expect(await api(t, 'PATCH', `/v1/conversations/${r.id}`, bob.token, { name: 'Mine' })).toMatchObject({ status: 403, body: { code: 'not_moderator' } });
    const renamed = await api<Conversation>(t, 'PATCH', `/v1/conversations/${r.id}`, alice.token, { name: 'Renamed', description: 'About', addModerators: [bob.userId] });
    expect(renamed.body).toMatchObject({ name: 'Renamed', description: 'About' });
    expect(renamed.body.members.find((m) => m.userId === bob.userId)?.role).toBe('moderator');
    expect(await api(t, 'PATCH', `/v1/conversations/${r.id}`, alice.token, { removeModerators: [alice.userId, bob.userId] })).toMatchObject({ status: 400 });
    expect((await api(t, 'POST', `/v1/conversations/${r.id}/leave`, alice.token)).status).toBe(204);
    expect((await api(t, 'POST', `/v1/conversations/${r.id}/leave`, bob.token)).status).toBe(204);
    const left = await api<Conversation>(t, 'GET', `/v1/conversations/${r.id}`, carol.token);
    expect(left.body.members).toEqual([expect.objectContaining({ userId: carol.userId, role: 'moderator' })]);
    expect(await api(t, 'DELETE', `/v1/conversations/${r.id}`, alice.token)).toMatchObject({ status: 403, body: { code: 'not_member' } });
    expect((await api(t, 'DELETE', `/v1/conversations/${r.id}`, carol.token)).status).toBe(204);
    expect((await api(t, 'GET', `/v1/conversations/${r.id}`, carol.token)).status).toBe(404);
  });

  it('holds at most 500 members', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => 100000 + i);
    expect(await api(t, 'POST', '/v1/conversations', alice.token, { kind: 'room', name: 'Big', members: ids })).toMatchObject({ status: 400 });
    const r = await room(alice, [bob]);
    const tooMany = Array.from({ length: 499 }, (_, i) => 200000 + i);
    expect(await api(t, 'PATCH', `/v1/conversations/${r.id}`, alice.token, { addMembers: tooMany })).toMatchObject({ status: 409, body: { code: 'room_full' } });
  });

  it('delivers a room message once to every device of every member, in order, and acknowledges only after commit', async () => {
    const dave = await member();
    const dave2 = await addDevice(t, dave);
    const r = await room(alice, [bob, dave]);
    const sockets = await Promise.all([RawSocket.open(t, bob.token), RawSocket.open(t, dave.token), RawSocket.open(t, dave2.token), RawSocket.open(t, alice.token)]);
    const [sb, sd, sd2, sa] = sockets as [RawSocket, RawSocket, RawSocket, RawSocket];
    const ids = Array.from({ length: 20 }, msgId);
    for (const id of ids) expect(await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() })).toMatchObject({ t: 'sent', duplicate: false });
    for (const s of [sb, sd, sd2]) {
      await s.next(isMsg(r.id, ids[19]));
      const got = s.frames.filter((f): f is Msg => f.t === 'msg' && f.m.conv === r.id && f.m.kind === 'sk').map((f) => f.m);
      expect(got.map((m) => m.messageId)).toEqual(ids);
      expect(got.map((m) => m.seq)).toEqual([...got.map((m) => m.seq)].sort((a, b) => a - b));
      expect(got.every((m) => m.senderUserId === alice.userId && m.senderDeviceId === alice.deviceId)).toBe(true);
    }
    // The sending device does not get its own sender-key message back.
    expect(sa.frames.some((f) => f.t === 'msg' && f.m.kind === 'sk' && f.m.conv === r.id)).toBe(false);
    for (const s of sockets) s.close();
  });

  it('paces a backlog by acknowledgements (flow control) and never lets own messages fill the window', async () => {
    const reader = await member();
    const writer = await member();
    const r = await room(writer, [reader]);
    const sw = await RawSocket.open(t, writer.token);
    // More than one conversation window of the writer's own messages (never delivered to it).
    const total = CONV_WINDOW + 300;
    const ids = Array.from({ length: total }, msgId);
    for (let i = 0; i < total; i += 100) {
      await Promise.all(ids.slice(i, i + 100).map((id) => send(sw, { conv: r.id, messageId: id, kind: 'sk', body: body() })));
    }
    // The reader comes online with the whole backlog waiting and acknowledges nothing at first.
    const sr = await RawSocket.open(t, reader.token);
    const msgs = () => sr.frames.filter((f): f is Msg => f.t === 'msg' && f.m.conv === r.id);
    // The window: the room's 'created' record and CONV_WINDOW - 1 messages.
    await sr.next(isMsg(r.id, ids[CONV_WINDOW - 2]), 20_000);
    await sr.sync();
    await new Promise((res) => setTimeout(res, 300));
    expect(msgs()).toHaveLength(CONV_WINDOW);
    // Acknowledging opens the window: the rest follows, in order, once each.
    sr.send({ t: 'ack', conv: r.id, seq: msgs().at(-1)!.m.seq });
    await sr.next(isMsg(r.id, ids[total - 1]), 20_000);
    expect(msgs().filter((f) => f.m.kind === 'sk').map((f) => f.m.messageId)).toEqual(ids);
    // The writer's own messages did not use up its window: a message from the reader still arrives.
    const reply = msgId();
    await send(sr, { conv: r.id, messageId: reply, kind: 'sk', body: body() });
    await sw.next(isMsg(r.id, reply));
    sr.close();
    sw.close();
  }, 120_000);

  it('treats a repeated message ID as the same message: same sequence, stored once', async () => {
    const r = await room(alice, [bob]);
    const sa = await RawSocket.open(t, alice.token);
    const id = msgId();
    const first = await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    const second = await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    expect(second).toMatchObject({ t: 'sent', duplicate: true, seq: (first as { seq: number }).seq });
    const rows = await t.server.store.db.selectFrom('conv_messages').select('seq').where('conv_id', '=', r.id).where('message_id', '=', id).execute();
    expect(rows.length).toBe(1);
    sa.close();
  });

  it('keeps pairwise parts per device: each device receives only its own part, strangers are refused', async () => {
    const dm = (await api<Conversation>(t, 'POST', '/v1/conversations', alice.token, { kind: 'dm', members: [carol.userId] })).body;
    const carol2 = await addDevice(t, carol);
    const [sc, sc2] = [await RawSocket.open(t, carol.token), await RawSocket.open(t, carol2.token)];
    const sa = await RawSocket.open(t, alice.token);
    const parts = { [carol.deviceId]: body(), [carol2.deviceId]: body() };
    const id = msgId();
    expect(await send(sa, { conv: dm.id, messageId: id, kind: 'pw', parts })).toMatchObject({ t: 'sent' });
    expect((await sc.next<Msg>(isMsg(dm.id, id))).m.body).toBe(parts[carol.deviceId]);
    expect((await sc2.next<Msg>(isMsg(dm.id, id))).m.body).toBe(parts[carol2.deviceId]);
    const devices = await api<{ devices: { deviceId: string }[] }>(t, 'GET', `/v1/conversations/${dm.id}/devices`, alice.token);
    expect(devices.body.devices.map((d) => d.deviceId).sort()).toEqual([alice.deviceId, carol.deviceId, carol2.deviceId].sort());
    const stranger = await send(sa, { conv: dm.id, messageId: msgId(), kind: 'pw', parts: { [bob.deviceId]: body() } });
    expect(stranger).toMatchObject({ t: 'error', code: 'conflict' });
    for (const s of [sc, sc2, sa]) s.close();
  });

  it('catches an offline device up from its cursor, and does not resend what it acknowledged', async () => {
    const r = await room(alice, [bob]);
    const sa = await RawSocket.open(t, alice.token);
    const first = Array.from({ length: 5 }, msgId);
    for (const id of first) await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    let sb = await RawSocket.open(t, bob.token);
    const last = await sb.next<Msg>(isMsg(r.id, first[4]));
    expect(sb.frames.filter((f) => f.t === 'msg' && f.m.conv === r.id && f.m.kind === 'sk').length).toBe(5);
    sb.send({ t: 'ack', conv: r.id, seq: last.m.seq });
    await sb.sync();
    await t.server.messaging.hub.flushAcks();
    sb.close();
    await new Promise((res) => setTimeout(res, 50));
    const second = Array.from({ length: 3 }, msgId);
    for (const id of second) await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    sb = await RawSocket.open(t, bob.token);
    await sb.next(isMsg(r.id, second[2]));
    const got = sb.frames.filter((f): f is Msg => f.t === 'msg' && f.m.conv === r.id && f.m.kind === 'sk').map((f) => f.m.messageId);
    expect(got).toEqual(second);
    sb.close();
    sa.close();
  });

  it('rejects bad frames with a clear error, stores nothing, and keeps the connection usable', async () => {
    const r = await room(alice, [bob]);
    const outside = await room(bob, [carol]);
    const sa = await RawSocket.open(t, alice.token);
    const count = async () => (await t.server.store.db.selectFrom('conv_messages').select('seq').where('conv_id', 'in', [r.id, outside.id]).execute()).length;
    const before = await count();
    sa.send('this is not json');
    expect(await sa.next((f) => f.t === 'error' && f.message.includes('JSON'))).toMatchObject({ code: 'bad_request' });
    sa.send({ t: 'send', req: 'r1', msg: { conv: r.id, messageId: 'x', kind: 'sk', body: 'not base64!' } });
    expect(await sa.next((f) => f.t === 'error' && f.req === 'r1')).toMatchObject({ code: 'bad_request' });
    sa.send({ t: 'send', req: 'r2', msg: { conv: r.id, messageId: msgId(), kind: 'sk', body: 'A'.repeat(200_000) } });
    expect(await sa.next((f) => f.t === 'error' && f.req === 'r2')).toMatchObject({ code: 'bad_request' });
    sa.send({ t: 'send', req: 'r3', msg: { conv: outside.id, messageId: msgId(), kind: 'sk', body: body() } });
    expect(await sa.next((f) => f.t === 'error' && f.req === 'r3')).toMatchObject({ code: 'not_member', message: 'You are not a member of this conversation.' });
    sa.send({ t: 'send', req: 'r4', msg: { conv: r.id, messageId: msgId(), kind: 'sk', parts: { x: body() } } });
    expect(await sa.next((f) => f.t === 'error' && f.req === 'r4')).toMatchObject({ code: 'bad_request' });
    sa.send({ t: 'nonsense', req: 'r5' });
    expect(await sa.next((f) => f.t === 'error' && f.req === 'r5')).toMatchObject({ code: 'bad_request' });
    expect(await count()).toBe(before);
    expect(await send(sa, { conv: r.id, messageId: msgId(), kind: 'sk', body: body() })).toMatchObject({ t: 'sent' });
    sa.close();
  });

  it("refuses timers above the security group's maxima and deletes expired messages", async () => {
    await t.client.call('UpdateSecurityGroup', { networkId: net, groupId: group, securityGroupSettings: { maxTtl: 60, maxBor: 30 } });
    const r = await room(alice, [bob]);
    const sa = await RawSocket.open(t, alice.token);
    expect(sa.frames[0]).toMatchObject({ t: 'ready', policy: { maxTtl: 60, maxBor: 30 } });
    expect(await send(sa, { conv: r.id, messageId: msgId(), kind: 'sk', body: body(), ttl: 61 })).toMatchObject({ t: 'error', code: 'policy_violation' });
    expect(await send(sa, { conv: r.id, messageId: msgId(), kind: 'sk', body: body(), bor: 31 })).toMatchObject({ t: 'error', code: 'policy_violation' });
    const id = msgId();
    expect(await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body(), ttl: 60 })).toMatchObject({ t: 'sent' });
    const sb = await RawSocket.open(t, bob.token);
    const m = await sb.next<Msg>(isMsg(r.id, id));
    expect(m.m.expiresAt! - m.m.sentAt).toBe(60_000);
    // Expiry: the server deletes it and tells connected members.
    await t.server.store.db.updateTable('conv_messages').set({ expires_at: Date.now() - 1 }).where('conv_id', '=', r.id).where('message_id', '=', id).execute();
    await t.server.messaging.runJobs();
    expect(await sb.next((f) => f.t === 'expired' && f.conv === r.id)).toMatchObject({ messageIds: [id] });
    expect(await t.server.store.db.selectFrom('conv_messages').select('seq').where('conv_id', '=', r.id).where('message_id', '=', id).execute()).toEqual([]);
    await t.client.call('UpdateSecurityGroup', { networkId: net, groupId: group, securityGroupSettings: { maxTtl: 31536000, maxBor: 86400 } });
    sa.close();
    sb.close();
  });

  it('deletes a burn-on-read message on the server once every recipient device has acknowledged it', async () => {
    const [x, y] = [await member(), await member()];
    const r = await room(alice, [x, y]);
    const sa = await RawSocket.open(t, alice.token);
    const id = msgId();
    await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body(), bor: 10 });
    const stored = () => t.server.store.db.selectFrom('conv_messages').select('seq').where('conv_id', '=', r.id).where('message_id', '=', id).execute();
    const readAndAck = async (m: TestMember) => {
      const s = await RawSocket.open(t, m.token);
      const got = await s.next<Msg>(isMsg(r.id, id));
      expect(got.m.bor).toBe(10);
      s.send({ t: 'ack', conv: r.id, seq: got.m.seq });
      await s.sync();
      await t.server.messaging.hub.flushAcks();
      await t.server.messaging.runJobs();
      s.close();
    };
    await readAndAck(x);
    expect((await stored()).length).toBe(1); // y's device has not acknowledged it yet
    await readAndAck(y);
    expect(await stored()).toEqual([]);
    sa.close();
  });

  it('sends read receipts in 1:1 only, and only when the network allows them', async () => {
    const dm = (await api<Conversation>(t, 'POST', '/v1/conversations', bob.token, { kind: 'dm', members: [carol.userId] })).body;
    const r = await room(bob, [carol]);
    await t.client.call('UpdateNetworkSettings', { networkId: net, settings: { readReceiptConfig: { status: 'DISABLED' } } });
    const sc = await RawSocket.open(t, carol.token);
    sc.send({ t: 'receipt', req: 'a', conv: dm.id, messageIds: ['m1'] });
    expect(await sc.next((f) => f.t === 'error' && f.req === 'a')).toMatchObject({ code: 'policy_violation' });
    await t.client.call('UpdateNetworkSettings', { networkId: net, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    await sc.next((f) => f.t === 'policy' && f.policy.readReceipts === 'ENABLED', 2000);
    sc.send({ t: 'receipt', req: 'b', conv: dm.id, messageIds: ['m1'] });
    await sc.next((f) => f.t === 'ok' && f.req === 'b');
    sc.send({ t: 'receipt', req: 'c', conv: r.id, messageIds: ['m1'] });
    expect(await sc.next((f) => f.t === 'error' && f.req === 'c')).toMatchObject({ code: 'bad_request' });
    const sb = await RawSocket.open(t, bob.token);
    const rcpt = await sb.next<Msg>((f) => f.t === 'msg' && f.m.conv === dm.id && f.m.kind === 'rcpt');
    expect(JSON.parse(rcpt.m.body)).toEqual({ messageIds: ['m1'], state: 'read' });
    sc.close();
    sb.close();
  });

  it('deletes a message for everyone only at the request of its sender', async () => {
    const r = await room(alice, [bob]);
    const sa = await RawSocket.open(t, alice.token);
    const sb = await RawSocket.open(t, bob.token);
    const id = msgId();
    await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    sb.send({ t: 'delete', req: 'd1', conv: r.id, messageId: id });
    expect(await sb.next((f) => f.t === 'error' && f.req === 'd1')).toMatchObject({ code: 'forbidden' });
    sa.send({ t: 'delete', req: 'd2', conv: r.id, messageId: id });
    await sa.next((f) => f.t === 'ok' && f.req === 'd2');
    const tomb = await sb.next<Msg>((f) => f.t === 'msg' && f.m.conv === r.id && f.m.kind === 'sys' && f.m.body.includes('deleted_message'));
    expect(JSON.parse(tomb.m.body)).toMatchObject({ event: 'deleted_message', messageId: id, by: alice.userId });
    const history = await api<{ messages: DeliveredMessage[] }>(t, 'GET', `/v1/conversations/${r.id}/messages?after=0`, bob.token);
    expect(history.body.messages.some((m) => m.messageId === id)).toBe(false);
    sa.close();
    sb.close();
  });

  it('stops delivering to a removed member and tells their sockets', async () => {
    const r = await room(alice, [bob, carol]);
    const sc = await RawSocket.open(t, carol.token);
    await api(t, 'PATCH', `/v1/conversations/${r.id}`, alice.token, { removeMembers: [carol.userId] });
    await sc.next((f) => f.t === 'removed' && f.conv === r.id);
    const sa = await RawSocket.open(t, alice.token);
    const id = msgId();
    await send(sa, { conv: r.id, messageId: id, kind: 'sk', body: body() });
    const sb = await RawSocket.open(t, bob.token);
    await sb.next(isMsg(r.id, id));
    await new Promise((res) => setTimeout(res, 100));
    expect(sc.frames.some((f) => f.t === 'msg' && f.m.messageId === id)).toBe(false);
    expect((await api(t, 'GET', `/v1/conversations/${r.id}/messages?after=0`, carol.token)).body).toMatchObject({ code: 'not_member' });
    for (const s of [sa, sb, sc]) s.close();
  });

  it('delivers the security group settings clients enforce, and presence only where the group enables it', async () => {
    const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId: net, name: 'Quiet', securityGroupSettings: {} });
    await t.client.call('UpdateSecurityGroup', {
      networkId: net,
      groupId: securityGroup.id,
      securityGroupSettings: { quickResponses: ['On my way', 'Call me'], enableNotificationPreview: false, maxAutoDownloadSize: 512000, presenceEnabled: false, messageForwardingEnabled: false, locationEnabled: false, locationAllowMaps: false },
    });
    const quiet = await registerMember(t, net, `quiet${++n}@example.com`, { groupId: securityGroup.id });
    const sq = await RawSocket.open(t, quiet.token);
    expect(sq.frames[0]).toMatchObject({
      t: 'ready',
      policy: { quickResponses: ['On my way', 'Call me'], enableNotificationPreview: false, maxAutoDownloadSize: 512000, presenceEnabled: false, messageForwardingEnabled: false, locationEnabled: false, locationAllowMaps: false },
    });
    // Presence: members of a group with presence on see each other come and go; the quiet member sees nothing.
    const [x, y] = [await member(), await member()];
    const sx = await RawSocket.open(t, x.token);
    const sy = await RawSocket.open(t, y.token);
    expect(await sx.next((f) => f.t === 'presence' && f.userId === y.userId)).toMatchObject({ state: 'online' });
    sy.send({ t: 'presence', state: 'away' });
    await sx.next((f) => f.t === 'presence' && f.userId === y.userId && f.state === 'away');
    sy.close();
    await sx.next((f) => f.t === 'presence' && f.userId === y.userId && f.state === 'offline');
    sq.send({ t: 'presence', state: 'away' });
    await sq.sync();
    await new Promise((res) => setTimeout(res, 100));
    expect(sq.frames.some((f) => f.t === 'presence')).toBe(false);
    expect(sx.frames.some((f) => f.t === 'presence' && f.userId === quiet.userId)).toBe(false);
    sx.close();
    sq.close();
  });
});
