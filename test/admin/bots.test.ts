import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../packages/server/src/infra/passwords.js';
import { unameFor } from '../../packages/server/src/kernel/ids.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { userRow } from '../helpers/rows.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

interface BotOut {
  botId: string;
  displayName: string;
  username: string;
  uname: string;
  pubkey: string;
  status: number;
  groupId: string;
  hasChallenge: boolean;
  suspended: boolean;
  lastLogin?: string;
}

const PASSWORD = 'SecureP@ssw0rd123';

describe(`bots (${dialectName})`, () => {
  let t: TestServer;
  let networkId: string;
  let defaultGroupId: string;
  let userSeq = 5000;

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId, defaultGroupId } = await createNetwork(t.client, 'Bots'));
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.server.store.db;

  async function createBot(input: Record<string, unknown>, net = networkId) {
    return t.client.call<{ botId: string; networkId: string; username: string; displayName: string; groupId: string; message?: string }>('CreateBot', {
      networkId: net,
      challenge: PASSWORD,
      groupId: net === networkId ? defaultGroupId : undefined,
      ...input,
    });
  }
  const getBot = (botId: string, net = networkId) => t.client.call<BotOut>('GetBot', { networkId: net, botId });
  const botRows = (net = networkId) => db().selectFrom('bots').selectAll().where('network_id', '=', net).orderBy('bot_id').execute();
  const botCounter = async () => Number((await db().selectFrom('counters').select('value').where('name', '=', 'bot_id').executeTakeFirstOrThrow()).value);

  /** Users are created by another module; tests insert the row with every NOT NULL column. */
  async function insertUser(net: string, username: string, groupId: string) {
    await db()
      .insertInto('users')
      .values(userRow({ network_id: net, user_id: userSeq++, username, security_group_id: groupId, uname: unameFor(net, username) }))
      .execute();
  }

  /** Security-group writes belong to another module; tests insert a second group directly. */
  async function insertGroup(net: string, groupId: string) {
    const now = Date.now();
    await db().insertInto('security_groups').values({ network_id: net, group_id: groupId, name: groupId, is_default: 0, settings: '{}', modified: now, created_at: now }).execute();
  }

  it('creates a PENDING bot with a hashed password, a counter-allocated ID and the network uname', async () => {
    const before = await botCounter();
    const out = await createBot({ username: 'Analytics_Bot', displayName: 'Analytics Bot' });
    expect(out).toEqual({ botId: String(before + 1), networkId, username: 'analytics_bot', displayName: 'Analytics Bot', groupId: defaultGroupId });
    expect(await botCounter()).toBe(before + 1);

    const bot = await getBot(out.botId);
    expect(bot).toEqual({
      botId: out.botId,
      displayName: 'Analytics Bot',
      username: 'analytics_bot',
      uname: unameFor(networkId, 'analytics_bot'),
      pubkey: '',
      status: 1,
      groupId: defaultGroupId,
      hasChallenge: true,
      suspended: false,
    });
    const row = (await botRows()).find((r) => String(r.bot_id) === out.botId)!;
    expect(row.challenge_hash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, row.challenge_hash)).toBe(true);

    const second = await createBot({ username: 'second.bot' });
    expect(Number(second.botId)).toBe(before + 2);
    // Without a display name the username is shown.
    expect(second.displayName).toBe('second.bot');
    expect((await getBot(second.botId)).displayName).toBe('second.bot');
  });

  it('rejects usernames that do not end in "bot" or use other characters than [a-z0-9_.-], and creates nothing', async () => {
    const rows = await botRows();
    const counter = await botCounter();
    for (const username of ['bot@invalid', 'analytics', 'botanist', 'my bot', 'émile_bot', '\u212Abot', 'a/bot', '', 'x'.repeat(253) + 'bot']) {
      const err = await expectApiError(createBot({ username }), 'ValidationError', 422);
      expect(err.body.reasons).toEqual([{ field: 'username', reason: 'Invalid username format' }]);
    }
    expect(await botRows()).toEqual(rows);
    expect(await botCounter()).toBe(counter);
    // Upper-case letters are accepted and stored lower-cased; '.', '-' and '_' are allowed.
    expect((await createBot({ username: 'OPS-Notify.BOT' })).username).toBe('ops-notify.bot');
    expect((await createBot({ username: 'x'.repeat(252) + 'bot' })).username).toHaveLength(255);
  });

  it('rejects a username already used by a bot or a user of the network, but not one used in another network', async () => {
    await createBot({ username: 'support_bot' });
    await insertUser(networkId, 'helpdesk_bot', defaultGroupId);
    const rows = await botRows();
    for (const username of ['support_bot', 'SUPPORT_BOT', 'helpdesk_bot', `compliance_${networkId}_bot`]) {
      const err = await expectApiError(createBot({ username }), 'ValidationError', 422);
      expect(err.body.reasons).toEqual([{ field: 'username', reason: 'username is unavailable' }]);
    }
    expect(await botRows()).toEqual(rows);

    const other = await createNetwork(t.client, 'Other');
    const out = await createBot({ username: 'support_bot', groupId: other.defaultGroupId }, other.networkId);
    expect(out.networkId).toBe(other.networkId);
    expect((await getBot(out.botId, other.networkId)).uname).toBe(unameFor(other.networkId, 'support_bot'));
    expect(unameFor(other.networkId, 'support_bot')).not.toBe(unameFor(networkId, 'support_bot'));
  });

  it('requires a security group of the same network', async () => {
    const other = await createNetwork(t.client, 'Foreign groups');
    const rows = await botRows();
    for (const groupId of ['nosuchgr', other.defaultGroupId]) {
      const err = await expectApiError(createBot({ username: 'grouped_bot', groupId }), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Security group not found');
    }
    expect(await botRows()).toEqual(rows);
  });

  it('requires a password of at least 8 characters', async () => {
    const rows = await botRows();
    const err = await expectApiError(createBot({ username: 'short_bot', challenge: 'Abc1234' }), 'ValidationError', 422);
    expect(err.body.reasons).toEqual([{ field: 'challenge', reason: 'Password must be at least 8 characters' }]);
    expect(await botRows()).toEqual(rows);
    const ok = await createBot({ username: 'eight_bot', challenge: 'Abc12345' });
    expect((await getBot(ok.botId)).hasChallenge).toBe(true);
  });

  it('answers 404 "Bot not found" for unknown bots and for bots of another network', async () => {
    for (const botId of ['99999', '0']) {
      const err = await expectApiError(getBot(botId), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Bot not found');
    }
    const other = await createNetwork(t.client, 'Elsewhere');
    const theirs = await createBot({ username: 'theirs_bot', groupId: other.defaultGroupId }, other.networkId);
    await expectApiError(getBot(theirs.botId, networkId), 'ResourceNotFoundError', 404);
    const err = await expectApiError(getBot('1', '99999999'), 'ResourceNotFoundError', 404);
    expect(err.body.message).toBe('Network not found');
  });

  it('hides bots from another account', async () => {
    const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
    const acct = await createAccount(autocommit(db()), t.server.secrets, Date.now());
    const c2 = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
    const bot = await createBot({ username: 'private_bot' });
    await expectApiError(c2.call('GetBot', { networkId, botId: bot.botId }), 'ResourceNotFoundError', 404);
    await expectApiError(c2.call('ListBots', { networkId }), 'ResourceNotFoundError', 404);
    await expectApiError(c2.call('DeleteBot', { networkId, botId: bot.botId }), 'ResourceNotFoundError', 404);
    await getBot(bot.botId);
  });

  describe('listing and counting', () => {
    let net: string;
    let group: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const n = await createNetwork(t.client, 'List bots');
      net = n.networkId;
      group = n.defaultGroupId;
      await insertGroup(net, 'opsgroup');
      const specs: [string, string, string][] = [
        ['alpha_bot', 'Zulu Helper', group],
        ['bravo_bot', 'yankee helper', 'opsgroup'],
        ['charlie_bot', 'Xray Support', group],
        ['delta_bot', 'whiskey', 'opsgroup'],
        ['echo_bot', 'Victor', group],
      ];
      for (const [username, displayName, groupId] of specs) {
        ids[username] = (await createBot({ username, displayName, groupId }, net)).botId;
      }
      // The messaging layer activates a bot when it signs in; simulate that for two bots.
      await db()
        .updateTable('bots')
        .set({ status: 2, last_login: 1704067200_000, pubkey: 'LS0tLS1CRUdJTg' })
        .where('network_id', '=', net)
        .where('username', 'in', ['bravo_bot', 'delta_bot'])
        .execute();
    });

    const list = (input: Record<string, unknown>) => t.client.call<{ bots: BotOut[]; nextToken?: string }>('ListBots', { networkId: net, maxResults: 100, ...input });
    const names = async (input: Record<string, unknown>) => (await list(input)).bots.map((b) => b.username);

    it('sorts by username DESC by default and by each accepted field', async () => {
      expect(await names({})).toEqual(['echo_bot', 'delta_bot', 'charlie_bot', 'bravo_bot', 'alpha_bot']);
      expect(await names({ sortFields: 'username', sortDirection: 'ASC' })).toEqual(['alpha_bot', 'bravo_bot', 'charlie_bot', 'delta_bot', 'echo_bot']);
      // Display names: upper-case letters sort before lower-case ones in byte order, so use one case per comparison.
      const byDisplay = ['Victor', 'Xray Support', 'Zulu Helper', 'whiskey', 'yankee helper'];
      expect((await list({ sortFields: 'displayName', sortDirection: 'ASC' })).bots.map((b) => b.displayName)).toEqual(byDisplay);
      expect((await list({ sortFields: 'firstName', sortDirection: 'ASC' })).bots.map((b) => b.displayName)).toEqual(byDisplay);
      expect(await names({ sortFields: 'status+username', sortDirection: 'ASC' })).toEqual(['alpha_bot', 'charlie_bot', 'echo_bot', 'bravo_bot', 'delta_bot']);
      const byGroup = await list({ sortFields: 'groupId+username', sortDirection: 'ASC' });
      const groupsInOrder = byGroup.bots.map((b) => b.groupId);
      expect(groupsInOrder).toEqual([...groupsInOrder].sort());
      await expectApiError(list({ sortFields: 'lastName' }), 'ValidationError', 422);
    });

    it('shows an active bot with its public key and last login in epoch seconds', async () => {
      const bot = (await list({ username: 'bravo' })).bots[0]!;
      expect(bot).toMatchObject({ username: 'bravo_bot', status: 2, pubkey: 'LS0tLS1CRUdJTg', lastLogin: '1704067200', groupId: 'opsgroup' });
      expect(await getBot(bot.botId, net)).toEqual(bot);
    });

    it('filters by display name and username prefix (case-insensitive), status and group', async () => {
      expect(await names({ displayName: 'x', sortDirection: 'ASC' })).toEqual(['charlie_bot']);
      expect(await names({ displayName: 'YANKEE', sortDirection: 'ASC' })).toEqual(['bravo_bot']);
      expect(await names({ displayName: 'helper', sortDirection: 'ASC' })).toEqual([]);
      expect(await names({ username: 'DEL', sortDirection: 'ASC' })).toEqual(['delta_bot']);
      // '_' is a literal character, not a LIKE wildcard.
      expect(await names({ username: 'a_', sortDirection: 'ASC' })).toEqual([]);
      expect(await names({ username: 'alpha_', sortDirection: 'ASC' })).toEqual(['alpha_bot']);
      expect(await names({ status: 2, sortDirection: 'ASC' })).toEqual(['bravo_bot', 'delta_bot']);
      expect(await names({ status: 1, sortDirection: 'ASC' })).toEqual(['alpha_bot', 'charlie_bot', 'echo_bot']);
      expect(await names({ groupId: 'opsgroup', sortDirection: 'ASC' })).toEqual(['bravo_bot', 'delta_bot']);
      expect(await names({ groupId: 'opsgroup', status: 1 })).toEqual([]);
      await expectApiError(list({ status: 3 }), 'ValidationError', 422);
    });

    it('paginates with nextToken; a token only works for the same listing', async () => {
      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      let firstToken: string | undefined;
      do {
        const page = await list({ maxResults: 2, sortFields: 'username', sortDirection: 'ASC', ...(nextToken ? { nextToken } : {}) });
        expect(page.bots.length).toBeLessThanOrEqual(2);
        seen.push(...page.bots.map((b) => b.username));
        nextToken = page.nextToken;
        firstToken ??= nextToken;
        pages++;
      } while (nextToken);
      expect(pages).toBe(3);
      expect(seen).toEqual(['alpha_bot', 'bravo_bot', 'charlie_bot', 'delta_bot', 'echo_bot']);
      await expectApiError(list({ maxResults: 2, sortFields: 'username', sortDirection: 'ASC', status: 1, nextToken: firstToken }), 'ValidationError', 422);
      await expectApiError(list({ maxResults: 0 }), 'ValidationError', 422);
      await expectApiError(list({ maxResults: 101 }), 'ValidationError', 422);
      expect((await list({ maxResults: undefined })).bots.length).toBe(5);
    });

    it('counts pending, active and total bots', async () => {
      expect(await t.client.call('GetBotsCount', { networkId: net })).toEqual({ pending: 3, active: 2, total: 5 });
      const empty = await createNetwork(t.client, 'No bots');
      expect(await t.client.call('GetBotsCount', { networkId: empty.networkId })).toEqual({ pending: 0, active: 0, total: 0 });
      await expectApiError(t.client.call('GetBotsCount', { networkId: '99999999' }), 'ResourceNotFoundError', 404);
    });
  });

  describe('UpdateBot', () => {
    it('changes the display name and the security group', async () => {
      await insertGroup(networkId, 'support');
      const { botId } = await createBot({ username: 'update_bot', displayName: 'Before' });
      expect(await t.client.call('UpdateBot', { networkId, botId, displayName: 'Updated Support Bot', groupId: 'support' })).toEqual({ message: 'success' });
      expect(await getBot(botId)).toMatchObject({ displayName: 'Updated Support Bot', groupId: 'support', username: 'update_bot', status: 1 });
    });

    it('re-hashes a new password', async () => {
      const { botId } = await createBot({ username: 'rotate_bot' });
      await t.client.call('UpdateBot', { networkId, botId, challenge: 'N3w-Password!' });
      const row = (await botRows()).find((r) => String(r.bot_id) === botId)!;
      expect(row.challenge_hash).not.toContain('N3w-Password!');
      expect(await verifyPassword('N3w-Password!', row.challenge_hash)).toBe(true);
      expect(await verifyPassword(PASSWORD, row.challenge_hash)).toBe(false);
      expect((await getBot(botId)).hasChallenge).toBe(true);
    });

    it('suspends and unsuspends; leaving suspend out keeps the state', async () => {
      const { botId } = await createBot({ username: 'suspend_bot' });
      await t.client.call('UpdateBot', { networkId, botId, suspend: true });
      expect((await getBot(botId)).suspended).toBe(true);
      await t.client.call('UpdateBot', { networkId, botId, displayName: 'Still suspended' });
      expect(await getBot(botId)).toMatchObject({ suspended: true, displayName: 'Still suspended' });
      await t.client.call('UpdateBot', { networkId, botId, suspend: false });
      expect((await getBot(botId)).suspended).toBe(false);
      expect(await t.client.call('UpdateBot', { networkId, botId })).toEqual({ message: 'success' });
    });

    it('rejects unknown bots, unknown groups, short passwords and blank display names without changing anything', async () => {
      const { botId } = await createBot({ username: 'stable_bot', displayName: 'Stable' });
      const rows = await botRows();
      let err = await expectApiError(t.client.call('UpdateBot', { networkId, botId: '99999', displayName: 'Updated Bot' }), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Bot not found');
      err = await expectApiError(t.client.call('UpdateBot', { networkId, botId, displayName: 'Changed', groupId: 'nosuchgr' }), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Security group not found');
      err = await expectApiError(t.client.call('UpdateBot', { networkId, botId, displayName: 'Changed', challenge: 'short' }), 'ValidationError', 422);
      expect(err.body.reasons).toEqual([{ field: 'challenge', reason: 'Password must be at least 8 characters' }]);
      err = await expectApiError(t.client.call('UpdateBot', { networkId, botId, displayName: '   ', suspend: true }), 'ValidationError', 422);
      expect(err.body.reasons?.[0]?.field).toBe('displayName');
      expect(await botRows()).toEqual(rows);
    });
  });

  describe('DeleteBot', () => {
    it('deletes the bot; afterwards it is not found and its username is available again', async () => {
      const { botId } = await createBot({ username: 'doomed_bot' });
      const keep = await createBot({ username: 'keeper_bot' });
      expect(await t.client.call('DeleteBot', { networkId, botId })).toEqual({ message: 'success' });
      const err = await expectApiError(getBot(botId), 'ResourceNotFoundError', 404);
      expect(err.body.message).toBe('Bot not found');
      await getBot(keep.botId);
      const again = await expectApiError(t.client.call('DeleteBot', { networkId, botId }), 'ResourceNotFoundError', 404);
      expect(again.body.message).toBe('Bot not found');
      const reborn = await createBot({ username: 'doomed_bot' });
      expect(reborn.botId).not.toBe(botId);
    });

    it('leaves every bot in place when the bot is unknown', async () => {
      const rows = await botRows();
      await expectApiError(t.client.call('DeleteBot', { networkId, botId: '99999' }), 'ResourceNotFoundError', 404);
      expect(await botRows()).toEqual(rows);
    });
  });
});
