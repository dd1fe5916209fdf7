import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey } from '../../packages/server/src/domain/accounts/repo.js';
import { usernameHash } from '../../packages/server/src/kernel/ids.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { bumpIamGeneration, WICKR_FULL_ACCESS_ARN } from '../../packages/server/src/domain/iam/authorizer.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

interface GuestOut {
  billingPeriod: string;
  username: string;
  usernameHash: string;
}
interface BlockedOut {
  username: string;
  admin: string;
  modified: string;
  usernameHash: string;
}

/** 'YYYY-MM' of the UTC month `back` months before now. */
function period(back: number, now = Date.now()): string {
  const d = new Date(now);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

const TRIAL_MESSAGE = 'Guest users are not available during the premium free trial.';

describe(`guest users (${dialectName})`, () => {
  let t: TestServer;
  let rootArn: string;

  beforeAll(async () => {
    t = await startTestServer();
    rootArn = `arn:aws:iam::${t.accountId}:root`;
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.server.store.db;

  /** The messaging layer records guests; tests insert the rows directly. */
  async function insertGuest(networkId: string, username: string, billingPeriod: string) {
    await db().insertInto('guest_users').values({ network_id: networkId, username_hash: usernameHash(username), username, billing_period: billingPeriod }).execute();
  }
  const blockRows = (networkId: string) => db().selectFrom('guest_blocks').selectAll().where('network_id', '=', networkId).orderBy('username_hash').execute();
  const listGuests = (networkId: string, input: Record<string, unknown> = {}) =>
    t.client.call<{ guestlist: GuestOut[]; nextToken?: string }>('ListGuestUsers', { networkId, maxResults: 100, ...input });
  const listBlocked = (networkId: string, input: Record<string, unknown> = {}) =>
    t.client.call<{ blocklist: BlockedOut[]; nextToken?: string }>('ListBlockedGuestUsers', { networkId, maxResults: 100, ...input });
  const updateGuest = (networkId: string, username: string, block: boolean, client = t.client) =>
    client.call<{ message: string }>('UpdateGuestUser', { networkId, usernameHash: usernameHash(username), block });

  describe('ListGuestUsers', () => {
    let net: string;
    const p0 = period(0);
    const p1 = period(1);

    beforeAll(async () => {
      net = (await createNetwork(t.client, 'Guests')).networkId;
      await insertGuest(net, 'anna@example.com', p0);
      await insertGuest(net, 'Bert@Example.com', p0);
      await insertGuest(net, 'carl@example.com', p0);
      await insertGuest(net, 'anna@example.com', p1);
      await insertGuest(net, 'dora@example.org', p1);
      await insertGuest(net, 'a_b@example.com', p1);
    });

    it('lists one entry per guest per billing period, the latest period first by default', async () => {
      const { guestlist, nextToken } = await listGuests(net);
      expect(nextToken).toBeUndefined();
      expect(guestlist.map((g) => `${g.billingPeriod} ${g.username}`)).toEqual([
        `${p0} carl@example.com`,
        `${p0} anna@example.com`,
        `${p0} Bert@Example.com`,
        `${p1} dora@example.org`,
        `${p1} anna@example.com`,
        `${p1} a_b@example.com`,
      ]);
      expect(guestlist[0]).toEqual({ billingPeriod: p0, username: 'carl@example.com', usernameHash: usernameHash('carl@example.com') });
    });

    it('sorts by username or billing period in either direction', async () => {
      const asc = await listGuests(net, { sortFields: 'username', sortDirection: 'ASC' });
      const names = asc.guestlist.map((g) => g.username);
      expect(names).toEqual([...names].sort());
      const byPeriod = await listGuests(net, { sortFields: 'billingPeriod', sortDirection: 'ASC' });
      expect(byPeriod.guestlist.slice(0, 3).every((g) => g.billingPeriod === p1)).toBe(true);
      expect(byPeriod.guestlist.slice(3).every((g) => g.billingPeriod === p0)).toBe(true);
      await expectApiError(listGuests(net, { sortFields: 'admin' }), 'ValidationError', 422);
    });

    it('filters by username prefix (case-insensitive) and exact billing period', async () => {
      const bert = await listGuests(net, { username: 'bERT' });
      expect(bert.guestlist).toEqual([{ billingPeriod: p0, username: 'Bert@Example.com', usernameHash: usernameHash('Bert@Example.com') }]);
      expect((await listGuests(net, { username: 'anna', sortFields: 'billingPeriod', sortDirection: 'DESC' })).guestlist.map((g) => g.billingPeriod)).toEqual([p0, p1]);
      // '_' and '%' are literal characters, not wildcards.
      expect((await listGuests(net, { username: 'a_' })).guestlist.map((g) => g.username)).toEqual(['a_b@example.com']);
      expect((await listGuests(net, { username: '%' })).guestlist).toEqual([]);
      const prev = await listGuests(net, { billingPeriod: p1, sortFields: 'username', sortDirection: 'ASC' });
      expect(prev.guestlist.map((g) => g.username)).toEqual(['a_b@example.com', 'anna@example.com', 'dora@example.org']);
      expect((await listGuests(net, { billingPeriod: p0, username: 'd' })).guestlist).toEqual([]);
      expect((await listGuests(net, { billingPeriod: '1999-01' })).guestlist).toEqual([]);
    });

    it('rejects a billing period that is not YYYY-MM', async () => {
      for (const billingPeriod of ['2024-13', '2024-00', '2024-1', '202401', '2024_01', 'last month']) {
        const err = await expectApiError(listGuests(net, { billingPeriod }), 'ValidationError', 422);
        expect(err.body.reasons).toEqual([{ field: 'billingPeriod', reason: 'Billing period must be in the format YYYY-MM' }]);
      }
    });

    it('paginates with nextToken over entries that share a billing period', async () => {
      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await listGuests(net, { maxResults: 4, ...(nextToken ? { nextToken } : {}) });
        expect(page.guestlist.length).toBeLessThanOrEqual(4);
        seen.push(...page.guestlist.map((g) => `${g.billingPeriod} ${g.username}`));
        nextToken = page.nextToken;
        pages++;
      } while (nextToken);
      expect(pages).toBe(2);
      expect(seen).toEqual((await listGuests(net)).guestlist.map((g) => `${g.billingPeriod} ${g.username}`));
      const first = await listGuests(net, { maxResults: 1 });
      await expectApiError(listGuests(net, { maxResults: 1, username: 'a', nextToken: first.nextToken }), 'ValidationError', 422);
      await expectApiError(listGuests(net, { maxResults: 0 }), 'ValidationError', 422);
    });

    it('answers an empty list for a network without guests, and 404 for an unknown network', async () => {
      const { networkId } = await createNetwork(t.client, 'No guests');
      expect(await t.client.call('ListGuestUsers', { networkId })).toEqual({ guestlist: [] });
      const err = await expectApiError(listGuests('99999999'), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Network not found');
    });
  });

  describe('GetGuestUserHistoryCount', () => {
    it('counts distinct guests per month for the last 12 months, most recent first, in YYYY_MM', async () => {
      const { networkId } = await createNetwork(t.client, 'History');
      for (const u of ['a@x.com', 'b@x.com', 'c@x.com']) await insertGuest(networkId, u, period(0));
      for (const u of ['a@x.com', 'd@x.com']) await insertGuest(networkId, u, period(1));
      await insertGuest(networkId, 'a@x.com', period(11));
      await insertGuest(networkId, 'old@x.com', period(12));
      await insertGuest(networkId, 'older@x.com', period(30));
      // Another network's guests do not count.
      const other = await createNetwork(t.client, 'History 2');
      await insertGuest(other.networkId, 'zed@x.com', period(0));

      const { history } = await t.client.call<{ history: { month: string; count: string }[] }>('GetGuestUserHistoryCount', { networkId });
      expect(history).toEqual([
        { month: period(0).replace('-', '_'), count: '3' },
        { month: period(1).replace('-', '_'), count: '2' },
        { month: period(11).replace('-', '_'), count: '1' },
      ]);
    });

    it('answers an empty history for a network without guests', async () => {
      const { networkId } = await createNetwork(t.client, 'Quiet');
      expect(await t.client.call('GetGuestUserHistoryCount', { networkId })).toEqual({ history: [] });
      await expectApiError(t.client.call('GetGuestUserHistoryCount', { networkId: '99999999' }), 'ResourceNotFoundError', 404);
    });
  });

  describe('blocking', () => {
    let net: string;

    beforeAll(async () => {
      net = (await createNetwork(t.client, 'Blocking')).networkId;
      for (const u of ['eve@evil.example', 'mallory@evil.example', 'trent@example.com']) await insertGuest(net, u, period(0));
      await insertGuest(net, 'old.guest@example.com', period(5));
    });

    it('blocks a known guest, recording the caller ARN and the time; the guest shows in the blocklist', async () => {
      const before = Date.now();
      expect(await updateGuest(net, 'eve@evil.example', true)).toEqual({ message: 'success' });
      const after = Date.now();
      const { blocklist } = await listBlocked(net);
      expect(blocklist).toHaveLength(1);
      const entry = blocklist[0]!;
      expect(entry).toMatchObject({ username: 'eve@evil.example', admin: rootArn, usernameHash: usernameHash('eve@evil.example') });
      expect(entry.modified).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const at = Date.parse(entry.modified.replace(' ', 'T') + 'Z');
      expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(at).toBeLessThanOrEqual(after);
      // A guest seen only in an earlier billing period is known too.
      await updateGuest(net, 'old.guest@example.com', true);
      expect((await listBlocked(net, { username: 'old' })).blocklist.map((b) => b.username)).toEqual(['old.guest@example.com']);
    });

    it('refuses to block a blocked guest and changes nothing', async () => {
      await updateGuest(net, 'mallory@evil.example', true);
      const rows = await blockRows(net);
      const err = await expectApiError(updateGuest(net, 'mallory@evil.example', true), 'BadRequestError', 400);
      expect(err.body.message).toBe('This user is already blocked in your network');
      expect(await blockRows(net)).toEqual(rows);
    });

    it('unblocks a blocked guest; refuses to unblock a guest that is not blocked', async () => {
      await updateGuest(net, 'trent@example.com', true);
      expect(await updateGuest(net, 'trent@example.com', false)).toEqual({ message: 'success' });
      expect((await listBlocked(net, { username: 'trent' })).blocklist).toEqual([]);
      const rows = await blockRows(net);
      const err = await expectApiError(updateGuest(net, 'trent@example.com', false), 'BadRequestError', 400);
      expect(err.body.message).toBe('This user is not blocked in your network');
      expect(await blockRows(net)).toEqual(rows);
      // Blocking again works after an unblock.
      await updateGuest(net, 'trent@example.com', true);
      await updateGuest(net, 'trent@example.com', false);
    });

    it('answers 404 "Guest user not found" for a guest the network never saw, even one known to another network', async () => {
      const other = await createNetwork(t.client, 'Other guests');
      await insertGuest(other.networkId, 'stranger@example.com', period(0));
      const rows = await blockRows(net);
      for (const [username, block] of [['nobody@example.com', true], ['stranger@example.com', true], ['stranger@example.com', false]] as const) {
        const err = await expectApiError(updateGuest(net, username, block), 'ResourceNotFoundError', 404);
        expect(err.body.message).toBe('Guest user not found');
      }
      expect(await blockRows(net)).toEqual(rows);
      expect(await blockRows(other.networkId)).toEqual([]);
    });

    it('accepts the username hash in upper case', async () => {
      const { networkId } = await createNetwork(t.client, 'Hash case');
      await insertGuest(networkId, 'upper@example.com', period(0));
      await t.client.call('UpdateGuestUser', { networkId, usernameHash: usernameHash('upper@example.com').toUpperCase(), block: true });
      expect((await listBlocked(networkId)).blocklist.map((b) => b.usernameHash)).toEqual([usernameHash('upper@example.com')]);
    });

    it('records the ARN of whichever principal of the account blocks', async () => {
      const { networkId } = await createNetwork(t.client, 'Two admins');
      await insertGuest(networkId, 'spam@example.com', period(0));
      const principal = { principalId: 'AIDATESTALICE', accountId: t.accountId, arn: `arn:aws:iam::${t.accountId}:user/alice`, kind: 'IAMUser', name: 'alice' };
      await db()
        .insertInto('principals')
        .values({ principal_id: principal.principalId, account_id: principal.accountId, kind: principal.kind, name: principal.name, arn: principal.arn, created_at: Date.now() })
        .execute();
      // An IAM user may administer Wickr once AWSWickrFullAccess is attached.
      await db().insertInto('iam_policy_attachments').values({ policy_arn: WICKR_FULL_ACCESS_ARN, principal_id: principal.principalId }).execute();
      await bumpIamGeneration(autocommit(db()));
      const key = { accessKeyId: 'AKIAALICE' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64') };
      await addAccessKey(autocommit(db()), t.server.secrets, principal, key, Date.now());
      await updateGuest(networkId, 'spam@example.com', true, t.clientWith(key));
      expect((await listBlocked(networkId)).blocklist[0]!.admin).toBe(principal.arn);
    });
  });

  describe('ListBlockedGuestUsers', () => {
    let net: string;
    const alice = 'arn:aws:iam::111111111111:user/alice';
    const bob = 'arn:aws:iam::111111111111:user/bob';

    beforeAll(async () => {
      net = (await createNetwork(t.client, 'Blocklist')).networkId;
      const blocks: [string, string, string][] = [
        ['blocked.user1@example.com', alice, '2024-01-15T10:30:00Z'],
        ['blocked.user2@example.com', alice, '2024-01-10T14:20:00Z'],
        ['blocked.user3@example.com', bob, '2024-01-05T09:15:00Z'],
        ['John.Doe@example.com', bob, '2023-12-20T16:45:00Z'],
      ];
      for (const [username, admin, at] of blocks) {
        await insertGuest(net, username, '2024-01');
        await db().insertInto('guest_blocks').values({ network_id: net, username_hash: usernameHash(username), username, admin, modified: Date.parse(at) }).execute();
      }
    });

    it('lists the most recently blocked first by default, with modified as YYYY-MM-DD HH:MM:SS UTC', async () => {
      const { blocklist, nextToken } = await listBlocked(net);
      expect(nextToken).toBeUndefined();
      expect(blocklist[0]).toEqual({ username: 'blocked.user1@example.com', admin: alice, modified: '2024-01-15 10:30:00', usernameHash: usernameHash('blocked.user1@example.com') });
      expect(blocklist.map((b) => b.modified)).toEqual(['2024-01-15 10:30:00', '2024-01-10 14:20:00', '2024-01-05 09:15:00', '2023-12-20 16:45:00']);
    });

    it('sorts by username, admin or modified', async () => {
      const byName = await listBlocked(net, { sortFields: 'username', sortDirection: 'ASC' });
      expect(byName.blocklist.map((b) => b.username)).toEqual(['John.Doe@example.com', 'blocked.user1@example.com', 'blocked.user2@example.com', 'blocked.user3@example.com']);
      const byAdmin = await listBlocked(net, { sortFields: 'admin+modified', sortDirection: 'ASC' });
      expect(byAdmin.blocklist.map((b) => b.username)).toEqual(['blocked.user2@example.com', 'blocked.user1@example.com', 'John.Doe@example.com', 'blocked.user3@example.com']);
      const oldest = await listBlocked(net, { sortFields: 'modified', sortDirection: 'ASC', maxResults: 1 });
      expect(oldest.blocklist.map((b) => b.username)).toEqual(['John.Doe@example.com']);
      await expectApiError(listBlocked(net, { sortFields: 'billingPeriod' }), 'ValidationError', 422);
    });

    it('filters by username prefix (case-insensitive) and by the exact admin', async () => {
      expect((await listBlocked(net, { username: 'john.doe@example.com' })).blocklist.map((b) => b.username)).toEqual(['John.Doe@example.com']);
      expect((await listBlocked(net, { username: 'BLOCKED.USER', sortFields: 'username', sortDirection: 'ASC' })).blocklist).toHaveLength(3);
      expect((await listBlocked(net, { admin: bob, sortFields: 'username', sortDirection: 'ASC' })).blocklist.map((b) => b.username)).toEqual(['John.Doe@example.com', 'blocked.user3@example.com']);
      expect((await listBlocked(net, { admin: 'arn:aws:iam::111111111111:user/' })).blocklist).toEqual([]);
      expect((await listBlocked(net, { admin: alice, username: 'blocked.user2' })).blocklist.map((b) => b.username)).toEqual(['blocked.user2@example.com']);
    });

    it('paginates with nextToken', async () => {
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await listBlocked(net, { maxResults: 3, ...(nextToken ? { nextToken } : {}) });
        expect(page.blocklist.length).toBeLessThanOrEqual(3);
        seen.push(...page.blocklist.map((b) => b.username));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual(['blocked.user1@example.com', 'blocked.user2@example.com', 'blocked.user3@example.com', 'John.Doe@example.com']);
    });

    it('answers an empty blocklist for a network that blocked nobody', async () => {
      const { networkId } = await createNetwork(t.client, 'Open');
      expect(await t.client.call('ListBlockedGuestUsers', { networkId })).toEqual({ blocklist: [] });
    });
  });

  describe('premium free trial', () => {
    it('makes guest users unavailable while the trial runs, and available once it has ended', async () => {
      const { networkId } = await createNetwork(t.client, 'Trial', 'PREMIUM', { enablePremiumFreeTrial: true });
      await insertGuest(networkId, 'visitor@example.com', period(0));
      const calls = [
        () => t.client.call('ListGuestUsers', { networkId }),
        () => t.client.call('GetGuestUserHistoryCount', { networkId }),
        () => t.client.call('ListBlockedGuestUsers', { networkId }),
        () => updateGuest(networkId, 'visitor@example.com', true),
      ];
      for (const call of calls) {
        const err = await expectApiError(call(), 'BadRequestError', 400);
        expect(err.body.message).toBe(TRIAL_MESSAGE);
      }
      expect(await blockRows(networkId)).toEqual([]);

      // The trial ended (the network stays Premium): guest users are available.
      await db().updateTable('networks').set({ free_trial_expiration: Date.now() - 1000 }).where('network_id', '=', networkId).execute();
      expect((await listGuests(networkId)).guestlist.map((g) => g.username)).toEqual(['visitor@example.com']);
      expect((await t.client.call<{ history: unknown[] }>('GetGuestUserHistoryCount', { networkId })).history).toHaveLength(1);
      await updateGuest(networkId, 'visitor@example.com', true);
      expect((await listBlocked(networkId)).blocklist.map((b) => b.username)).toEqual(['visitor@example.com']);
    });

    it('keeps guest users available on Standard and paid Premium networks', async () => {
      for (const level of ['STANDARD', 'PREMIUM'] as const) {
        const { networkId } = await createNetwork(t.client, `Paid ${level}`, level);
        await insertGuest(networkId, 'visitor@example.com', period(0));
        await updateGuest(networkId, 'visitor@example.com', true);
        expect((await listBlocked(networkId)).blocklist).toHaveLength(1);
      }
    });
  });
});
