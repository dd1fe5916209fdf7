// The data retention bot on the server side (issue 7), through the SDK: the guide's steps (create the
// bot, its initial password, the bot registers with a new password, the public-key message is
// acknowledged, then retention can be enabled), every conversation of the network then encrypting
// to the bot's devices (DMs, groups, rooms, files), members told retention is on, disabling stopping
// it, password rotation, and deleting the bot signing it out.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveClient, MemoryStore, type FileSink, type Message, type Received } from '../../packages/client/src/index.js';
import { nodePlatform } from '../../packages/client/src/node/index.js';
import { readRange } from '../../packages/server/src/usecases/member/messages.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { GOOD_PASSWORD, invite } from '../helpers/members.js';
import { collect, kdf, until } from '../helpers/sdk.js';


describe(`data retention bot, server side (${dialectName})`, () => {
  let t: TestServer;
  let networkId: string;
  const clients: EnclaveClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    ({ networkId } = await createNetwork(t.client, 'Retention', 'PREMIUM'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await t.close();
  });

  async function member(name: string, net = networkId) {
    const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
    const { inviteCode } = await invite(t, net, email);
    const client = await EnclaveClient.register({ server: t.url, email, inviteCode, password: GOOD_PASSWORD, store: new MemoryStore(), kdf, platform: nodePlatform(), deviceType: 'cli', clientName: 'test/1' });
    clients.push(client);
    return { client, email };
  }

  it('follows the guide: create, challenge, register, acknowledge, enable; every conversation then reaches the bot', async () => {
    const botName = `compliance_${networkId}_bot`;
    await t.client.call('CreateDataRetentionBot', { networkId });
    const { challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId });
    await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'BadRequestError');

    const botStore = new MemoryStore();
    await expect(EnclaveClient.registerRetentionBot({ server: t.url, botName, initialPassword: 'not-the-challenge', newPassword: 'A-new-bot-password-1', store: new MemoryStore(), kdf, platform: nodePlatform() })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(EnclaveClient.registerRetentionBot({ server: t.url, botName, initialPassword: challenge, newPassword: 'short', store: new MemoryStore(), kdf, platform: nodePlatform() })).rejects.toMatchObject({ code: 'password_policy' });
    const bot = await EnclaveClient.registerRetentionBot({ server: t.url, botName, initialPassword: challenge, newPassword: 'A-new-bot-password-1', store: botStore, kdf, platform: nodePlatform() });
    clients.push(bot);
    // The initial password works once.
    await expect(EnclaveClient.registerRetentionBot({ server: t.url, botName, initialPassword: challenge, newPassword: 'Another-bot-password-2', store: new MemoryStore(), kdf, platform: nodePlatform() })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await t.client.call('GetDataRetentionBot', { networkId })).toMatchObject({ isDataRetentionBotRegistered: true, isPubkeyMsgAcked: false, isDataRetentionServiceEnabled: false });

    const alice = await member('alice');
    const bob = await member('bob');
    const archived: Message[] = [];
    bot.on('message', (m) => archived.push(m));
    await bot.connect();
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    const dm = await alice.client.openDm(bob.email);
    await alice.client.sendText(dm.id, 'before retention');
    expect(alice.client.policy.dataRetention).toBe(false);

    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    const notice = alice.client.next('policy');
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    // Every member is told (the "data retention is on" notice) and encrypts to the bot from now on.
    expect(await notice).toMatchObject({ dataRetention: true, retentionDevices: [bot.deviceId] });
    const room = await alice.client.createRoom({ name: 'Archived room', members: [bob.email] });
    const group = await bob.client.createGroup([alice.email], 'Archived group');
    await alice.client.sendText(dm.id, 'dm archived');
    await bob.client.sendText(dm.id, 'dm reply archived');
    await alice.client.sendText(room.id, 'room archived');
    await bob.client.sendText(group.id, 'group archived');
    const file = new TextEncoder().encode('attachment bytes '.repeat(1000));
    await alice.client.sendFile(room.id, file, { name: 'report.txt', mime: 'text/plain' });
    const botErrors: unknown[] = [];
    bot.on('error', (e) => botErrors.push(e));
    await until(() => archived.length >= 5).catch((err) => {
      throw new Error(`${(err as Error).message}: archived ${JSON.stringify(archived.map((m) => m.text ?? m.file?.name))} errors ${JSON.stringify(botErrors)}`);
    });
    expect(archived.map((m) => m.text).filter(Boolean).sort()).toEqual(['dm archived', 'dm reply archived', 'group archived', 'room archived'].sort());
    expect(archived.some((m) => m.text === 'before retention')).toBe(false);
    const withFile = archived.find((m) => m.file)!;
    const parts: Uint8Array[] = [];
    const sink: FileSink = { write: async (c) => void parts.push(c), close: async () => {}, abort: async () => {} };
    await bot.downloadFile(withFile.file!, sink);
    expect(Buffer.concat(parts).equals(Buffer.from(file))).toBe(true);
    // The bot reads; it never takes part.
    await expect(bot.sendText(room.id, 'the bot speaks')).rejects.toMatchObject({ code: 'not_member' });

    // Disabling stops it.
    const off = alice.client.next('policy');
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'DISABLE' });
    expect(await off).toMatchObject({ dataRetention: false, retentionDevices: [] });
    await alice.client.sendText(dm.id, 'after disabling');
    await alice.client.sendText(room.id, 'room after disabling');
    await new Promise((r) => setTimeout(r, 500));
    expect(archived.map((m) => m.text)).not.toContain('after disabling');
    expect(archived.map((m) => m.text)).not.toContain('room after disabling');

    // Password rotation, then the stored device signs in with the new password only.
    await bot.changePassword('A-new-bot-password-1', 'Rotated-bot-password-3');
    await bot.close();
    await expect(EnclaveClient.loginRetentionBot({ server: t.url, botName, password: 'A-new-bot-password-1', store: botStore, kdf, platform: nodePlatform() })).rejects.toMatchObject({ code: 'invalid_credentials' });
    const again = await EnclaveClient.loginRetentionBot({ server: t.url, botName, password: 'Rotated-bot-password-3', store: botStore, kdf, platform: nodePlatform() });
    clients.push(again);
    expect(again.deviceId).toBe(bot.deviceId);

    // Deleting the bot signs it out.
    await again.connect();
    const closed = again.next('closed');
    await t.client.call('DeleteDataRetentionBot', { networkId });
    expect(await closed).toMatchObject({ code: 'user_not_found' });
    expect(await t.client.call('GetDataRetentionBot', { networkId })).toMatchObject({ botExists: false, isDataRetentionServiceEnabled: false });
  });
  /** A network with retention on and its bot registered (not connected), recording what it archives. */
  async function retentionNetwork(name: string) {
    const { networkId: net } = await createNetwork(t.client, name, 'PREMIUM');
    await t.client.call('CreateDataRetentionBot', { networkId: net });
    const { challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId: net });
    const got: Received[] = [];
    const botStore = new MemoryStore();
    const bot = await EnclaveClient.registerRetentionBot({
      server: t.url, botName: `compliance_${net}_bot`, initialPassword: challenge, newPassword: 'A-new-bot-password-1', store: botStore, kdf, platform: nodePlatform(),
      keepMessages: false, receiveExpired: true, beforeAck: async (r) => void got.push(r),
    });
    clients.push(bot);
    await t.client.call('UpdateDataRetention', { networkId: net, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('UpdateDataRetention', { networkId: net, actionType: 'ENABLE' });
    return { net, bot, got, botStore };
  }

  /** Runs the expiry job until `done` holds (the bot's acknowledgements reach the server meanwhile). */
  async function jobsUntil(done: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      await t.server.messaging.hub.flushAcks();
      await t.server.messaging.runJobs({ files: false });
      if (await done()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it('keeps messages that expired or were deleted for everyone before the bot had them: members never get them, the bot does', async () => {
    const { net, bot, got } = await retentionNetwork('Retention holds');
    const alice = await member('alice', net);
    const bob = await member('bob', net);
    await alice.client.connect();
    const dm = await alice.client.openDm(bob.email);
    // The bot is offline (a restart, a backlog): one message's timer runs out, another is deleted for everyone.
    const kept = await alice.client.sendText(dm.id, 'an ordinary message');
    const short = await alice.client.sendText(dm.id, 'expires before the bot has it', { ttl: 1 });
    const gone = await alice.client.sendText(dm.id, 'deleted before the bot has it');
    await alice.client.deleteForEveryone(dm.id, gone.id);
    await new Promise((r) => setTimeout(r, 1200));
    await t.server.messaging.runJobs({ files: false });
    const stored = async () => (await t.server.store.db.selectFrom('conv_messages').select('message_id').where('conv_id', '=', dm.id).where('message_id', 'in', [short.id, gone.id]).execute()).map((r) => r.message_id).sort();
    expect(await stored()).toEqual([short.id, gone.id].sort());

    // A member's device never gets them (over the socket or by fetching the range).
    const bobGot = collect(bob.client);
    await bob.client.connect();
    await until(() => bobGot.some((m) => m.id === kept.id));
    await bob.client.idle();
    expect(bobGot.map((m) => m.id)).toEqual([kept.id]);
    // The range a device fetches (GET /v1/conversations/:id/messages) follows the same rule.
    const ids = async (deviceId: string, retention: boolean) => (await readRange(t.server.store.db, deviceId, dm.id, 0, 100, Date.now(), retention)).messages.map((m) => m.messageId);
    expect(await ids(bob.client.deviceId, false)).not.toContain(short.id);
    expect(await ids(bob.client.deviceId, false)).not.toContain(gone.id);
    expect(await ids(bot.deviceId, true)).toEqual(expect.arrayContaining([kept.id, short.id, gone.id]));

    // The bot gets all three and the deletion, in order.
    await bot.connect();
    await until(() => got.some((r) => r.kind === 'delete'), 10_000, 'the delete record');
    await bot.idle();
    expect(got.map((r) => (r.kind === 'message' ? r.message.text : r.kind))).toEqual(['an ordinary message', 'expires before the bot has it', 'deleted before the bot has it', 'delete']);
    expect(got[1]).toMatchObject({ kind: 'message', message: { id: short.id, expiresAt: expect.any(Number) } });
    expect(got[3]).toMatchObject({ kind: 'delete', target: gone.id, by: alice.client.userId });

    // Once the bot acknowledged them, the expiry job deletes them.
    expect(await jobsUntil(async () => (await stored()).length === 0)).toBe(true);
  });
  it('retires a conversation deleted (or left by everyone) before the bot read it to its end: gone for members, read by the bot, then deleted', async () => {
    const { net, bot, got } = await retentionNetwork('Retention retired');
    const alice = await member('alice', net);
    const bob = await member('bob', net);
    const room = await alice.client.createRoom({ name: 'Short-lived', members: [bob.email] });
    await alice.client.sendText(room.id, 'said in a room deleted soon after');
    await alice.client.deleteConversation(room.id);
    const dm = await alice.client.openDm(bob.email);
    await bob.client.sendText(dm.id, 'said in a DM both then left');
    await alice.client.leave(dm.id);
    await bob.client.leave(dm.id);
    await t.server.messaging.runJobs({ files: false });

    // For members both are gone; a new DM of the same two is a new conversation.
    await expect(alice.client.sendText(room.id, 'too late')).rejects.toMatchObject({ code: 'not_found' });
    await expect(bob.client.sendText(dm.id, 'too late')).rejects.toMatchObject({ code: 'not_found' });
    const again = await alice.client.openDm(bob.email);
    expect(again.id).not.toBe(dm.id);
    const conversations = async () => (await t.server.store.db.selectFrom('conversations').select('conv_id').where('conv_id', 'in', [room.id, dm.id]).execute()).map((r) => r.conv_id).sort();
    expect(await conversations()).toEqual([room.id, dm.id].sort());

    // The bot reads both to their end.
    await bot.connect();
    const botErrors: unknown[] = [];
    bot.on('error', (e) => botErrors.push(e));
    await until(() => got.filter((r) => r.kind === 'message').length >= 2, 10_000, 'both messages').catch((err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(got)} ${JSON.stringify(botErrors)}`);
    });
    await bot.idle();
    expect(got.flatMap((r) => (r.kind === 'message' ? [r.message.text] : [])).sort()).toEqual(['said in a DM both then left', 'said in a room deleted soon after']);
    // Then the expiry job deletes them.
    expect(await jobsUntil(async () => (await conversations()).length === 0)).toBe(true);
  });
  it('a conversation with a member of another network (local federation) reaches the bot of the network that retains', async () => {
    const { net, bot, got, botStore } = await retentionNetwork('Retention partner');
    const other = await createNetwork(t.client, 'Partner');
    for (const n of [net, other.networkId]) {
      const { securityGroups } = await t.client.call<{ securityGroups: { id: string; isDefault: boolean }[] }>('ListSecurityGroups', { networkId: n });
      const groupId = securityGroups.find((g) => g.isDefault)!.id;
      await t.client.call('UpdateSecurityGroup', { networkId: n, groupId, securityGroupSettings: { federationMode: 1, permittedNetworks: [] } });
    }
    const alice = await member('alice', net);
    const pat = await member('pat', other.networkId);
    await bot.connect();
    const dm = await alice.client.openDm(pat.client.userId);
    await alice.client.sendText(dm.id, 'to the partner');
    await pat.client.sendText(dm.id, 'from the partner');
    await until(() => got.filter((r) => r.kind === 'message').length >= 2, 10_000, 'both messages');
    expect(got.flatMap((r) => (r.kind === 'message' ? [[r.message.text, r.message.sender.userId]] : []))).toEqual([
      ['to the partner', alice.client.userId],
      ['from the partner', pat.client.userId],
    ]);

    // A group the partner's network created, left by everyone while the bot was away: retired in
    // the other network, still read to its end by this network's bot.
    await bot.close();
    const group = await pat.client.createGroup([alice.client.userId], 'Partner group');
    await pat.client.sendText(group.id, 'in the partner group');
    await pat.client.leave(group.id);
    await alice.client.leave(group.id);
    const retired = await t.server.store.db.selectFrom('conversations').select(['network_id', 'deleted_at']).where('conv_id', '=', group.id).executeTakeFirstOrThrow();
    expect(retired.network_id).toBe(other.networkId);
    expect(retired.deleted_at).not.toBeNull();
    const again = await EnclaveClient.loginRetentionBot({ server: t.url, botName: `compliance_${net}_bot`, password: 'A-new-bot-password-1', store: botStore, kdf, platform: nodePlatform(), keepMessages: false, receiveExpired: true, beforeAck: async (r) => void got.push(r) });
    clients.push(again);
    await again.connect();
    await until(() => got.some((r) => r.kind === 'message' && r.message.text === 'in the partner group'), 10_000, 'the partner group message');
    expect(got.filter((r) => r.kind === 'undecryptable')).toEqual([]);
  });
});
