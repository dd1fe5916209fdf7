import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unameFor } from '../../packages/server/src/kernel/ids.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';

interface UserOut {
  userId: string;
  username: string;
  firstName: string;
  lastName: string;
  securityGroups: string[];
  isAdmin: boolean;
  suspended: boolean;
  status: number;
  type: string;
  isUser: boolean;
  otpEnabled: boolean;
  inviteCode?: string;
  isInviteExpired?: boolean;
  codeValidation: boolean;
  uname: string;
}
interface Failure {
  userId: string;
  field?: string;
  reason?: string;
}
interface BatchOut<S = { userId: string }, F = Failure> {
  message: string;
  successful: S[];
  failed: F[];
}
interface Page {
  users: UserOut[];
  nextToken?: string;
}
interface DeviceOut {
  appId: string;
  type: string;
  created: string;
  lastLogin?: string;
  statusText: string;
  suspend: boolean;
}

const DAY = 86_400;
const nowSec = () => Math.floor(Date.now() / 1000);

/** A batch item: an email address and the one security group. */
const item = (username: string, groupId: string, extra: Record<string, unknown> = {}) => ({ username, securityGroupIds: [groupId], ...extra });

describe(`users (${dialectName})`, () => {
  let t: TestServer;
  let net: string;
  let group: string;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId: net, defaultGroupId: group } = await createNetwork(t.client, 'Users'));
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.server.store.db;
  const create = (networkId: string, users: unknown[], c = t) => c.client.call<BatchOut<UserOut>>('BatchCreateUser', { networkId, users });
  async function createMany(networkId: string, groupId: string, prefix: string, n: number, c = t): Promise<UserOut[]> {
    const out: UserOut[] = [];
    for (let i = 0; i < n; i += 50) {
      const users = Array.from({ length: Math.min(50, n - i) }, (_, j) => item(`${prefix}${String(i + j).padStart(3, '0')}@example.com`, groupId));
      const r = await create(networkId, users, c);
      expect(r.failed).toEqual([]);
      out.push(...r.successful);
    }
    return out;
  }
  const getUser = (userId: string, networkId = net, extra: Record<string, unknown> = {}) =>
    t.client.call<Record<string, unknown>>('GetUser', { networkId, userId, ...extra });
  const row = (userId: string, networkId = net) =>
    db().selectFrom('users').selectAll().where('network_id', '=', networkId).where('user_id', '=', Number(userId)).executeTakeFirst();
  const userCount = async (networkId: string, c = t) =>
    Number((await c.server.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('network_id', '=', networkId).executeTakeFirstOrThrow()).n);
  const setUser = (userId: string, patch: Record<string, unknown>, networkId = net) =>
    db().updateTable('users').set(patch).where('network_id', '=', networkId).where('user_id', '=', Number(userId)).execute();
  async function addGroup(networkId: string, groupId: string) {
    await db()
      .insertInto('security_groups')
      .values({ network_id: networkId, group_id: groupId, name: groupId, is_default: 0, settings: '{}', modified: Date.now(), created_at: Date.now() })
      .execute();
  }
  async function addBot(networkId: string, groupId: string, username: string) {
    await db()
      .insertInto('bots')
      .values({
        network_id: networkId,
        bot_id: Math.floor(Math.random() * 1e9),
        username,
        display_name: 'Bot',
        uname: `bot-${username}`,
        pubkey: '',
        status: 1,
        group_id: groupId,
        challenge_hash: 'x',
        suspended: 0,
        created_at: Date.now(),
        last_login: null,
      })
      .execute();
  }
  async function addDevice(networkId: string, userId: string, appId: string, d: { type?: string; status?: string; created?: number; lastLogin?: number | null } = {}) {
    await db()
      .insertInto('devices')
      .values({
        network_id: networkId,
        user_id: Number(userId),
        app_id: appId,
        type: d.type ?? 'iOS',
        status: d.status ?? 'Active',
        created_at: d.created ?? Date.UTC(2024, 0, 1),
        last_login: d.lastLogin === undefined ? Date.UTC(2024, 0, 2) : d.lastLogin,
      })
      .execute();
  }
  const deviceRows = (networkId: string, userId: string) =>
    db().selectFrom('devices').selectAll().where('network_id', '=', networkId).where('user_id', '=', Number(userId)).orderBy('app_id').execute();

  /** Pages through a listing; checks page sizes and that no token is returned with the last page. */
  async function listAll<T>(operation: string, input: Record<string, unknown>, key: string, pageSize: number): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await t.client.call<Record<string, unknown>>(operation, { ...input, maxResults: pageSize, ...(nextToken ? { nextToken } : {}) });
      const got = page[key] as T[];
      expect(got.length).toBeLessThanOrEqual(pageSize);
      if (page.nextToken) expect(got.length).toBe(pageSize);
      items.push(...got);
      nextToken = page.nextToken as string | undefined;
      pages++;
      expect(pages).toBeLessThan(500);
    } while (nextToken);
    return { items, pages };
  }

  describe('BatchCreateUser', () => {
    it('invites users as PENDING with an invite code and answers with full User objects', async () => {
      const before = Date.now();
      const out = await create(net, [
        item(' John.Doe@Example.COM ', group, { firstName: 'John', lastName: 'Doe', inviteCode: 'INVITE123', inviteCodeTtl: 14, codeValidation: true }),
        item('jane.smith@example.com', group),
      ]);
      expect(out.message).toBe('success');
      expect(out.failed).toEqual([]);
      const [john, jane] = out.successful;
      expect(john).toMatchObject({
        username: 'john.doe@example.com',
        firstName: 'John',
        lastName: 'Doe',
        securityGroups: [group],
        status: 1,
        suspended: false,
        isAdmin: false,
        type: 'user',
        isUser: true,
        inviteCode: 'INVITE123',
        isInviteExpired: false,
        codeValidation: true,
        uname: unameFor(net, 'john.doe@example.com'),
      });
      expect(john!.userId).toMatch(/^[0-9]+$/);
      expect(jane).toMatchObject({ username: 'jane.smith@example.com', firstName: '', lastName: '', status: 1, codeValidation: false, isInviteExpired: false });
      expect(jane!.inviteCode).toMatch(/^[A-Z2-7]{12}$/);
      expect(Number(jane!.userId)).toBe(Number(john!.userId) + 1);

      const johnRow = (await row(john!.userId))!;
      expect(johnRow.username).toBe('john.doe@example.com');
      expect(johnRow.invite_expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 14 * DAY);
      expect(johnRow.invite_expiration).toBeLessThanOrEqual(nowSec() + 14 * DAY);
      const janeRow = (await row(jane!.userId))!;
      expect(janeRow.invite_expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 7 * DAY);
      expect(janeRow.invite_expiration).toBeLessThanOrEqual(nowSec() + 7 * DAY);
      expect(janeRow.code_validation).toBe(0);

      const got = await getUser(john!.userId);
      expect(got).toEqual({
        userId: john!.userId,
        firstName: 'John',
        lastName: 'Doe',
        username: 'john.doe@example.com',
        isAdmin: false,
        suspended: false,
        status: 1,
        securityGroupIds: [group],
      });
    });

    it('takes user IDs from the counters table, one block per batch, none for failed items', async () => {
      const counter = async () => Number((await db().selectFrom('counters').select('value').where('name', '=', 'user_id').executeTakeFirstOrThrow()).value);
      const c0 = await counter();
      const out = await create(net, [item('ctr-a@example.com', group), item('bad address', group), item('ctr-b@example.com', group)]);
      expect(out.successful.map((u) => Number(u.userId))).toEqual([c0 + 1, c0 + 2]);
      expect(await counter()).toBe(c0 + 2);
    });

    it('reports every invalid item in failed, creates only the valid ones', async () => {
      const { networkId: other, defaultGroupId: otherGroup } = await createNetwork(t.client, 'Other');
      await addGroup(net, 'SECOND01');
      await create(net, [item('existing@example.com', group)]);
      await addBot(net, group, 'ops@alerts.bot');
      const countBefore = await userCount(net);
      const out = await create(net, [
        item('valid.one@example.com', group),
        item('not-an-email', group),
        item('Existing@Example.com', group),
        item('ops@alerts.bot', group),
        item('dup@example.com', group),
        item('DUP@example.com', group),
        { username: 'nogroup@example.com', securityGroupIds: [] },
        { username: 'twogroups@example.com', securityGroupIds: [group, 'SECOND01'] },
        item('unknowngroup@example.com', 'NOPE1234'),
        item('othernetgroup@example.com', otherGroup),
        item('shortcode@example.com', group, { inviteCode: 'abc' }),
        item('badcode@example.com', group, { inviteCode: 'has space!!' }),
        item('ttl0@example.com', group, { inviteCodeTtl: 0 }),
        item('ttl366@example.com', group, { inviteCodeTtl: 366 }),
        item('limits@example.com', 'SECOND01', { inviteCode: 'x'.repeat(64), inviteCodeTtl: 365 }),
        item('a@b', group),
      ]);
      expect(out.message).toBe('partial success');
      expect(out.successful.map((u) => u.username)).toEqual(['valid.one@example.com', 'dup@example.com', 'limits@example.com']);
      expect(out.successful[2]).toMatchObject({ securityGroups: ['SECOND01'], inviteCode: 'x'.repeat(64) });
      expect(out.failed.map((f) => [f.userId, f.field, f.reason])).toEqual([
        ['0', 'username', 'Invalid email address'],
        ['0', 'username', 'User already exists'],
        ['0', 'username', 'User already exists'],
        ['0', 'username', 'User already exists'],
        ['0', 'securityGroupIds', 'A user must belong to exactly one security group'],
        ['0', 'securityGroupIds', 'A user must belong to exactly one security group'],
        ['0', 'securityGroupIds', 'Security group NOPE1234 not found in this network'],
        ['0', 'securityGroupIds', `Security group ${otherGroup} not found in this network`],
        ['0', 'inviteCode', expect.stringMatching(/^Invite code must be 6-64 characters/)],
        ['0', 'inviteCode', expect.stringMatching(/^Invite code must be 6-64 characters/)],
        ['0', 'inviteCodeTtl', 'Invite code TTL must be between 1 and 365 days'],
        ['0', 'inviteCodeTtl', 'Invite code TTL must be between 1 and 365 days'],
        ['0', 'username', 'Invalid email address'],
      ]);
      expect(await userCount(net)).toBe(countBefore + 3);
      const names = (await db().selectFrom('users').select('username').where('network_id', '=', net).execute()).map((r) => r.username);
      for (const n of ['not-an-email', 'ops@alerts.bot', 'nogroup@example.com', 'twogroups@example.com', 'unknowngroup@example.com', 'shortcode@example.com', 'ttl0@example.com']) {
        expect(names).not.toContain(n);
      }
      expect(names.filter((n) => n === 'dup@example.com')).toHaveLength(1);
      expect(await userCount(other)).toBe(0);

      const none = await create(net, [item('existing@example.com', group), item('nope', group)]);
      expect(none.message).toBe('failed');
      expect(none.successful).toEqual([]);
      expect(none.failed).toHaveLength(2);
      expect(await userCount(net)).toBe(countBefore + 3);
    });

    it('creates a username once when concurrent batches race for it', async () => {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, b) => create(net, [item('race@example.com', group), item(`racer${b}@example.com`, group)])),
      );
      const winners = results.flatMap((r) => r.successful).filter((u) => u.username === 'race@example.com');
      expect(winners).toHaveLength(1);
      expect(results.flatMap((r) => r.failed)).toEqual(Array(3).fill({ userId: '0', field: 'username', reason: 'User already exists' }));
      expect(results.flatMap((r) => r.successful)).toHaveLength(5);
      const rows = await db().selectFrom('users').select('user_id').where('network_id', '=', net).where('username', '=', 'race@example.com').execute();
      expect(rows.map((r) => String(r.user_id))).toEqual([winners[0]!.userId]);
    });

    it('keeps usernames unique per network, not across networks', async () => {
      const { networkId: other, defaultGroupId: otherGroup } = await createNetwork(t.client, 'Second');
      const a = await create(net, [item('shared@example.com', group)]);
      const b = await create(other, [item('shared@example.com', otherGroup)]);
      expect(a.message).toBe('success');
      expect(b.message).toBe('success');
      expect(b.successful[0]!.uname).toBe(unameFor(other, 'shared@example.com'));
      expect(b.successful[0]!.uname).not.toBe(a.successful[0]!.uname);
    });

    it('answers a retried request with the same X-Client-Token from the first run', async () => {
      const users = [item('idem@example.com', group)];
      const first = await t.client.call<BatchOut<UserOut>>('BatchCreateUser', { networkId: net, users, clientToken: 'create-idem-1' });
      const count = await userCount(net);
      const again = await t.client.call<BatchOut<UserOut>>('BatchCreateUser', { networkId: net, users, clientToken: 'create-idem-1' });
      expect(again).toEqual(first);
      expect(await userCount(net)).toBe(count);
    });

    it('404s for an unknown network', async () => {
      await expectApiError(create('99999999', [item('x@example.com', group)]), 'ResourceNotFoundError', 404);
    });
  });

  describe('the 50-item limit', () => {
    it('rejects 51 users with a ValidationError on users and creates none; 50 is fine', async () => {
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Limit');
      const users = (n: number, p: string) => Array.from({ length: n }, (_, i) => item(`${p}${i}@example.com`, defaultGroupId));
      const err = await expectApiError(create(networkId, users(51, 'over')), 'ValidationError', 422);
      expect(err.body.reasons?.[0]?.field).toBe('users');
      expect(await userCount(networkId)).toBe(0);
      const empty = await expectApiError(create(networkId, []), 'ValidationError');
      expect(empty.body.reasons?.[0]?.field).toBe('users');
      const ok = await create(networkId, users(50, 'fifty'));
      expect(ok.message).toBe('success');
      expect(ok.successful).toHaveLength(50);
      expect(await userCount(networkId)).toBe(50);
    });

    it('rejects 51 IDs in delete, suspend, reinvite, lookup and device reset, changing nothing', async () => {
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Limit2');
      const users = await createMany(networkId, defaultGroupId, 'lim', 51);
      const ids = users.map((u) => u.userId);
      await addDevice(networkId, ids[0]!, 'dev-0');
      const snapshot = async () => ({
        users: await db().selectFrom('users').selectAll().where('network_id', '=', networkId).orderBy('user_id').execute(),
        devices: await db().selectFrom('devices').selectAll().where('network_id', '=', networkId).execute(),
      });
      const before = await snapshot();
      const cases: [string, Record<string, unknown>, string][] = [
        ['BatchDeleteUser', { userIds: ids }, 'userIds'],
        ['BatchToggleUserSuspendStatus', { userIds: ids, suspend: true }, 'userIds'],
        ['BatchReinviteUser', { userIds: ids }, 'userIds'],
        ['BatchLookupUserUname', { unames: users.map((u) => u.uname) }, 'unames'],
        ['BatchResetDevicesForUser', { userId: ids[0], appIds: ['dev-0', ...Array.from({ length: 50 }, (_, i) => `x${i}`)] }, 'appIds'],
      ];
      for (const [op, input, field] of cases) {
        const err = await expectApiError(t.client.call(op, { networkId, ...input }), 'ValidationError', 422);
        expect(err.body.reasons?.[0]?.field).toBe(field);
      }
      expect(await snapshot()).toEqual(before);
      const fifty = await t.client.call<BatchOut>('BatchToggleUserSuspendStatus', { networkId, userIds: ids.slice(0, 50), suspend: true });
      expect(fifty.message).toBe('success');
      expect(fifty.successful).toHaveLength(50);
    });
  });

  describe('counts and the premium free trial', () => {
    it('counts pending, active and rejected users; total is pending + active; remaining is 30 - total', async () => {
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Counts');
      expect(await t.client.call('GetUsersCount', { networkId })).toEqual({ pending: 0, active: 0, rejected: 0, total: 0, remaining: 30 });
      const users = await createMany(networkId, defaultGroupId, 'cnt', 12);
      for (const u of users.slice(0, 4)) await setUser(u.userId, { status: 2 }, networkId);
      await setUser(users[4]!.userId, { rejected: 1 }, networkId);
      expect(await t.client.call('GetUsersCount', { networkId })).toEqual({ pending: 7, active: 4, rejected: 1, total: 11, remaining: 19 });
      await createMany(networkId, defaultGroupId, 'more', 25);
      expect(await t.client.call('GetUsersCount', { networkId })).toEqual({ pending: 32, active: 4, rejected: 1, total: 36, remaining: 0 });
      await expectApiError(t.client.call('GetUsersCount', { networkId: '99999999' }), 'ResourceNotFoundError', 404);
    });

    it('holds a premium free trial network to 30 users; other networks have no such cap', async () => {
      const fresh = await startTestServer();
      try {
        const trial = await createNetwork(fresh.client, 'Trial', 'PREMIUM', { enablePremiumFreeTrial: true });
        const trialCount = () => fresh.client.call<Record<string, number>>('GetUsersCount', { networkId: trial.networkId });
        const batch = (users: unknown[]) => fresh.client.call<BatchOut<UserOut>>('BatchCreateUser', { networkId: trial.networkId, users });
        const first = await createMany(trial.networkId, trial.defaultGroupId, 'trial', 25, fresh);
        expect((await trialCount()).remaining).toBe(5);

        const out = await batch([item('bad', trial.defaultGroupId), ...Array.from({ length: 7 }, (_, i) => item(`extra${i}@example.com`, trial.defaultGroupId))]);
        expect(out.message).toBe('partial success');
        expect(out.successful.map((u) => u.username)).toEqual(['extra0@example.com', 'extra1@example.com', 'extra2@example.com', 'extra3@example.com', 'extra4@example.com']);
        expect(out.failed).toEqual([
          { userId: '0', field: 'username', reason: 'Invalid email address' },
          { userId: '0', field: 'username', reason: 'The premium free trial is limited to 30 users' },
          { userId: '0', field: 'username', reason: 'The premium free trial is limited to 30 users' },
        ]);
        expect(await trialCount()).toMatchObject({ total: 30, remaining: 0 });

        const full = await batch([item('one.more@example.com', trial.defaultGroupId)]);
        expect(full.message).toBe('failed');
        expect(full.failed[0]!.reason).toBe('The premium free trial is limited to 30 users');
        expect(await userCount(trial.networkId, fresh)).toBe(30);

        // Deleting a user frees a seat.
        await fresh.client.call('BatchDeleteUser', { networkId: trial.networkId, userIds: [first[0]!.userId] });
        expect((await batch([item('one.more@example.com', trial.defaultGroupId)])).message).toBe('success');

        // A rejected invitation does not hold a seat; reinviting it needs one.
        await fresh.server.store.db.updateTable('users').set({ rejected: 1 }).where('user_id', '=', Number(first[1]!.userId)).execute();
        expect(await trialCount()).toMatchObject({ total: 29, rejected: 1, remaining: 1 });
        expect((await batch([item('seat30@example.com', trial.defaultGroupId)])).message).toBe('success');
        const re = await fresh.client.call<BatchOut>('BatchReinviteUser', { networkId: trial.networkId, userIds: [first[1]!.userId] });
        expect(re.failed).toEqual([{ userId: first[1]!.userId, field: 'userId', reason: 'The premium free trial is limited to 30 users' }]);
        expect(await trialCount()).toMatchObject({ total: 30, rejected: 1 });

        // Concurrent batches cannot overfill the trial together.
        const listed = (await fresh.client.call<Page>('ListUsers', { networkId: trial.networkId, maxResults: 5, username: 'trial' })).users;
        await fresh.client.call('BatchDeleteUser', { networkId: trial.networkId, userIds: listed.map((u) => u.userId) });
        expect(await trialCount()).toMatchObject({ total: 25, remaining: 5 });
        const racing = await Promise.all(
          Array.from({ length: 4 }, (_, b) => batch(Array.from({ length: 3 }, (_, i) => item(`race${b}.${i}@example.com`, trial.defaultGroupId)))),
        );
        expect(racing.flatMap((r) => r.successful)).toHaveLength(5);
        expect(racing.flatMap((r) => r.failed).map((f) => f.reason)).toEqual(Array(7).fill('The premium free trial is limited to 30 users'));
        expect(await trialCount()).toMatchObject({ total: 30, remaining: 0 });

        const std = await createNetwork(fresh.client, 'Std', 'STANDARD');
        await createMany(std.networkId, std.defaultGroupId, 'std', 35, fresh);
        expect(await fresh.client.call('GetUsersCount', { networkId: std.networkId })).toMatchObject({ total: 35, remaining: 0 });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('ListUsers', () => {
    const FIRST = ['alice', 'Alice', 'ALBERT', 'bob', 'Bob', 'carol', 'Dave', 'eve'];
    const LAST = ['Smith', 'smithers', 'Jones', 'JONES', 'brown'];
    let dir: string;
    let dirGroup: string;
    let all: UserOut[];

    beforeAll(async () => {
      ({ networkId: dir, defaultGroupId: dirGroup } = await createNetwork(t.client, 'Directory'));
      await addGroup(dir, 'GROUPBBB');
      const users = Array.from({ length: 45 }, (_, i) =>
        item(`dir${String(i).padStart(2, '0')}@example.com`, i % 3 === 0 ? 'GROUPBBB' : dirGroup, { firstName: FIRST[i % FIRST.length], lastName: LAST[i % LAST.length] }),
      );
      const out = await create(dir, users);
      expect(out.message).toBe('success');
      for (const [i, u] of out.successful.entries()) if (i % 4 === 0) await setUser(u.userId, { status: 2 }, dir);
      all = (await listAll<UserOut>('ListUsers', { networkId: dir }, 'users', 100)).items;
      expect(all).toHaveLength(45);
    });

    const keyOf: Record<string, (u: UserOut) => string | number> = {
      username: (u) => u.username,
      firstName: (u) => u.firstName.toLowerCase(),
      lastName: (u) => u.lastName.toLowerCase(),
      status: (u) => u.status,
      groupId: (u) => u.securityGroups[0]!,
    };
    function expectSorted(users: UserOut[], fields: string[], direction: 'ASC' | 'DESC') {
      for (let i = 1; i < users.length; i++) {
        for (const f of fields) {
          const a = keyOf[f]!(users[i - 1]!);
          const b = keyOf[f]!(users[i]!);
          if (a === b) continue;
          expect(direction === 'ASC' ? a < b : a > b, `${f} ${direction}: ${a} before ${b}`).toBe(true);
          break;
        }
      }
    }
    const ids = (users: UserOut[]) => users.map((u) => u.userId).sort();

    it('pages through every sort field in both directions, each user exactly once', async () => {
      for (const sortFields of ['username', 'firstName', 'lastName', 'status', 'groupId', 'status+lastName', 'groupId+firstName', 'lastName+firstName+username']) {
        for (const sortDirection of ['ASC', 'DESC'] as const) {
          const { items, pages } = await listAll<UserOut>('ListUsers', { networkId: dir, sortFields, sortDirection }, 'users', 4);
          expect(pages).toBe(12);
          expect(ids(items)).toEqual(ids(all));
          expectSorted(items, sortFields.split('+'), sortDirection);
        }
      }
    });

    it('sorts by username, DESC, by default and pages with maxResults 1..100 (default 10)', async () => {
      const first = await t.client.call<Page>('ListUsers', { networkId: dir });
      expect(first.users).toHaveLength(10);
      expect(first.users[0]!.username).toBe('dir44@example.com');
      const { items } = await listAll<UserOut>('ListUsers', { networkId: dir }, 'users', 7);
      expect(items.map((u) => u.username)).toEqual(all.map((u) => u.username).sort().reverse());
      expect(items.every((u) => u.type === 'user')).toBe(true);
      for (const maxResults of [0, 101, -1]) await expectApiError(t.client.call('ListUsers', { networkId: dir, maxResults }), 'ValidationError', 422);
      for (const sortFields of ['bogus', 'uname', 'username+email']) await expectApiError(t.client.call('ListUsers', { networkId: dir, sortFields }), 'ValidationError', 422);
      const empty = await createNetwork(t.client, 'Empty');
      expect(await t.client.call('ListUsers', { networkId: empty.networkId })).toEqual({ users: [] });
      await expectApiError(t.client.call('ListUsers', { networkId: '99999999' }), 'ResourceNotFoundError', 404);
    });

    it('filters by case-insensitive username, firstName and lastName prefixes, status and groupId', async () => {
      const cases: [Record<string, unknown>, (u: UserOut) => boolean][] = [
        [{ username: 'DIR1' }, (u) => u.username.startsWith('dir1')],
        [{ username: 'dir07@EXAMPLE.com' }, (u) => u.username === 'dir07@example.com'],
        [{ firstName: 'AL' }, (u) => u.firstName.toLowerCase().startsWith('al')],
        [{ firstName: 'alice' }, (u) => u.firstName.toLowerCase() === 'alice'],
        [{ lastName: 'smith' }, (u) => u.lastName.toLowerCase().startsWith('smith')],
        [{ lastName: 'JONES' }, (u) => u.lastName.toLowerCase() === 'jones'],
        [{ status: 1 }, (u) => u.status === 1],
        [{ status: 2 }, (u) => u.status === 2],
        [{ groupId: 'GROUPBBB' }, (u) => u.securityGroups[0] === 'GROUPBBB'],
        [{ groupId: 'NOSUCHGR' }, () => false],
        [{ firstName: 'b', status: 1, groupId: dirGroup }, (u) => u.firstName.toLowerCase().startsWith('b') && u.status === 1 && u.securityGroups[0] === dirGroup],
        [{ username: 'zzz' }, () => false],
      ];
      for (const [filter, pred] of cases) {
        const expected = all.filter(pred);
        for (const sortFields of ['username', 'firstName', 'lastName', 'status', 'groupId']) {
          const { items } = await listAll<UserOut>('ListUsers', { networkId: dir, sortFields, sortDirection: 'ASC', ...filter }, 'users', 3);
          expect(ids(items), `${JSON.stringify(filter)} by ${sortFields}`).toEqual(ids(expected));
          expectSorted(items, [sortFields], 'ASC');
        }
      }
      expect(all.filter((u) => u.firstName.toLowerCase().startsWith('al')).length).toBeGreaterThan(5);
    });

    it('refuses a nextToken from a listing with other filters or sort', async () => {
      const page = await t.client.call<Page>('ListUsers', { networkId: dir, maxResults: 2, firstName: 'al' });
      expect(page.nextToken).toBeDefined();
      await expectApiError(t.client.call('ListUsers', { networkId: dir, maxResults: 2, firstName: 'bo', nextToken: page.nextToken }), 'ValidationError');
      await expectApiError(t.client.call('ListUsers', { networkId: dir, maxResults: 2, firstName: 'al', sortFields: 'lastName', nextToken: page.nextToken }), 'ValidationError');
      await expectApiError(t.client.call('ListUsers', { networkId: dir, nextToken: 'garbage' }), 'ValidationError');
      const next = await t.client.call<Page>('ListUsers', { networkId: dir, maxResults: 2, firstName: 'AL', nextToken: page.nextToken });
      expect(next.users.map((u) => u.userId)).not.toContain(page.users[0]!.userId);
    });

    it('lists new users as PENDING with their invite until they register, then as ACTIVE', async () => {
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Pending');
      const [u] = (await create(networkId, [item('newbie@example.com', defaultGroupId, { firstName: 'New' })])).successful;
      const pending = await t.client.call<Page>('ListUsers', { networkId, status: 1 });
      expect(pending.users).toEqual([u]);
      expect(pending.users[0]).toMatchObject({ status: 1, inviteCode: u!.inviteCode, isInviteExpired: false });
      expect((await t.client.call<Page>('ListUsers', { networkId, status: 2 })).users).toEqual([]);

      await setUser(u!.userId, { invite_expiration: nowSec() - 1 }, networkId);
      expect((await t.client.call<Page>('ListUsers', { networkId })).users[0]!.isInviteExpired).toBe(true);

      await setUser(u!.userId, { status: 2 }, networkId); // what the messaging layer does on registration
      expect((await t.client.call<Page>('ListUsers', { networkId, status: 1 })).users).toEqual([]);
      const active = (await t.client.call<Page>('ListUsers', { networkId, status: 2 })).users;
      expect(active.map((x) => x.userId)).toEqual([u!.userId]);
      expect(active[0]!.status).toBe(2);
      expect(active[0]!.inviteCode).toBeUndefined();
      await expectApiError(t.client.call('ListUsers', { networkId, status: 3 }), 'ValidationError');
    });

    it('ListSecurityGroupUsers lists one group, pages, and 404s for an unknown group', async () => {
      const inGroup = all.filter((u) => u.securityGroups[0] === 'GROUPBBB');
      expect(inGroup).toHaveLength(15);
      for (const sortFields of ['username', 'firstName', 'lastName']) {
        for (const sortDirection of ['ASC', 'DESC'] as const) {
          const { items, pages } = await listAll<UserOut>('ListSecurityGroupUsers', { networkId: dir, groupId: 'GROUPBBB', sortFields, sortDirection }, 'users', 4);
          expect(pages).toBe(4);
          expect(ids(items)).toEqual(ids(inGroup));
          expectSorted(items, [sortFields], sortDirection);
        }
      }
      const byDefault = (await listAll<UserOut>('ListSecurityGroupUsers', { networkId: dir, groupId: dirGroup }, 'users', 10)).items;
      expect(byDefault.map((u) => u.username)).toEqual(all.filter((u) => u.securityGroups[0] === dirGroup).map((u) => u.username).sort().reverse());
      const e = await expectApiError(t.client.call('ListSecurityGroupUsers', { networkId: dir, groupId: 'NOSUCHGR' }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toMatch(/Security group not found/);
      await expectApiError(t.client.call('ListSecurityGroupUsers', { networkId: net, groupId: 'GROUPBBB' }), 'ResourceNotFoundError', 404);
      await expectApiError(t.client.call('ListSecurityGroupUsers', { networkId: dir, groupId: 'GROUPBBB', sortFields: 'status' }), 'ValidationError');
    });
  });

  describe('GetUser', () => {
    it('answers 404 "User not found." for an unknown user or one of another network', async () => {
      const e = await expectApiError(getUser('987654321'), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('User not found.');
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Elsewhere');
      const [u] = (await create(networkId, [item('elsewhere@example.com', defaultGroupId)])).successful;
      await expectApiError(getUser(u!.userId), 'ResourceNotFoundError', 404);
      await getUser(u!.userId, networkId);
    });

    it('reports lastLogin and lastActivity in epoch seconds; startTime/endTime bound the activity shown', async () => {
      const [u] = (await create(net, [item('active.one@example.com', group)])).successful;
      await setUser(u!.userId, { status: 2, last_login: 1705499000_123, last_activity: 1705500000_456 });
      const got = await getUser(u!.userId);
      expect(got).toMatchObject({ status: 2, lastLogin: 1705499000, lastActivity: 1705500000 });
      expect((await getUser(u!.userId, net, { startTime: 1704067200, endTime: 1705500000 })).lastActivity).toBe(1705500000);
      expect((await getUser(u!.userId, net, { startTime: 1705500000 })).lastActivity).toBe(1705500000);
      const after = await getUser(u!.userId, net, { startTime: 1705500001 });
      expect(after.lastActivity).toBeUndefined();
      expect(after.lastLogin).toBe(1705499000);
      expect((await getUser(u!.userId, net, { endTime: 1705499999 })).lastActivity).toBeUndefined();
      await expectApiError(getUser(u!.userId, net, { startTime: 1705500001, endTime: 1705500000 }), 'ValidationError');
    });
  });

  describe('BatchToggleUserSuspendStatus', () => {
    it('suspends and unsuspends users; unknown IDs fail per item', async () => {
      const [a, b, c] = (await create(net, [item('susp.a@example.com', group), item('susp.b@example.com', group), item('susp.c@example.com', group)])).successful;
      const out = await t.client.call<BatchOut>('BatchToggleUserSuspendStatus', { networkId: net, suspend: true, userIds: [a!.userId, b!.userId, '987654321'] });
      expect(out).toEqual({
        message: 'partial success',
        successful: [{ userId: a!.userId }, { userId: b!.userId }],
        failed: [{ userId: '987654321', field: 'username', reason: 'User not found' }],
      });
      expect((await getUser(a!.userId)).suspended).toBe(true);
      expect((await getUser(b!.userId)).suspended).toBe(true);
      expect((await getUser(c!.userId)).suspended).toBe(false);
      const listed = await t.client.call<Page>('ListUsers', { networkId: net, username: 'susp.' });
      expect(Object.fromEntries(listed.users.map((u) => [u.username, u.suspended]))).toEqual({ 'susp.a@example.com': true, 'susp.b@example.com': true, 'susp.c@example.com': false });

      const back = await t.client.call<BatchOut>('BatchToggleUserSuspendStatus', { networkId: net, suspend: false, userIds: [a!.userId] });
      expect(back).toEqual({ message: 'success', successful: [{ userId: a!.userId }], failed: [] });
      expect((await getUser(a!.userId)).suspended).toBe(false);
      expect((await getUser(b!.userId)).suspended).toBe(true);

      const none = await t.client.call<BatchOut>('BatchToggleUserSuspendStatus', { networkId: net, suspend: true, userIds: ['987654321'] });
      expect(none.message).toBe('failed');
    });

    it('cannot reach a user of another network', async () => {
      const { networkId, defaultGroupId } = await createNetwork(t.client, 'Isolated');
      const [u] = (await create(networkId, [item('iso@example.com', defaultGroupId)])).successful;
      const out = await t.client.call<BatchOut>('BatchToggleUserSuspendStatus', { networkId: net, suspend: true, userIds: [u!.userId] });
      expect(out.message).toBe('failed');
      const del = await t.client.call<BatchOut>('BatchDeleteUser', { networkId: net, userIds: [u!.userId] });
      expect(del.message).toBe('failed');
      expect((await getUser(u!.userId, networkId)).suspended).toBe(false);
    });
  });

  describe('BatchReinviteUser', () => {
    it('gives pending users a new invite code and a fresh expiry; active users cannot be reinvited', async () => {
      const [p, a] = (await create(net, [item('reinv.p@example.com', group, { inviteCode: 'CUSTOM-CODE' }), item('reinv.a@example.com', group)])).successful;
      await setUser(p!.userId, { invite_expiration: nowSec() - 10 });
      await setUser(a!.userId, { status: 2 });
      const aBefore = (await row(a!.userId))!;
      const listedBefore = (await t.client.call<Page>('ListUsers', { networkId: net, username: 'reinv.p' })).users[0]!;
      expect(listedBefore.isInviteExpired).toBe(true);

      const before = Date.now();
      const out = await t.client.call<BatchOut>('BatchReinviteUser', { networkId: net, userIds: [p!.userId, a!.userId, '987654321'] });
      expect(out).toEqual({
        message: 'partial success',
        successful: [{ userId: p!.userId }],
        failed: [
          { userId: a!.userId, field: 'userId', reason: 'user cannot be reinvited' },
          { userId: '987654321', field: 'userId', reason: 'user not found in current network' },
        ],
      });
      const pAfter = (await row(p!.userId))!;
      expect(pAfter.invite_code).not.toBe('CUSTOM-CODE');
      expect(pAfter.invite_code).toMatch(/^[A-Z2-7]{12}$/);
      expect(pAfter.invite_expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 7 * DAY);
      expect(pAfter.invite_expiration).toBeLessThanOrEqual(nowSec() + 7 * DAY);
      const listed = (await t.client.call<Page>('ListUsers', { networkId: net, username: 'reinv.p' })).users[0]!;
      expect(listed).toMatchObject({ inviteCode: pAfter.invite_code, isInviteExpired: false, status: 1 });
      expect(await row(a!.userId)).toEqual(aBefore);

      const again = await t.client.call<BatchOut>('BatchReinviteUser', { networkId: net, userIds: [p!.userId] });
      expect(again.message).toBe('success');
      expect((await row(p!.userId))!.invite_code).not.toBe(pAfter.invite_code);
      expect((await t.client.call<BatchOut>('BatchReinviteUser', { networkId: net, userIds: [a!.userId] })).message).toBe('failed');
    });
  });

  describe('BatchDeleteUser', () => {
    it('deletes users with their devices; unknown IDs fail per item', async () => {
      const [a, b] = (await create(net, [item('del.a@example.com', group), item('del.b@example.com', group)])).successful;
      await addDevice(net, a!.userId, 'del-a-1');
      await addDevice(net, a!.userId, 'del-a-2');
      await addDevice(net, b!.userId, 'del-b-1');
      const count = await userCount(net);
      const out = await t.client.call<BatchOut>('BatchDeleteUser', { networkId: net, userIds: [a!.userId, '987654321'] });
      expect(out).toEqual({
        message: 'partial success',
        successful: [{ userId: a!.userId }],
        failed: [{ userId: '987654321', field: 'username', reason: 'User not found' }],
      });
      await expectApiError(getUser(a!.userId), 'ResourceNotFoundError', 404);
      expect(await deviceRows(net, a!.userId)).toEqual([]);
      expect((await deviceRows(net, b!.userId)).map((d) => d.app_id)).toEqual(['del-b-1']);
      expect(await userCount(net)).toBe(count - 1);
      const recreated = await create(net, [item('del.a@example.com', group)]);
      expect(recreated.message).toBe('success');
      expect(recreated.successful[0]!.userId).not.toBe(a!.userId);
      const again = await t.client.call<BatchOut>('BatchDeleteUser', { networkId: net, userIds: [a!.userId] });
      expect(again.message).toBe('failed');
      expect((await t.client.call<BatchOut>('BatchDeleteUser', { networkId: net, userIds: [b!.userId] })).message).toBe('success');
    });
  });

  describe('BatchLookupUserUname', () => {
    it('maps unames back to usernames; unknown unames fail per item', async () => {
      const [a, b] = (await create(net, [item('look.a@example.com', group), item('look.b@example.com', group)])).successful;
      const ok = await t.client.call<BatchOut<{ uname: string; username: string }>>('BatchLookupUserUname', { networkId: net, unames: [a!.uname, b!.uname] });
      expect(ok).toEqual({
        message: 'success',
        successful: [
          { uname: a!.uname, username: 'look.a@example.com' },
          { uname: b!.uname, username: 'look.b@example.com' },
        ],
        failed: [],
      });
      const partial = await t.client.call<BatchOut<unknown, unknown>>('BatchLookupUserUname', { networkId: net, unames: [a!.uname, 'invaliduname'] });
      expect(partial).toEqual({
        message: 'partial success',
        successful: [{ uname: a!.uname, username: 'look.a@example.com' }],
        failed: [{ uname: 'invaliduname', field: 'uname', reason: 'Uname not found' }],
      });
      const { networkId } = await createNetwork(t.client, 'LookupElse');
      expect((await t.client.call<BatchOut>('BatchLookupUserUname', { networkId, unames: [a!.uname] })).message).toBe('failed');
    });
  });

  describe('devices', () => {
    it('lists a user\'s devices with the model\'s time format, sorted and paged by every sort field', async () => {
      const [u] = (await create(net, [item('devices@example.com', group)])).successful;
      await addDevice(net, u!.userId, 'app-1', { type: 'iOS', created: Date.UTC(2024, 0, 15, 14, 30, 45), lastLogin: Date.UTC(2024, 0, 20, 9, 15, 30) });
      await addDevice(net, u!.userId, 'app-2', { type: 'MacOSX', created: Date.UTC(2023, 11, 1, 0, 5, 9), lastLogin: Date.UTC(2024, 0, 22, 12, 0, 0), status: 'Suspended' });
      await addDevice(net, u!.userId, 'app-3', { type: 'Android', created: Date.UTC(2024, 1, 2, 23, 59, 59), lastLogin: null });
      await addDevice(net, u!.userId, 'app-4', { type: 'Windows', created: Date.UTC(2024, 2, 3, 12, 0, 0), lastLogin: Date.UTC(2024, 2, 11, 1, 2, 3) });
      await addDevice(net, u!.userId, 'app-5', { type: 'iOS', created: Date.UTC(2024, 3, 21, 11, 0, 0), lastLogin: Date.UTC(2024, 3, 13, 13, 0, 0), status: 'Reset' });

      const { items } = await listAll<DeviceOut>('ListDevicesForUser', { networkId: net, userId: u!.userId }, 'devices', 2);
      expect(items.map((d) => d.appId)).toEqual(['app-5', 'app-4', 'app-2', 'app-1', 'app-3']); // lastlogin DESC, never-used last
      const byId = Object.fromEntries(items.map((d) => [d.appId, d]));
      expect(byId['app-1']).toEqual({ appId: 'app-1', type: 'iOS', suspend: false, statusText: 'Active', created: 'January 15th 2024, 2:30:45 pm', lastLogin: 'January 20th 2024, 9:15:30 am' });
      expect(byId['app-2']).toMatchObject({ suspend: true, statusText: 'Suspended', created: 'December 1st 2023, 12:05:09 am', lastLogin: 'January 22nd 2024, 12:00:00 pm' });
      expect(byId['app-3']).toMatchObject({ created: 'February 2nd 2024, 11:59:59 pm', statusText: 'Active' });
      expect(byId['app-3']!.lastLogin).toBeUndefined();
      expect(byId['app-4']).toMatchObject({ created: 'March 3rd 2024, 12:00:00 pm', lastLogin: 'March 11th 2024, 1:02:03 am' });
      expect(byId['app-5']).toMatchObject({ statusText: 'Reset', suspend: false, created: 'April 21st 2024, 11:00:00 am', lastLogin: 'April 13th 2024, 1:00:00 pm' });

      const orders: Record<string, string[]> = {
        lastlogin: ['app-3', 'app-1', 'app-2', 'app-4', 'app-5'],
        created: ['app-2', 'app-1', 'app-3', 'app-4', 'app-5'],
        type: ['app-3', 'app-2', 'app-4', 'app-1', 'app-5'],
        suspend: ['app-1', 'app-3', 'app-4', 'app-5', 'app-2'],
        appId: ['app-1', 'app-2', 'app-3', 'app-4', 'app-5'],
      };
      for (const [sortFields, asc] of Object.entries(orders)) {
        const up = await listAll<DeviceOut>('ListDevicesForUser', { networkId: net, userId: u!.userId, sortFields, sortDirection: 'ASC' }, 'devices', 2);
        expect(up.items.map((d) => d.appId), sortFields).toEqual(asc);
        expect(up.pages).toBe(3);
        const down = await listAll<DeviceOut>('ListDevicesForUser', { networkId: net, userId: u!.userId, sortFields, sortDirection: 'DESC' }, 'devices', 2);
        expect(down.items.map((d) => d.appId), sortFields).toEqual([...asc].reverse());
      }

      await t.client.call('BatchToggleUserSuspendStatus', { networkId: net, suspend: true, userIds: [u!.userId] });
      const suspended = (await t.client.call<{ devices: DeviceOut[] }>('ListDevicesForUser', { networkId: net, userId: u!.userId, maxResults: 10 })).devices;
      expect(Object.fromEntries(suspended.map((d) => [d.appId, [d.suspend, d.statusText]]))).toEqual({
        'app-1': [true, 'Suspended'],
        'app-2': [true, 'Suspended'],
        'app-3': [true, 'Suspended'],
        'app-4': [true, 'Suspended'],
        'app-5': [true, 'Reset'],
      });

      const e = await expectApiError(t.client.call('ListDevicesForUser', { networkId: net, userId: '987654321' }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('User not found.');
      await expectApiError(t.client.call('ListDevicesForUser', { networkId: net, userId: u!.userId, sortFields: 'bogus' }), 'ValidationError');
      const [empty] = (await create(net, [item('nodevices@example.com', group)])).successful;
      expect(await t.client.call('ListDevicesForUser', { networkId: net, userId: empty!.userId })).toEqual({ devices: [] });
    });

    it('resets devices of a user; unknown app IDs fail per item; an unknown user is 404 and changes nothing', async () => {
      const [u, other] = (await create(net, [item('reset@example.com', group), item('reset.other@example.com', group)])).successful;
      for (const appId of ['r-1', 'r-2', 'r-3']) await addDevice(net, u!.userId, appId);
      await addDevice(net, other!.userId, 'o-1');
      const out = await t.client.call<BatchOut<{ appId: string }, unknown>>('BatchResetDevicesForUser', { networkId: net, userId: u!.userId, appIds: ['r-1', 'invalid-app-id', 'r-3', 'o-1'] });
      expect(out).toEqual({
        message: 'partial success',
        successful: [{ appId: 'r-1' }, { appId: 'r-3' }],
        failed: [
          { appId: 'invalid-app-id', field: 'appId', reason: 'Invalid app ID.' },
          { appId: 'o-1', field: 'appId', reason: 'Invalid app ID.' },
        ],
      });
      expect((await deviceRows(net, u!.userId)).map((d) => [d.app_id, d.status])).toEqual([
        ['r-1', 'Reset'],
        ['r-2', 'Active'],
        ['r-3', 'Reset'],
      ]);
      expect((await deviceRows(net, other!.userId))[0]!.status).toBe('Active');
      const listed = (await t.client.call<{ devices: DeviceOut[] }>('ListDevicesForUser', { networkId: net, userId: u!.userId, sortFields: 'appId', sortDirection: 'ASC' })).devices;
      expect(listed.map((d) => d.statusText)).toEqual(['Reset', 'Active', 'Reset']);

      const before = await db().selectFrom('devices').selectAll().where('network_id', '=', net).orderBy('app_id').execute();
      const e = await expectApiError(t.client.call('BatchResetDevicesForUser', { networkId: net, userId: '987654321', appIds: ['r-2', 'o-1'] }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('User not found.');
      expect(await db().selectFrom('devices').selectAll().where('network_id', '=', net).orderBy('app_id').execute()).toEqual(before);
      const none = await t.client.call<BatchOut<unknown, unknown>>('BatchResetDevicesForUser', { networkId: net, userId: u!.userId, appIds: ['nope'] });
      expect(none.message).toBe('failed');
      const all = await t.client.call<BatchOut<unknown, unknown>>('BatchResetDevicesForUser', { networkId: net, userId: u!.userId, appIds: ['r-2'] });
      expect(all.message).toBe('success');
    });
  });

  describe('UpdateUser', () => {
    it('changes names, username, group and invite, bumps modified and answers with the modelled response', async () => {
      await addGroup(net, 'UPDGROUP');
      const [u] = (await create(net, [item('update.me@example.com', group, { firstName: 'Jon', lastName: 'Doe' })])).successful;
      await setUser(u!.userId, { modified: 1000 });
      const before = Date.now();
      const out = await t.client.call<Record<string, unknown>>('UpdateUser', {
        networkId: net,
        userId: u!.userId,
        userDetails: { firstName: 'Jonathan', lastName: 'Doever', username: 'Jonathan.Doe@Example.com', securityGroupIds: ['UPDGROUP'] },
      });
      expect(out).toMatchObject({ userId: u!.userId, networkId: net, securityGroupIds: ['UPDGROUP'], firstName: 'Jonathan', lastName: 'Doever', suspended: false, status: 1 });
      expect(out.modified).toBeGreaterThanOrEqual(Math.floor(before / 1000));
      expect(out.modified).toBeLessThanOrEqual(nowSec());
      const r = (await row(u!.userId))!;
      expect(r.modified).toBeGreaterThanOrEqual(before);
      expect(r).toMatchObject({ username: 'jonathan.doe@example.com', first_name_lc: 'jonathan', last_name_lc: 'doever', security_group_id: 'UPDGROUP', uname: unameFor(net, 'jonathan.doe@example.com') });
      expect(await getUser(u!.userId)).toMatchObject({ username: 'jonathan.doe@example.com', firstName: 'Jonathan', securityGroupIds: ['UPDGROUP'] });
      expect((await t.client.call<Page>('ListUsers', { networkId: net, lastName: 'DOEV' })).users.map((x) => x.userId)).toEqual([u!.userId]);
      expect((await t.client.call<Page>('ListSecurityGroupUsers', { networkId: net, groupId: 'UPDGROUP' })).users.map((x) => x.userId)).toEqual([u!.userId]);
      const lookup = await t.client.call<BatchOut<{ username: string }>>('BatchLookupUserUname', { networkId: net, unames: [unameFor(net, 'jonathan.doe@example.com')] });
      expect(lookup.successful[0]!.username).toBe('jonathan.doe@example.com');
      const freed = await create(net, [item('update.me@example.com', group)]);
      expect(freed.message).toBe('success');

      const inv = await t.client.call<Record<string, unknown>>('UpdateUser', {
        networkId: net,
        userId: u!.userId,
        userDetails: { inviteCode: 'NEWINVITE789', inviteCodeTtl: 14, codeValidation: true },
      });
      expect(inv).toMatchObject({ inviteCode: 'NEWINVITE789', codeValidation: true, firstName: 'Jonathan' });
      expect(inv.inviteExpiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 14 * DAY);
      expect(inv.inviteExpiration).toBeLessThanOrEqual(nowSec() + 14 * DAY);
      expect((await row(u!.userId))!).toMatchObject({ invite_code: 'NEWINVITE789', code_validation: 1, invite_expiration: inv.inviteExpiration });

      const codeOnly = await t.client.call<Record<string, unknown>>('UpdateUser', { networkId: net, userId: u!.userId, userDetails: { inviteCode: 'ANOTHER-CODE_1' } });
      expect(codeOnly.inviteExpiration).toBeLessThanOrEqual(nowSec() + 7 * DAY);
      expect(codeOnly.inviteExpiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 7 * DAY);
      const ttlOnly = await t.client.call<Record<string, unknown>>('UpdateUser', { networkId: net, userId: u!.userId, userDetails: { inviteCodeTtl: 30 } });
      expect(ttlOnly.inviteCode).toBe('ANOTHER-CODE_1');
      expect(ttlOnly.inviteExpiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 30 * DAY);
    });

    it('rejects a taken or invalid username, a wrong group list and a bad invite, changing nothing', async () => {
      await addGroup(net, 'UPDGRP02');
      const [u, v] = (await create(net, [item('upd.x@example.com', group, { firstName: 'X' }), item('upd.y@example.com', group)])).successful;
      await addBot(net, group, 'alerts@ops.bot');
      const snapshot = await row(u!.userId);
      const bad: [Record<string, unknown>, string, string][] = [
        [{ username: 'UPD.Y@example.com' }, 'BadRequestError', 'User already exists'],
        [{ username: 'alerts@ops.bot', firstName: 'Changed' }, 'BadRequestError', 'User already exists'],
        [{ username: 'not an email', firstName: 'Changed' }, 'ValidationError', 'Invalid email address'],
        [{ securityGroupIds: [] }, 'ValidationError', 'exactly one security group'],
        [{ securityGroupIds: [group, 'UPDGRP02'] }, 'ValidationError', 'exactly one security group'],
        [{ securityGroupIds: ['NOPE1234'], firstName: 'Changed' }, 'ValidationError', 'Security group NOPE1234 not found'],
        [{ inviteCode: 'x', firstName: 'Changed' }, 'ValidationError', 'Invite code must be 6-64'],
        [{ inviteCode: 'y'.repeat(65) }, 'ValidationError', 'Invite code must be 6-64'],
        [{ inviteCodeTtl: 0, firstName: 'Changed' }, 'ValidationError', 'between 1 and 365 days'],
        [{ inviteCodeTtl: 366 }, 'ValidationError', 'between 1 and 365 days'],
        [{}, 'ValidationError', 'at least one'],
      ];
      for (const [userDetails, type, text] of bad) {
        const e = await expectApiError(t.client.call('UpdateUser', { networkId: net, userId: u!.userId, userDetails }), type);
        expect(JSON.stringify(e.body), JSON.stringify(userDetails)).toContain(text);
      }
      expect(await row(u!.userId)).toEqual(snapshot);
      const e = await expectApiError(t.client.call('UpdateUser', { networkId: net, userId: '987654321', userDetails: { firstName: 'Non' } }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('User not found.');
      // Its own username (in any case) is not a conflict.
      const same = await t.client.call<Record<string, unknown>>('UpdateUser', { networkId: net, userId: v!.userId, userDetails: { username: 'Upd.Y@Example.com' } });
      expect(same.userId).toBe(v!.userId);
      expect((await row(v!.userId))!.username).toBe('upd.y@example.com');
    });
  });

  describe('country code and phone (documented extension)', () => {
    it('are taken at invitation and by UpdateUser, normalized, validated per item, and listed by ListUsers', async () => {
      const listed = async (username: string) =>
        (await t.client.call<{ users: { username: string; countryCode: string; cell: string }[] }>('ListUsers', { networkId: net, username })).users.find((u) => u.username === username);
      const r = await create(net, [
        item('phone.ok@example.com', group, { countryCode: '+886', cell: '0912-345 678' }),
        item('phone.badcc@example.com', group, { countryCode: '88600' }),
        item('phone.badcell@example.com', group, { cell: '12' }),
      ]);
      expect(r.failed).toEqual([
        { userId: '0', field: 'countryCode', reason: 'Country code must be 1 to 3 digits (an optional leading + is dropped)' },
        { userId: '0', field: 'cell', reason: 'Phone number must be 4 to 15 digits (spaces, dashes, dots and parentheses are dropped)' },
      ]);
      const ok = r.successful[0]!;
      expect(ok).toMatchObject({ countryCode: '886', cell: '0912345678' });
      expect(await listed('phone.ok@example.com')).toMatchObject({ countryCode: '886', cell: '0912345678' });
      await t.client.call('UpdateUser', { networkId: net, userId: ok.userId, userDetails: { cell: '(02) 2345-6789', countryCode: '1' } });
      expect(await listed('phone.ok@example.com')).toMatchObject({ countryCode: '1', cell: '0223456789' });
      await expectApiError(t.client.call('UpdateUser', { networkId: net, userId: ok.userId, userDetails: { cell: 'call me' } }), 'ValidationError');
      expect(await listed('phone.ok@example.com')).toMatchObject({ cell: '0223456789' });
    });
  });
});
