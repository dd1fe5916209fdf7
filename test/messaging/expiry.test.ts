// Message expiry at the wire level (docs/messaging.md, "Expiry"): a message sent without a timer
// expires at the sender's security group maximum — stored, answered in `sent` and the REST answer,
// delivered and read by range with that expiry, and deleted by the expiry job then; an explicit
// shorter timer is kept; the sender's group decides across groups and federated networks; sender-key
// distributions, receipts and deletion tombstones follow their own rules. The server's clock is
// moved forward instead of waiting.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, DeliveredMessage, ServerFrame } from '../../packages/protocol/src/index.js';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { api, RawSocket, registerMember, type TestMember } from '../helpers/members.js';

const body = () => randomBytes(48).toString('base64url');
const msgId = () => randomBytes(9).toString('base64url');
type Msg = Extract<ServerFrame, { t: 'msg' }>;
type Sent = Extract<ServerFrame, { t: 'sent' }>;
const HOUR = 3600;
const YEAR = 31_536_000;

describe(`message expiry: the group maximum by default (${dialectName})`, () => {
  let t: TestServer;
  let offset = 0;
  let net: { networkId: string; defaultGroupId: string };
  let alice: TestMember;
  let bob: TestMember;
  let n = 0;
  const sockets: RawSocket[] = [];

  const setGroup = (networkId: string, groupId: string, settings: Record<string, unknown>) => t.client.call('UpdateSecurityGroup', { networkId, groupId, securityGroupSettings: settings });
  const newGroup = async (networkId: string, settings: Record<string, unknown>) =>
    (await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId, name: `g${++n}`, securityGroupSettings: settings })).securityGroup.id;
  const open = async (m: TestMember) => {
    const s = await RawSocket.open(t, m.token);
    sockets.push(s);
    return s;
  };
  const send = async (ws: RawSocket, msg: Record<string, unknown>): Promise<Sent> => {
    const req = msgId();
    ws.send({ t: 'send', req, msg });
    const f = await ws.next((x) => (x.t === 'sent' || x.t === 'error') && x.req === req);
    if (f.t !== 'sent') throw new Error(`send refused: ${JSON.stringify(f)}`);
    return f as Sent;
  };
  const stored = async (conv: string, messageId: string) =>
    t.server.store.db.selectFrom('conv_messages').select(['sent_at', 'expires_at']).where('conv_id', '=', conv).where('message_id', '=', messageId).executeTakeFirst();
  const conversation = async (owner: TestMember, kind: 'dm' | 'room', members: TestMember[]) => {
    const r = await api<Conversation>(t, 'POST', '/v1/conversations', owner.token, { kind, members: members.map((m) => m.userId), ...(kind === 'room' ? { name: 'Ops' } : {}) });
    expect([200, 201]).toContain(r.status);
    return r.body;
  };
  const range = async (m: TestMember, conv: string) => (await api<{ messages: DeliveredMessage[] }>(t, 'GET', `/v1/conversations/${conv}/messages?after=0`, m.token)).body.messages;

  beforeAll(async () => {
    t = await startTestServer({ now: () => Date.now() + offset });
    net = await createNetwork(t.client, 'Expiry');
    alice = await registerMember(t, net.networkId, 'alice@example.com');
    bob = await registerMember(t, net.networkId, 'bob@example.com');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('gives a message sent without a timer the group maximum: in `sent`, the stored row, the delivered frame and range reads', async () => {
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: HOUR });
    const room = await conversation(alice, 'room', [bob]);
    const dm = await conversation(alice, 'dm', [bob]);
    const sa = await open(alice);
    const sb = await open(bob);
    expect(sa.frames[0]).toMatchObject({ t: 'ready', policy: { maxTtl: HOUR } });

    const inRoom = msgId();
    const sent = await send(sa, { conv: room.id, messageId: inRoom, kind: 'sk', body: body() });
    const row = (await stored(room.id, inRoom))!;
    expect(row.expires_at).toBe(row.sent_at + HOUR * 1000);
    expect(sent.expiresAt).toBe(row.expires_at);
    expect((await sb.next<Msg>((f) => f.t === 'msg' && f.m.messageId === inRoom)).m.expiresAt).toBe(row.expires_at);
    expect((await range(bob, room.id)).find((m) => m.messageId === inRoom)?.expiresAt).toBe(row.expires_at);

    // A pairwise message of a DM, and the REST route's answer.
    const inDm = msgId();
    const rest = await api<{ seq: number; duplicate: boolean; expiresAt: number | null }>(t, 'POST', `/v1/conversations/${dm.id}/messages`, alice.token, { messageId: inDm, kind: 'pw', parts: { [bob.deviceId]: body() } });
    expect(rest.status).toBe(201);
    const dmRow = (await stored(dm.id, inDm))!;
    expect(dmRow.expires_at).toBe(dmRow.sent_at + HOUR * 1000);
    expect(rest.body.expiresAt).toBe(dmRow.expires_at);
    expect((await sb.next<Msg>((f) => f.t === 'msg' && f.m.messageId === inDm)).m.expiresAt).toBe(dmRow.expires_at);

    // A repeated send answers the stored expiry, not a new one.
    offset += 5000;
    const again = await send(sa, { conv: room.id, messageId: inRoom, kind: 'sk', body: body() });
    expect(again).toMatchObject({ duplicate: true, expiresAt: row.expires_at });
    offset = 0;
  });

  it('deletes it with the expiry job once the maximum has passed, and never delivers it after', async () => {
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: 60 });
    const room = await conversation(alice, 'room', [bob]);
    const sa = await open(alice);
    const id = msgId();
    const sent = await send(sa, { conv: room.id, messageId: id, kind: 'sk', body: body() });
    const row = (await stored(room.id, id))!;
    expect(row.expires_at).toBe(row.sent_at + 60_000);
    const sb = await open(bob);
    await sb.next((f) => f.t === 'msg' && f.m.messageId === id);

    // One second before: still stored and delivered.
    offset = row.expires_at! - Date.now() - 1000;
    await t.server.messaging.runJobs();
    expect(await stored(room.id, id)).toBeDefined();
    expect((await range(bob, room.id)).some((m) => m.messageId === id)).toBe(true);

    // At its expiry: hidden, deleted by the job, and connected members are told.
    offset = sent.expiresAt! - Date.now();
    expect((await range(bob, room.id)).some((m) => m.messageId === id)).toBe(false);
    await t.server.messaging.runJobs();
    expect(await stored(room.id, id)).toBeUndefined();
    expect(await sb.next((f) => f.t === 'expired' && f.conv === room.id)).toMatchObject({ messageIds: [id] });
    offset = 0;
  });

  it('keeps an explicit shorter timer, and refuses one over the maximum', async () => {
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: HOUR });
    const room = await conversation(alice, 'room', [bob]);
    const sa = await open(alice);
    const id = msgId();
    const sent = await send(sa, { conv: room.id, messageId: id, kind: 'sk', body: body(), ttl: 90 });
    const row = (await stored(room.id, id))!;
    expect(row.expires_at).toBe(row.sent_at + 90_000);
    expect(sent.expiresAt).toBe(row.expires_at);
    const req = msgId();
    sa.send({ t: 'send', req, msg: { conv: room.id, messageId: msgId(), kind: 'sk', body: body(), ttl: HOUR + 1 } });
    expect(await sa.next((f) => f.t === 'error' && f.req === req)).toMatchObject({ code: 'policy_violation', message: `Your security group allows an expiration timer of at most ${HOUR} seconds.` });
  });

  it("applies the sender's group maximum: a later change of the maximum applies to later messages only", async () => {
    // A group whose settings never mention maxTtl enforces the one-year default.
    const plain = await newGroup(net.networkId, {});
    const brief = await newGroup(net.networkId, {});
    await setGroup(net.networkId, brief, { maxTtl: 120 });
    const p = await registerMember(t, net.networkId, `plain${++n}@example.com`, { groupId: plain });
    const b = await registerMember(t, net.networkId, `brief${++n}@example.com`, { groupId: brief });
    const dm = await conversation(p, 'dm', [b]);
    const [sp, sbr] = [await open(p), await open(b)];
    const fromPlain = msgId();
    await send(sp, { conv: dm.id, messageId: fromPlain, kind: 'pw', parts: { [b.deviceId]: body() } });
    const fromBrief = msgId();
    await send(sbr, { conv: dm.id, messageId: fromBrief, kind: 'pw', parts: { [p.deviceId]: body() } });
    const rp = (await stored(dm.id, fromPlain))!;
    const rb = (await stored(dm.id, fromBrief))!;
    expect(rp.expires_at).toBe(rp.sent_at + YEAR * 1000);
    expect(rb.expires_at).toBe(rb.sent_at + 120_000);

    await setGroup(net.networkId, plain, { maxTtl: 300 });
    await sp.next((f) => f.t === 'policy' && f.policy.maxTtl === 300);
    const later = msgId();
    await send(sp, { conv: dm.id, messageId: later, kind: 'pw', parts: { [b.deviceId]: body() } });
    const rl = (await stored(dm.id, later))!;
    expect(rl.expires_at).toBe(rl.sent_at + 300_000);
    expect((await stored(dm.id, fromPlain))!.expires_at).toBe(rp.expires_at);
  });

  it("uses the sender's group across federated networks", async () => {
    const other = await createNetwork(t.client, 'Partner');
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: HOUR, federationMode: 1 });
    await setGroup(other.networkId, other.defaultGroupId, { maxTtl: 600, federationMode: 1 });
    const erin = await registerMember(t, other.networkId, `erin${++n}@example.com`);
    const dm = await conversation(alice, 'dm', [erin]);
    const [sa, se] = [await open(alice), await open(erin)];
    const fromAlice = msgId();
    await send(sa, { conv: dm.id, messageId: fromAlice, kind: 'pw', parts: { [erin.deviceId]: body() } });
    const fromErin = msgId();
    await send(se, { conv: dm.id, messageId: fromErin, kind: 'pw', parts: { [alice.deviceId]: body() } });
    const ra = (await stored(dm.id, fromAlice))!;
    const re = (await stored(dm.id, fromErin))!;
    expect(ra.expires_at).toBe(ra.sent_at + HOUR * 1000);
    expect(re.expires_at).toBe(re.sent_at + 600_000);
    expect((await se.next<Msg>((f) => f.t === 'msg' && f.m.messageId === fromAlice)).m.expiresAt).toBe(ra.expires_at);
    expect((await sa.next<Msg>((f) => f.t === 'msg' && f.m.messageId === fromErin)).m.expiresAt).toBe(re.expires_at);
    await setGroup(net.networkId, net.defaultGroupId, { federationMode: 0 });
  });

  it('keeps sender-key distributions (pairwise records of a room) without a default expiry', async () => {
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: HOUR });
    const room = await conversation(alice, 'room', [bob]);
    const sa = await open(alice);
    const dist = msgId();
    const sent = await send(sa, { conv: room.id, messageId: dist, kind: 'pw', parts: { [bob.deviceId]: body() } });
    expect(sent.expiresAt).toBeNull();
    expect((await stored(room.id, dist))!.expires_at).toBeNull();
    const timed = msgId();
    await send(sa, { conv: room.id, messageId: timed, kind: 'pw', parts: { [bob.deviceId]: body() }, ttl: 30 });
    const row = (await stored(room.id, timed))!;
    expect(row.expires_at).toBe(row.sent_at + 30_000);
  });

  it('lets a read receipt live as long as the message it reports, and a deletion tombstone as long as the deleted message', async () => {
    await setGroup(net.networkId, net.defaultGroupId, { maxTtl: HOUR });
    await t.client.call('UpdateNetworkSettings', { networkId: net.networkId, settings: { readReceiptConfig: { status: 'ENABLED' } } });
    const dm = await conversation(alice, 'dm', [bob]);
    const [sa, sb] = [await open(alice), await open(bob)];
    await sb.next((f) => f.t === 'ready');
    const id = msgId();
    const sent = await send(sa, { conv: dm.id, messageId: id, kind: 'pw', parts: { [bob.deviceId]: body() }, ttl: 120 });
    offset = 30_000; // the receipt comes later, and still ends with the message
    sb.send({ t: 'receipt', req: 'r1', conv: dm.id, messageIds: [id] });
    await sb.next((f) => f.t === 'ok' && f.req === 'r1');
    const rcpt = await sa.next<Msg>((f) => f.t === 'msg' && f.m.conv === dm.id && f.m.kind === 'rcpt');
    expect(rcpt.m.expiresAt).toBe(sent.expiresAt);
    // A receipt for nothing stored gets the reader's group maximum.
    sb.send({ t: 'receipt', req: 'r2', conv: dm.id, messageIds: ['gone'] });
    await sb.next((f) => f.t === 'ok' && f.req === 'r2');
    const orphan = await sa.next<Msg>((f) => f.t === 'msg' && f.m.conv === dm.id && f.m.kind === 'rcpt' && f.m.body.includes('gone'));
    expect(orphan.m.expiresAt).toBe(orphan.m.sentAt + HOUR * 1000);

    sa.send({ t: 'delete', req: 'd1', conv: dm.id, messageId: id });
    await sa.next((f) => f.t === 'ok' && f.req === 'd1');
    const tomb = await sb.next<Msg>((f) => f.t === 'msg' && f.m.conv === dm.id && f.m.kind === 'sys' && f.m.body.includes('deleted_message'));
    expect(tomb.m.expiresAt).toBe(sent.expiresAt);
    offset = 0;
    await t.client.call('UpdateNetworkSettings', { networkId: net.networkId, settings: { readReceiptConfig: { status: 'DISABLED' } } });
  });
});
