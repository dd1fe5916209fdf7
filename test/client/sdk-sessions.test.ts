// End-to-end tests of the SDK's connection and account flows against a real server: reconnecting
// after the connection drops (sends made meanwhile are delivered once), a new device approved under
// account takeover protection, location sharing only where the group allows it, and the non-SSO
// session timeout locking the client until the password signs the device in again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, receivedRef, type Received } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { createNetwork, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { kdf, collect, until } from '../helpers/sdk.js';

let t: TestServer;
let networkId: string;
const open: EnclaveClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ({ networkId } = await createNetwork(t.client, 'SDK Sessions'));
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await t?.close();
});

async function groupWith(name: string, settings: Record<string, unknown>): Promise<string> {
  const { securityGroup } = await t.client.call<{ securityGroup: { id: string } }>('CreateSecurityGroup', { networkId, name, securityGroupSettings: {} });
  await t.client.call('UpdateSecurityGroup', { networkId, groupId: securityGroup.id, securityGroupSettings: settings });
  return securityGroup.id;
}

async function member(name: string, opts: { groupId?: string; now?: () => number; store?: MemoryStore } = {}) {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { inviteCode } = await invite(t, networkId, email, opts.groupId);
  const store = opts.store ?? new MemoryStore();
  const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store, kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1', ...(opts.now ? { now: opts.now } : {}) });
  open.push(client);
  return { client, email, store };
}

