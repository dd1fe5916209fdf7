// Signed device lists at the wire level: the server stores a list only from a device of the account
// that signed it, naming only the account's devices with their keys, as the next list of the stored
// head or as a first list (a reset) above it; refuses malformed, forged, stale and racing lists and
// changes nothing then; serves each account's chain since its last first list to the people allowed
// to see it, with a conversation's devices, and announces a new list in the account's conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstDeviceList,
  fromBase64Url,
  generateIdentity,
  nextDeviceList,
  toBase64Url,
  type DeviceList,
  type IdentityKeyPair,
} from '../../packages/protocol/src/index.js';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { addDevice, api, RawSocket, registerMember, type TestMember } from '../helpers/members.js';

const listed = (deviceId: string, identity: IdentityKeyPair) => ({ deviceId, signPub: identity.signPub, dhPub: identity.dhPub });

describe(`signed device lists (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  let other: string;
  let n = 0;
  const email = () => `dl${++n}@example.com`;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net } = await createNetwork(t.client, 'Lists'));
    ({ networkId: other } = await createNetwork(t.client, 'Elsewhere'));
  });
  afterAll(async () => {
    await t.close();
  });

  const publish = (token: string, list: DeviceList | string) => api(t, 'PUT', '/v1/device-list', token, { list: typeof list === 'string' ? list : toBase64Url(list.encoded) });
  const chains = async (token: string, users: number[]) => (await api<{ lists: { userId: number; chain: string[] }[] }>(t, 'GET', `/v1/device-lists?users=${users.join(',')}`, token)).body.lists;
  const rows = (userId: number) => t.server.store.db.withTables<{ device_lists: { user_id: number; version: number } }>().selectFrom('device_lists').select('version').where('user_id', '=', userId).execute();
  const genesis = (m: TestMember, version = 1) => firstDeviceList({ account: String(m.userId), version, devices: [listed(m.deviceId, m.device.identity)], signerId: m.deviceId, identity: m.device.identity });

  it('stores a first list and the next list signed by a device of it, and serves the chain', async () => {
    const a = await registerMember(t, net, email());
    const v1 = genesis(a);
    expect(await publish(a.token, v1)).toMatchObject({ status: 200, body: { version: 1 } });
    const second = await addDevice(t, a);
    const v2 = nextDeviceList(v1, { devices: [listed(a.deviceId, a.device.identity), listed(second.deviceId, second.device.identity)], signerId: a.deviceId, identity: a.device.identity });
    expect(await publish(a.token, v2)).toMatchObject({ status: 200, body: { version: 2 } });
    const [mine] = await chains(a.token, [a.userId]);
    expect(mine!.chain.map((c) => fromBase64Url(c))).toEqual([v1.encoded, v2.encoded]);
  });

  it('refuses malformed, foreign, forged, stale and racing lists, storing nothing', async () => {
    const a = await registerMember(t, net, email());
    const b = await registerMember(t, net, email());
    expect(await publish(a.token, 'AAAA')).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    expect(await api(t, 'PUT', '/v1/device-list', a.token, { nope: 1 })).toMatchObject({ status: 400 });
    // Another account's list, and a list naming a device that is not the account's.
    expect(await publish(a.token, genesis(b))).toMatchObject({ status: 400 });
    const ghost = generateIdentity();
    const withGhost = firstDeviceList({ account: String(a.userId), version: 1, devices: [listed(a.deviceId, a.device.identity), listed('dGhost', ghost)], signerId: a.deviceId, identity: a.device.identity });
    expect(await publish(a.token, withGhost)).toMatchObject({ status: 400, body: { details: [{ field: 'devices.dGhost' }] } });
    // A device's keys swapped for others under its own ID.
    const swapped = firstDeviceList({ account: String(a.userId), version: 1, devices: [listed(a.deviceId, ghost)], signerId: a.deviceId, identity: ghost });
    expect(await publish(a.token, swapped)).toMatchObject({ status: 400 });
    // Signed by a device other than the one publishing it.
    const second = await addDevice(t, a);
    const bySecond = firstDeviceList({ account: String(a.userId), version: 1, devices: [listed(second.deviceId, second.device.identity)], signerId: second.deviceId, identity: second.device.identity });
    expect(await publish(a.token, bySecond)).toMatchObject({ status: 403 });
    expect(await rows(a.userId)).toEqual([]);

    const v1 = genesis(a);
    expect((await publish(a.token, v1)).status).toBe(200);
    // The same version again, an older first list, and a next list of a list that is not the head.
    expect(await publish(a.token, v1)).toMatchObject({ status: 409 });
    expect(await publish(a.token, genesis(a, 1))).toMatchObject({ status: 409 });
    const v2 = nextDeviceList(v1, { devices: [listed(a.deviceId, a.device.identity), listed(second.deviceId, second.device.identity)], signerId: a.deviceId, identity: a.device.identity });
    const v2other = nextDeviceList(v1, { devices: [listed(a.deviceId, a.device.identity)], signerId: a.deviceId, identity: a.device.identity });
    expect((await publish(a.token, v2)).status).toBe(200);
    expect(await publish(a.token, v2other)).toMatchObject({ status: 409 });
    // The second device signs v3 (it is in v2) removing the first; a list the first device signs on top
    // of v2 meanwhile no longer follows the head.
    const v3 = nextDeviceList(v2, { devices: [listed(second.deviceId, second.device.identity)], signerId: second.deviceId, identity: second.device.identity });
    expect((await publish(second.token, v3)).status).toBe(200);
    const forged = nextDeviceList(v2, { devices: [listed(a.deviceId, a.device.identity)], signerId: a.deviceId, identity: a.device.identity });
    expect((await publish(a.token, forged)).status).toBe(409);
    expect((await rows(a.userId)).map((r) => Number(r.version)).sort()).toEqual([1, 2, 3]);
  });

  it('a reset starts a new chain above the old head; only the new chain is served', async () => {
    const a = await registerMember(t, net, email());
    const v1 = genesis(a);
    await publish(a.token, v1);
    const fresh = await addDevice(t, a);
    const reset = firstDeviceList({ account: String(a.userId), version: 2, devices: [listed(fresh.deviceId, fresh.device.identity), listed(a.deviceId, a.device.identity)], signerId: fresh.deviceId, identity: fresh.device.identity });
    expect((await publish(fresh.token, reset)).status).toBe(200);
    const [chain] = await chains(a.token, [a.userId]);
    expect(chain!.chain.map((c) => fromBase64Url(c))).toEqual([reset.encoded]);
  });

  it('serves lists with a conversation\'s devices, to members only, and announces a new list in the account\'s conversations', async () => {
    const a = await registerMember(t, net, email());
    const b = await registerMember(t, net, email());
    const stranger = await registerMember(t, other, email());
    const conv = await api<{ id: string }>(t, 'POST', '/v1/conversations', a.token, { kind: 'dm', members: [b.userId] });
    const socket = await RawSocket.open(t, b.token);
    const v1 = genesis(a);
    await publish(a.token, v1);
    await socket.next((f) => f.t === 'msg' && f.m.kind === 'sys' && JSON.parse(f.m.body).event === 'devices_changed' && JSON.parse(f.m.body).userId === a.userId);
    socket.close();
    const devices = await api<{ devices: { userId: number }[]; lists: { userId: number; chain: string[] }[] }>(t, 'GET', `/v1/conversations/${conv.body.id}/devices`, b.token);
    expect(devices.body.lists).toEqual([{ userId: a.userId, chain: [toBase64Url(v1.encoded)] }]);
    expect(await chains(b.token, [a.userId])).toHaveLength(1);
    // Someone of another network who shares no conversation sees nothing.
    expect(await chains(stranger.token, [a.userId])).toEqual([]);
    expect(await api(t, 'GET', '/v1/device-lists?users=x', b.token)).toMatchObject({ status: 400 });
    expect(await api(t, 'GET', '/v1/device-lists?users=1')).toMatchObject({ status: 401 });
  });
});
