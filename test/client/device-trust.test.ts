// Signed device lists through the SDK against a real server that is treated as the adversary it may
// be: safety numbers agree on both sides and survive a properly approved device; a new device is
// pending (it can send nothing, and nothing is encrypted to it) until an existing device approves it;
// a device the server adds behind the account's back gets nothing; a list the server forges for it
// is a reset every contact sees, which blocks sending to a contact who verified; an old list served
// again is refused and the pin kept; a removed device leaves the list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, type SafetyNotice } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import {
  decodeDeviceList,
  firstDeviceList,
  fromBase64Url,
  generateIdentity,
  generateSignedPrekey,
  publicSignedPrekey,
  toBase64Url,
} from '../../packages/protocol/src/index.js';
import { recordDevicesChanged } from '../../packages/server/src/usecases/member/conversations.js';
import { autocommit } from '../../packages/server/src/infra/db.js';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD } from '../helpers/members.js';
import { collect, kdf, sdkMember, until } from '../helpers/sdk.js';

describe(`device lists and safety numbers through the SDK (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  const open: EnclaveClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net } = await createNetwork(t.client, 'Safety'));
  });
  afterAll(async () => {
    for (const c of open) await c.close().catch(() => undefined);
    await t.close();
  });

  const db = () => t.server.store.db;
  const lists = () => db().withTables<{ device_lists: { network_id: string; user_id: number; version: number; first_version: number; body: string; signer_device_id: string; created_at: number } }>();
  async function member(name: string) {
    const m = await sdkMember(t, net, name);
    open.push(m.client);
    return m;
  }
  async function newDevice(email: string, mode?: 'reset' | 'await-approval') {
    const c = await EnclaveClient.login({ server: t.url, email, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'sdk-test/1', ...(mode ? { newDevice: mode } : {}) });
    open.push(c);
    return c;
  }
  const partsFor = async (conv: string, deviceId: string) => (await db().selectFrom('conv_message_parts').select('seq').where('conv_id', '=', conv).where('device_id', '=', deviceId).execute()).length;
  const noticesOf = (c: EnclaveClient, conv: string) => c.notices(conv);

  it('gives both members the same safety number; verifying needs the matching number', async () => {
    const a = await member('sa');
    const b = await member('sb');
    const ab = await a.client.safetyNumber(b.email);
    const ba = await b.client.safetyNumber(a.email);
    expect(ab.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(ab.digits).toBe(ba.digits);
    expect(ab.qr).toBe(ba.qr);
    expect(ab.verified).toBe(false);
    const other = await member('sc');
    const wrong = (await a.client.safetyNumber(other.email)).digits;
    await expect(a.client.markVerified(b.email, wrong)).rejects.toMatchObject({ code: 'bad_request' });
    expect((await a.client.safetyNumber(b.email)).verified).toBe(false);
    expect((await a.client.markVerified(b.email, ba.qr)).verified).toBe(true);
    expect((await a.client.safetyNumber(b.email)).verified).toBe(true);
    await a.client.clearVerification(b.email);
    expect((await a.client.safetyNumber(b.email)).verified).toBe(false);
  });

  it('keeps a new device out until an existing device approves it; then it is a device change, not a reset', async () => {
    const a = await member('pa');
    const b = await member('pb');
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'hello');
    await a.client.markVerified(b.email, (await b.client.safetyNumber(a.email)).digits);
    const before = (await a.client.safetyNumber(b.email)).digits;

    const requested = b.client.next('device_approval_requested');
    const b2 = await newDevice(b.email);
    expect(b2.deviceListState).toBe('pending');
    await b2.connect();
    const b2Got = collect(b2);
    // Pending: it cannot send, and a contact encrypts nothing to it.
    await expect(b2.sendText(dm.id, 'from the pending device')).rejects.toMatchObject({ code: 'device_not_in_list' });
    await a.client.sendText(dm.id, 'while b2 waits');
    expect(await partsFor(dm.id, b2.deviceId)).toBe(0);
    const pending = await requested;
    expect(pending).toMatchObject({ deviceId: b2.deviceId, fingerprint: b2.deviceFingerprint });
    expect((await b.client.pendingDevices()).map((p) => p.deviceId)).toEqual([b2.deviceId]);

    const changed = a.client.next('devices_changed', (e) => e.userId === b.client.userId);
    const trusted = b2.next('device_list', (e) => e.state === 'trusted');
    await b.client.approveNewDevice(b2.deviceId);
    expect(await changed).toMatchObject({ added: [b2.deviceId], removed: [], self: false });
    await trusted;
    expect(b2.deviceListState).toBe('trusted');
    const sn = await a.client.safetyNumber(b.email);
    expect(sn).toMatchObject({ digits: before, verified: true, confirmRequired: false });
    expect((await noticesOf(a.client, dm.id)).map((n) => n.kind)).toContain('devices_changed');
    await a.client.sendText(dm.id, 'to both of bob’s devices');
    await until(() => b2Got.some((m) => m.text === 'to both of bob’s devices'));
    await b2.sendText(dm.id, 'from the approved device');
    expect(await b2.pendingDevices()).toEqual([]);
  });

  it('gives a device the server adds behind the account\'s back nothing; a list forged for it is a reset that blocks a verified contact', async () => {
    const a = await member('ga');
    const b = await member('gb');
    const c = await member('gc');
    const dm = await a.client.openDm(b.email);
    const dmC = await c.client.openDm(b.email);
    await a.client.sendText(dm.id, 'before');
    await c.client.sendText(dmC.id, 'before');
    await a.client.markVerified(b.email, (await b.client.safetyNumber(a.email)).qr);

    // The malicious server inserts a device for Bob in its own store.
    const ghost = generateIdentity();
    const spk = publicSignedPrekey(generateSignedPrekey(ghost, 1));
    const ghostId = 'dGhostDevice0001';
    const now = Date.now();
    await db().insertInto('device_keys').values({
      device_id: ghostId, network_id: net, user_id: b.client.userId, client: 'ghost/1', approved: 1, revoked: 0,
      identity_sign_pub: toBase64Url(ghost.signPub), identity_dh_pub: toBase64Url(ghost.dhPub),
      spk_id: spk.id, spk_pub: toBase64Url(spk.dhPub), spk_kem_pub: toBase64Url(spk.kemPublic), spk_signature: toBase64Url(spk.signature), created_at: now,
    }).execute();
    await db().insertInto('devices').values({ network_id: net, user_id: b.client.userId, app_id: ghostId, type: 'cli', status: 'Active', created_at: now, last_login: now }).execute();
    const listed = await t.server.store.db.selectFrom('devices').select('app_id').where('user_id', '=', b.client.userId).execute();
    expect(listed.map((r) => r.app_id)).toContain(ghostId);
    // Contacts do not encrypt to it: it is in no list Bob's devices signed.
    await a.client.sendText(dm.id, 'not for the ghost');
    await c.client.sendText(dmC.id, 'not for the ghost either');
    expect(await partsFor(dm.id, ghostId)).toBe(0);
    expect(await partsFor(dmC.id, ghostId)).toBe(0);

    // The server forges a list for the ghost: it cannot extend Bob's chain, so it starts a new one.
    const head = await lists().selectFrom('device_lists').select(['version']).where('user_id', '=', b.client.userId).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    const forged = firstDeviceList({ account: String(b.client.userId), version: Number(head.version) + 1, devices: [{ deviceId: ghostId, signPub: ghost.signPub, dhPub: ghost.dhPub }], signerId: ghostId, identity: ghost });
    const resetA = a.client.next('identity_reset', (e) => e.userId === b.client.userId);
    const resetC = c.client.next('identity_reset', (e) => e.userId === b.client.userId);
    const resetB = b.client.next('identity_reset', (e) => e.self);
    const noticeA = a.client.next('notice', (n: SafetyNotice) => n.kind === 'identity_reset' && n.conv === dm.id);
    await lists().insertInto('device_lists').values({ network_id: net, user_id: b.client.userId, version: forged.version, first_version: forged.version, body: toBase64Url(forged.encoded), signer_device_id: ghostId, created_at: now }).execute();
    const records = await recordDevicesChanged(autocommit(db()), net, b.client.userId, now);
    for (const r of records) await t.server.messaging.hub.committed(r.convId, r);

    // Alice verified Bob: told, and blocked until she confirms. Carol (unverified) is told too.
    expect(await resetA).toMatchObject({ wasVerified: true, confirmRequired: true, self: false });
    expect(await resetC).toMatchObject({ wasVerified: false, confirmRequired: false });
    expect(await noticeA).toMatchObject({ userId: b.client.userId, kind: 'identity_reset' });
    expect((await noticesOf(c.client, dmC.id)).map((n) => n.kind)).toContain('identity_reset');
    await expect(a.client.sendText(dm.id, 'must not leave')).rejects.toMatchObject({ code: 'identity_changed' });
    expect(await partsFor(dm.id, ghostId)).toBe(0);
    const sn = await a.client.safetyNumber(b.email);
    expect(sn).toMatchObject({ verified: false, confirmRequired: true });
    // Bob learns his account was reset by a device he never had, and is no longer in its list.
    expect(await resetB).toMatchObject({ self: true });
    await until(() => b.client.deviceListState === 'pending', 10_000, 'bob pending');
  });

  it('refuses an old list served again (the pin stays, the devices it names still get messages)', async () => {
    const a = await member('ra');
    const b = await member('rb');
    const b2 = await newDevice(b.email);
    await b.client.approveNewDevice(b2.deviceId);
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'pins version 2');
    // The server drops Bob's newest list (serving version 1, without b2, again).
    const errors: string[] = [];
    a.client.on('error', (e) => errors.push(e.code));
    const newest = await lists().selectFrom('device_lists').select('version').where('user_id', '=', b.client.userId).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    await lists().deleteFrom('device_lists').where('user_id', '=', b.client.userId).where('version', '=', newest.version).execute();
    const records = await recordDevicesChanged(autocommit(db()), net, b.client.userId, Date.now());
    for (const r of records) await t.server.messaging.hub.committed(r.convId, r);
    await a.client.sendText(dm.id, 'after the rollback');
    await until(() => errors.includes('device_list_invalid'), 10_000, 'the rollback refused');
    const seq = (await db().selectFrom('conv_messages').select('seq').where('conv_id', '=', dm.id).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).seq;
    const parts = await db().selectFrom('conv_message_parts').select('device_id').where('conv_id', '=', dm.id).where('seq', '=', seq).execute();
    expect(parts.map((p) => p.device_id)).toContain(b2.deviceId);
  });

  it('signs a removed device out of the list (a device change for contacts), and a reset by a new device changes the safety number', async () => {
    const a = await member('xa');
    const b = await member('xb');
    const b2 = await newDevice(b.email);
    await b.client.approveNewDevice(b2.deviceId);
    const dm = await a.client.openDm(b.email);
    await a.client.sendText(dm.id, 'hello');
    const before = (await a.client.safetyNumber(b.email)).digits;
    const removed = a.client.next('devices_changed', (e) => e.userId === b.client.userId && e.removed.includes(b2.deviceId));
    await b.client.resetDevice(b2.deviceId);
    await a.client.sendText(dm.id, 'after removal'); // reads Bob's list again
    expect(await removed).toMatchObject({ added: [] });
    expect((await a.client.safetyNumber(b.email)).digits).toBe(before);

    await a.client.markVerified(b.email);
    const reset = a.client.next('identity_reset', (e) => e.userId === b.client.userId);
    const b3 = await newDevice(b.email, 'reset');
    expect(b3.deviceListState).toBe('trusted');
    await a.client.sendText(dm.id, 'reads the list').catch(() => undefined);
    expect(await reset).toMatchObject({ wasVerified: true, confirmRequired: true });
    expect((await a.client.safetyNumber(b.email)).digits).not.toBe(before);
    await expect(a.client.sendText(dm.id, 'blocked')).rejects.toMatchObject({ code: 'identity_changed' });
    await a.client.confirmIdentityChange(b.email);
    await b3.connect();
    const got = collect(b3);
    await a.client.sendText(dm.id, 'to the reset account');
    await until(() => got.some((m) => m.text === 'to the reset account'));
    // The reset kept Bob's first device (it was in the list and still active).
    const head = decodeDeviceList(fromBase64Url((await lists().selectFrom('device_lists').select('body').where('user_id', '=', b.client.userId).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow()).body));
    expect(head.devices.map((d) => d.deviceId).sort()).toEqual([b.client.deviceId, b3.deviceId].sort());
  });
});
