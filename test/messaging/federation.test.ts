// Local federation between networks of one server (the guide's 本機聯合 / 限制聯合 in the security
// group's federation tab) and the GovCloud classification boundary marks (GovCloud 跨邊界分類和聯合),
// end to end with the SDK: both security groups must allow it, messages are encrypted to the other
// network's devices, membership works across networks, a group that stops allowing federation stops
// new messages, and GovCloud viewers see members of commercial networks marked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnclaveClient } from '../../packages/client/src/index.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { api } from '../helpers/members.js';
import { collect, sdkMember, until } from '../helpers/sdk.js';

type Settings = { federationMode?: number; permittedNetworks?: string[] };

describe(`local federation and classification boundaries (${dialectName})`, () => {
  let t: TestServer;
  let gov: { networkId: string; defaultGroupId: string };
  let com: { networkId: string; defaultGroupId: string };
  let other: { networkId: string; defaultGroupId: string };
  const clients: EnclaveClient[] = [];
  let alice: { client: EnclaveClient; email: string };
  let carol: { client: EnclaveClient; email: string };
  let bob: { client: EnclaveClient; email: string };
  let olga: { client: EnclaveClient; email: string };

  const setGroup = (n: { networkId: string; defaultGroupId: string }, s: Settings) =>
    t.client.call('UpdateSecurityGroup', { networkId: n.networkId, groupId: n.defaultGroupId, securityGroupSettings: { permittedNetworks: [], ...s } });
  const token = (c: EnclaveClient) => (c as unknown as { ctx: { profile: { token: string } } }).ctx.profile.token;

  beforeAll(async () => {
    t = await startTestServer();
    gov = await createNetwork(t.client, 'Agency');
    com = await createNetwork(t.client, 'Contractor');
    other = await createNetwork(t.client, 'Elsewhere');
    alice = await sdkMember(t, gov.networkId, 'alice');
    carol = await sdkMember(t, gov.networkId, 'carol');
    bob = await sdkMember(t, com.networkId, 'bob');
    olga = await sdkMember(t, other.networkId, 'olga');
    clients.push(alice.client, carol.client, bob.client, olga.client);
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await t.close();
  });

  it('refuses another network unless both security groups allow local federation', async () => {
    // Off on both sides (the default).
    const off = await api<{ code: string; message: string }>(t, 'GET', `/v1/users/lookup?email=${encodeURIComponent(bob.email)}`, token(alice.client));
    expect(off.status).toBe(404);
    expect(off.body.code).toBe('different_network');
    expect(off.body.message).toContain('This user belongs to a different network.');
    expect(off.body.message).toContain('Your security group does not allow local federation');
    await expect(alice.client.openDm(bob.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed' });
    expect((await alice.client.directory(bob.email.slice(0, 6))).map((m) => m.email)).not.toContain(bob.email);

    // Allowed on one side only: refused, and the message names the side that refuses.
    await setGroup(gov, { federationMode: 1 });
    const oneSide = await api<{ code: string; message: string }>(t, 'GET', `/v1/users/lookup?email=${encodeURIComponent(bob.email)}`, token(alice.client));
    expect(oneSide.body.code).toBe('different_network');
    expect(oneSide.body.message).toContain(`The security group of ${bob.email} (network ${com.networkId}) does not allow local federation`);
    await expect(alice.client.openDm(bob.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed' });
    await expect(bob.client.openDm(alice.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed', message: expect.stringContaining('Your security group does not allow local federation') });

    // Restricted on the other side, to a list without this network: refused; with it: allowed.
    await setGroup(com, { federationMode: 2, permittedNetworks: [other.networkId] });
    await expect(alice.client.openDm(bob.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed', message: expect.stringContaining(`restricts local federation to its permitted networks, and your network ${gov.networkId} is not one of them`) });
    // Restricted here, the other network not listed (while the other side lists us): refused.
    await setGroup(com, { federationMode: 2, permittedNetworks: [gov.networkId] });
    await setGroup(gov, { federationMode: 2, permittedNetworks: [other.networkId] });
    await expect(alice.client.openDm(bob.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed', message: expect.stringContaining(`network ${com.networkId} is not one of them`) });
    // A room with a refused member is not created at all.
    await expect(alice.client.createRoom({ name: 'Nope', members: [carol.client.userId, bob.client.userId] })).rejects.toMatchObject({ code: 'federation_not_allowed' });
    expect((await carol.client.conversations()).some((c) => c.name === 'Nope')).toBe(false);

    // Both list each other: allowed. The third network is listed by gov but does not list gov.
    await setGroup(gov, { federationMode: 2, permittedNetworks: [com.networkId, other.networkId] });
    const found = await alice.client.lookup(bob.email);
    expect(found.member).toMatchObject({ userId: bob.client.userId, networkId: com.networkId, external: true });
    expect(found.devices.length).toBe(1);
    expect((await alice.client.directory(bob.email.slice(0, 6))).find((m) => m.email === bob.email)).toMatchObject({ external: true, networkId: com.networkId });
    await expect(alice.client.lookup(olga.email)).rejects.toMatchObject({ code: 'different_network' });
    expect((await alice.client.directory(olga.email.slice(0, 5))).map((m) => m.email)).not.toContain(olga.email);
  });

  it('carries end-to-end encrypted DMs and rooms across networks, with removal and leaving', async () => {
    await setGroup(gov, { federationMode: 1 });
    await setGroup(com, { federationMode: 1 });
    const aliceGot = collect(alice.client);
    const bobGot = collect(bob.client);
    const carolGot = collect(carol.client);

    const dm = await alice.client.openDm(bob.email);
    expect(dm.members.map((m) => m.userId).sort()).toEqual([alice.client.userId, bob.client.userId].sort());
    // The same DM whoever opens it.
    expect((await bob.client.openDm(alice.email)).id).toBe(dm.id);
    const devices = await api<{ devices: { userId: number }[] }>(t, 'GET', `/v1/conversations/${dm.id}/devices`, token(alice.client));
    expect(devices.body.devices.map((d) => d.userId).sort()).toEqual([alice.client.userId, bob.client.userId].sort());
    await alice.client.sendText(dm.id, 'hello across networks');
    await until(() => bobGot.some((m) => m.text === 'hello across networks'), 10_000, 'bob receives');
    await bob.client.sendText(dm.id, 'hello back');
    await until(() => aliceGot.some((m) => m.text === 'hello back'), 10_000, 'alice receives');

    const room = await alice.client.createRoom({ name: 'Joint ops', members: [carol.email, bob.email] });
    expect(room.members.find((m) => m.userId === bob.client.userId)).toMatchObject({ networkId: com.networkId, external: true });
    await alice.client.sendText(room.id, 'room hello');
    await until(() => bobGot.some((m) => m.text === 'room hello') && carolGot.some((m) => m.text === 'room hello'), 10_000, 'room delivery');
    await bob.client.sendText(room.id, 'from the contractor');
    await until(() => aliceGot.some((m) => m.text === 'from the contractor') && carolGot.some((m) => m.text === 'from the contractor'), 10_000, 'room delivery from bob');

    // The moderator removes the external member: bob stops receiving.
    const removed = bob.client.next('removed');
    await alice.client.updateConversation(room.id, { removeMembers: [bob.client.userId] });
    await removed;
    await alice.client.sendText(room.id, 'after removal');
    await until(() => carolGot.some((m) => m.text === 'after removal'), 10_000, 'carol receives after removal');
    await new Promise((r) => setTimeout(r, 300));
    expect(bobGot.some((m) => m.text === 'after removal')).toBe(false);
    await expect(bob.client.sendText(room.id, 'still here?')).rejects.toMatchObject({ code: expect.stringMatching(/^(not_member|not_found)$/) });

    // Added back, then leaving on his own.
    await alice.client.updateConversation(room.id, { addMembers: [bob.email] });
    await alice.client.sendText(room.id, 'welcome back');
    await until(() => bobGot.some((m) => m.text === 'welcome back'), 10_000, 'bob receives after being added back');
    await bob.client.leave(room.id);
    const after = await alice.client.conversation(room.id);
    expect(after.members.map((m) => m.userId)).not.toContain(bob.client.userId);
  });

  it('stops new messages when a security group stops allowing federation, and resumes when it allows it again', async () => {
    await setGroup(gov, { federationMode: 1 });
    await setGroup(com, { federationMode: 1 });
    const dm = await alice.client.openDm(bob.email);
    const room = await alice.client.createRoom({ name: 'Paused', members: [carol.email, bob.email] });
    const bobGot = collect(bob.client);
    await setGroup(com, { federationMode: 0 });
    await expect(alice.client.sendText(dm.id, 'blocked?')).rejects.toMatchObject({ code: 'federation_not_allowed' });
    await expect(bob.client.sendText(dm.id, 'blocked too?')).rejects.toMatchObject({ code: 'federation_not_allowed' });
    // The room with bob in it accepts nothing from either network; nothing was stored for bob.
    await expect(carol.client.sendText(room.id, 'room blocked?')).rejects.toMatchObject({ code: 'federation_not_allowed', message: expect.stringContaining(bob.email) });
    // No new conversation either.
    await expect(carol.client.openDm(bob.client.userId)).rejects.toMatchObject({ code: 'federation_not_allowed' });
    // Removing the party that is no longer allowed makes the room usable again.
    await alice.client.updateConversation(room.id, { removeMembers: [bob.client.userId] });
    await carol.client.sendText(room.id, 'room usable again');
    // Allowed again: the DM works again.
    await setGroup(com, { federationMode: 1 });
    await alice.client.sendText(dm.id, 'resumed');
    await until(() => bobGot.some((m) => m.text === 'resumed'), 10_000, 'bob receives after federation is allowed again');
    expect(bobGot.some((m) => m.text === 'blocked?' || m.text === 'room blocked?' || m.text === 'room usable again')).toBe(false);
  });

  it('lists and validates the classification boundary extension', async () => {
    const boundary = async (networkId: string) =>
      (await t.client.call<{ settings: { optionName: string; value: string; type: string }[] }>('GetNetworkSettings', { networkId })).settings.find((s) => s.optionName === 'classificationBoundary');
    // us-east-1: COMMERCIAL unless an administrator says otherwise.
    expect(await boundary(gov.networkId)).toEqual({ optionName: 'classificationBoundary', value: 'COMMERCIAL', type: 'string' });
    await expectApiError(t.client.call('UpdateNetworkSettings', { networkId: gov.networkId, settings: { classificationBoundary: 'SECRET' } }), 'ValidationError');
    const out = await t.client.call<{ settings: { optionName: string; value: string }[] }>('UpdateNetworkSettings', { networkId: gov.networkId, settings: { classificationBoundary: 'GOVCLOUD' } });
    expect(out.settings).toEqual([{ optionName: 'classificationBoundary', value: 'GOVCLOUD', type: 'string' }]);
    expect((await boundary(gov.networkId))?.value).toBe('GOVCLOUD');
    expect((await boundary(com.networkId))?.value).toBe('COMMERCIAL');
  });

  it('marks members outside the boundary for GovCloud viewers only, and drops the marks when they leave', async () => {
    await setGroup(gov, { federationMode: 1 });
    await setGroup(com, { federationMode: 1 });
    const room = await alice.client.createRoom({ name: 'Cross boundary', members: [carol.email, bob.email] });
    const inside = await alice.client.createRoom({ name: 'GovCloud only', members: [carol.email] });
    expect(room.crossBoundary).toBe(true);
    expect(room.members.find((m) => m.userId === bob.client.userId)).toMatchObject({ outsideBoundary: true, external: true });
    expect(room.members.find((m) => m.userId === carol.client.userId)?.outsideBoundary).toBeUndefined();
    expect(inside.crossBoundary).toBe(false);
    // Listing and detail, as each side sees them: only the GovCloud viewers see marks.
    const forCarol = (await carol.client.conversations()).find((c) => c.id === room.id)!;
    expect(forCarol.crossBoundary).toBe(true);
    const forBob = (await bob.client.conversations()).find((c) => c.id === room.id)!;
    expect(forBob.crossBoundary).toBe(false);
    expect(forBob.members.some((m) => m.outsideBoundary)).toBe(false);
    expect(forBob.members.find((m) => m.userId === alice.client.userId)).toMatchObject({ external: true, networkId: gov.networkId });
    const raw = await api<{ crossBoundary: boolean; members: { userId: number; outsideBoundary?: boolean }[] }>(t, 'GET', `/v1/conversations/${room.id}`, token(alice.client));
    expect(raw.body.crossBoundary).toBe(true);
    expect(raw.body.members.filter((m) => m.outsideBoundary).map((m) => m.userId)).toEqual([bob.client.userId]);

    // The external member leaves: the GovCloud side's conversation loses its marks live.
    const updated = new Promise<void>((resolve) => {
      const off = alice.client.on('conversation', (c) => {
        if (c.id === room.id && !c.members.some((m) => m.userId === bob.client.userId)) {
          off();
          resolve();
        }
      });
    });
    await bob.client.leave(room.id);
    await updated;
    expect((await alice.client.conversation(room.id)).crossBoundary).toBe(false);
    expect((await alice.client.conversations()).find((c) => c.id === room.id)?.crossBoundary).toBe(false);
  });
});

describe(`classification boundary in a GovCloud region (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ region: 'us-gov-west-1' });
  });
  afterAll(async () => t.close());

  it('defaults to GOVCLOUD in a us-gov-* region, and REGION goes back to the default', async () => {
    const { networkId } = await createNetwork(t.client, 'Gov');
    const value = async () => (await t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId })).settings.find((s) => s.optionName === 'classificationBoundary')?.value;
    expect(await value()).toBe('GOVCLOUD');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { classificationBoundary: 'COMMERCIAL' } });
    expect(await value()).toBe('COMMERCIAL');
    await t.client.call('UpdateNetworkSettings', { networkId, settings: { classificationBoundary: 'REGION' } });
    expect(await value()).toBe('GOVCLOUD');
  });
});
