// A member edits his own name: PATCH /v1/me (validated, a member action so not audited), seen by
// /v1/me, by the admin API (GetUser, ListUsers and its name filter), the directory of other members,
// and the SDK's updateProfile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork, dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { api, registerMember, type TestMember } from '../helpers/members.js';
import { sdkMember } from '../helpers/sdk.js';

describe(`profile editing (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  let ada: TestMember;
  let bob: TestMember;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net } = await createNetwork(t.client, 'Profiles'));
    ada = await registerMember(t, net, 'ada@example.com');
    bob = await registerMember(t, net, 'bob@example.com');
  });
  afterAll(async () => {
    await t.close();
  });

  const getUser = async (userId: number) => t.client.call<{ firstName: string; lastName: string }>('GetUser', { networkId: net, userId: String(userId) });
  // Records other than the admin reads this test makes itself (GetUser, ListUsers: written deferred, at
  // a moment of the audit writer's choosing), after everything pending was written.
  const auditCount = async () => {
    await t.server.audit.flush();
    return Number((await t.server.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('event_name', 'not in', ['GetUser', 'ListUsers']).executeTakeFirstOrThrow()).n);
  };

  it('changes the first and last name: /v1/me, GetUser, ListUsers and the directory show them; no audit event', async () => {
    const audited = await auditCount();
    const r = await api(t, 'PATCH', '/v1/me', ada.token, { firstName: '  Ada ', lastName: 'Lovelace' });
    expect(r).toMatchObject({ status: 200, body: { member: { userId: ada.userId, email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } } });
    expect((await api(t, 'GET', '/v1/me', ada.token)).body).toMatchObject({ member: { firstName: 'Ada', lastName: 'Lovelace' } });
    expect(await getUser(ada.userId)).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    const listed = await t.client.call<{ users: { userId: string; firstName: string; lastName: string }[] }>('ListUsers', { networkId: net, firstName: 'ada' });
    expect(listed.users.map((u) => [Number(u.userId), u.firstName, u.lastName])).toEqual([[ada.userId, 'Ada', 'Lovelace']]);
    const byLast = await t.client.call<{ users: { userId: string }[] }>('ListUsers', { networkId: net, lastName: 'LOVE' });
    expect(byLast.users.map((u) => Number(u.userId))).toEqual([ada.userId]);
    const dir = await api<{ members: { userId: number; firstName: string; lastName: string }[] }>(t, 'GET', '/v1/directory?q=love', bob.token);
    expect(dir.body.members).toEqual([expect.objectContaining({ userId: ada.userId, firstName: 'Ada', lastName: 'Lovelace' })]);

    // Only the last name: the first name stays.
    expect((await api(t, 'PATCH', '/v1/me', ada.token, { lastName: 'King' })).body).toMatchObject({ member: { firstName: 'Ada', lastName: 'King' } });
    expect(await getUser(ada.userId)).toMatchObject({ firstName: 'Ada', lastName: 'King' });
    expect(await getUser(bob.userId)).toMatchObject({ firstName: '', lastName: '' });
    expect(await auditCount()).toBe(audited);
  });

  it('refuses invalid bodies and requests without a session, changing nothing', async () => {
    for (const body of [{}, { firstName: '   ' }, { firstName: 'x'.repeat(101) }, { lastName: 'a\u0000b' }, { firstName: 7 }, { firstName: 'Ada', email: 'x@example.com' }]) {
      const r = await api(t, 'PATCH', '/v1/me', ada.token, body);
      expect(r, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    }
    expect(await api(t, 'PATCH', '/v1/me', undefined, { firstName: 'Mallory' })).toMatchObject({ status: 401 });
    expect(await api(t, 'PATCH', '/v1/me', 'not-a-token', { firstName: 'Mallory' })).toMatchObject({ status: 401 });
    expect(await getUser(ada.userId)).toMatchObject({ firstName: 'Ada', lastName: 'King' });
  });

  it('the SDK changes the name with updateProfile; me shows it at once', async () => {
    const { client } = await sdkMember(t, net, 'grace');
    try {
      expect(client.me.member.firstName).toBe('');
      const member = await client.updateProfile({ firstName: 'Grace', lastName: 'Hopper' });
      expect(member).toMatchObject({ userId: client.userId, firstName: 'Grace', lastName: 'Hopper' });
      expect(client.me.member).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
      expect(await getUser(client.userId)).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
      await expect(client.updateProfile({ firstName: '' })).rejects.toMatchObject({ code: 'bad_request' });
      expect(client.me.member.firstName).toBe('Grace');
    } finally {
      await client.close();
    }
  });
});