describe('SDK sessions and connections', () => {
  it('reconnects after the connection drops; sends made meanwhile are delivered once', async () => {
    const a = await member('na');
    const b = await member('nb');
    const bGot = collect(b.client);
    const states: string[] = [];
    a.client.on('connection', (s) => states.push((s as { state: string }).state));
    await a.client.connect();
    await b.client.connect();
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'before the drop');
    await until(() => bGot.length === 1);
    // The network drops every socket (no closing frame).
    for (const ws of t.server.app.websocketServer.clients) ws.terminate();
    const pending = [a.client.sendText(dm.id, 'during the drop 1'), a.client.sendText(dm.id, 'during the drop 2')];
    await Promise.all(pending);
    await until(() => bGot.length === 3, 15_000);
    expect(states).toContain('reconnecting');
    await new Promise((r) => setTimeout(r, 300));
    expect(bGot.map((m) => m.text)).toEqual(['before the drop', 'during the drop 1', 'during the drop 2']);
  });

  it('approves a new device with a code from an existing device under account takeover protection', async () => {
    const groupId = await groupWith('ATO sdk', { isAtoEnabled: true });
    const a = await member('aa', { groupId });
    const b = await member('ab');
    const second = await EnclaveClient.login({ server: t.url, email: a.email, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1' });
    open.push(second);
    expect(second.pendingApproval).toBe(true);
    await expect(second.conversations()).rejects.toMatchObject({ code: 'device_approval_required' });
    await expect(second.approveDevice({ code: 'WRONGCOD' })).rejects.toMatchObject({ status: 403 });
    const { code } = await a.client.createApprovalCode();
    await second.approveDevice({ code });
    expect(second.pendingApproval).toBe(false);
    // Approved by the server; contacts encrypt to it once the first device signs it into the list.
    expect(second.deviceListState).toBe('pending');
    await a.client.approveNewDevice(second.deviceId);
    expect(await second.syncDevices()).toBe('trusted');
    const got = collect(second);
    await second.connect();
    const dm = await b.client.openDm(a.email);
    await b.client.sendText(dm.id, 'to both of your devices');
    await until(() => got.length === 1);
    expect(got[0]!.text).toBe('to both of your devices');
  });

  it('shares a location only where the security group allows it', async () => {
    const a = await member('la');
    const b = await member('lb');
    const bGot = collect(b.client);
    await b.client.connect();
    const dm = await a.client.openDm(b.email);
    await a.client.sendLocation(dm.id, 25.033, 121.5654);
    await until(() => bGot.length === 1);
    expect(bGot[0]!.location).toMatchObject({ latitude: 25.033, longitude: 121.5654 });
    const noLocation = await groupWith('No location', { locationEnabled: false, locationAllowMaps: false });
    const c = await member('lc', { groupId: noLocation });
    const dm2 = await c.client.openDm(b.email);
    await expect(c.client.sendLocation(dm2.id, 1, 2)).rejects.toMatchObject({ code: 'location_disabled', message: 'Location sharing is turned off by your security group.' });
  });

  it('locks at the non-SSO session timeout until the password signs the device in again', async () => {
    const groupId = await groupWith('Short sessions', { nonSsoTimeoutMinutes: 5 });
    let skew = 0;
    const now = () => Date.now() + skew;
    const a = await member('sa', { groupId, now });
    const b = await member('sb');
    expect(a.client.policy.sessionTimeoutMinutes).toBe(5);
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'within the session');
    const locked = a.client.next('locked');
    // Five minutes pass (on the client's clock; the server ends the session the same way).
    skew = 5 * 60_000 + 1000;
    await t.server.store.db.updateTable('member_sessions').set({ expires_at: Date.now() - 1 }).where('device_id', '=', a.client.deviceId).execute();
    // The app comes back (or simply acts) after the timeout: the client locks.
    a.client.resumeApp();
    expect(await locked).toMatchObject({ reason: 'session_timeout' });
    expect(a.client.locked).toBe(true);
    await expect(a.client.sendText(dm.id, 'while locked')).rejects.toMatchObject({ code: 'reauthentication_required' });
    await expect(a.client.unlock('Wrong-password-1')).rejects.toMatchObject({ code: 'invalid_credentials' });
    skew = 0;
    await a.client.unlock(GOOD_PASSWORD);
    expect(a.client.locked).toBe(false);
    await a.client.sendText(dm.id, 'after signing in again');
  });

  it('acknowledges a message only after beforeAck resolved, in order, retrying a failed one; keepMessages false keeps no copy', async () => {
    const a = await member('ka');
    const email = `kb-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const { inviteCode } = await invite(t, networkId, email);
    const releases = new Map<string, () => void>();
    let failOnce = true;
    const b = await EnclaveClient.register({
      server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'bot', clientName: 'archiver/1',
      keepMessages: false,
      beforeAck: (r) => {
        if (r.kind !== 'message') throw new Error(`unexpected ${r.kind}`);
        const m = r.message;
        if (m.text === 'two' && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('disk full'));
        }
        return new Promise<void>((resolve) => releases.set(m.text!, resolve));
      },
    });
    open.push(b);
    const got = collect(b);
    await b.connect();
    const dm = await a.client.openDm(email);
    const sent = [await a.client.sendText(dm.id, 'one'), await a.client.sendText(dm.id, 'two'), await a.client.sendText(dm.id, 'three')];
    await until(() => got.length === 3);
    const cursor = async () => {
      await t.server.messaging.hub.flushAcks();
      return (await t.server.store.db.selectFrom('device_cursors').select('seq').where('device_id', '=', b.deviceId).where('conv_id', '=', dm.id).executeTakeFirstOrThrow()).seq;
    };
    const before = await cursor();
    expect(before).toBeLessThan(sent[0]!.seq);
    releases.get('three')!(); // out of order: nothing may be acknowledged from 'one' on
    await new Promise((r) => setTimeout(r, 200));
    // (Records before 'one', such as the conversation's creation, need no step: their acks may land now.)
    expect(await cursor()).toBeLessThan(sent[0]!.seq);
    releases.get('one')!();
    await until(() => releases.has('two'), 5000); // 'two' failed once and is retried
    await new Promise((r) => setTimeout(r, 200));
    expect(await cursor()).toBe(sent[0]!.seq);
    releases.get('two')!();
    await b.idle();
    let last = 0;
    for (let i = 0; i < 50 && last !== sent[2]!.seq; i++) {
      last = await cursor();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).toBe(sent[2]!.seq);
    expect(await b.messages(dm.id)).toEqual([]);
  });
  it('hands edits, deletes for everyone and undecryptable messages to beforeAck as well, each acknowledged only after its step', async () => {
    const a = await member('ea');
    const email = `eb-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const { inviteCode } = await invite(t, networkId, email);
    const got: Received[] = [];
    const releases = new Map<string, () => void>();
    const b = await EnclaveClient.register({
      server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'bot', clientName: 'archiver/1',
      keepMessages: false,
      beforeAck: (r) => {
        got.push(r);
        return new Promise<void>((resolve) => releases.set(receivedRef(r).id, resolve));
      },
    });
    open.push(b);
    const room = await a.client.createRoom({ name: 'Every kind', members: [email] });
    const original = await a.client.sendText(room.id, 'original');
    await a.client.edit(room.id, original.id, 'edited once');
    const gone = await a.client.sendText(room.id, 'to be deleted');
    await a.client.deleteForEveryone(room.id, gone.id);
    const bad = await a.client.sendText(room.id, 'tampered on the server');
    // The server flips one byte of the last ciphertext: b cannot decrypt it.
    const db = t.server.store.db;
    const row = await db.selectFrom('conv_messages').select(['seq', 'body']).where('conv_id', '=', room.id).where('message_id', '=', bad.id).executeTakeFirstOrThrow();
    const flipped = Buffer.from(row.body, 'base64url');
    flipped[flipped.length - 20]! ^= 0x01;
    await db.updateTable('conv_messages').set({ body: flipped.toString('base64url') }).where('conv_id', '=', room.id).where('seq', '=', row.seq).execute();

    await b.connect();
    await until(() => got.length === 4, 10_000).catch((err) => { throw new Error(`${(err as Error).message}: ${JSON.stringify(got.map((r) => r.kind))}`); });
    // The deleted message itself never reaches a member's device that did not have it yet.
    const [m1, edit, del, undecryptable] = got;
    expect(m1).toMatchObject({ kind: 'message', message: { id: original.id, text: 'original' } });
    expect(edit).toMatchObject({ kind: 'edit', conv: room.id, target: original.id, text: 'edited once', sender: { userId: a.client.userId, deviceId: a.client.deviceId } });
    expect(del).toMatchObject({ kind: 'delete', conv: room.id, target: gone.id, by: a.client.userId });
    expect(undecryptable).toMatchObject({ kind: 'undecryptable', id: bad.id, conv: room.id, seq: row.seq, code: 'integrity', sender: { userId: a.client.userId } });
    const seqs = got.map((r) => receivedRef(r).seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));

    const cursor = async () => {
      await t.server.messaging.hub.flushAcks();
      return (await db.selectFrom('device_cursors').select('seq').where('device_id', '=', b.deviceId).where('conv_id', '=', room.id).executeTakeFirstOrThrow()).seq;
    };
    // Each record holds the acknowledgement of everything after it until its step is done.
    for (let i = 0; i < got.length; i++) {
      const held = receivedRef(got[i]!);
      await new Promise((r) => setTimeout(r, 150));
      expect(await cursor()).toBeLessThan(held.seq);
      releases.get(held.id)!();
      let now = 0;
      for (let k = 0; k < 60 && now < held.seq; k++) {
        now = await cursor();
        if (now < held.seq) await new Promise((r) => setTimeout(r, 50));
      }
      expect(now).toBeGreaterThanOrEqual(held.seq);
    }
  });
});
