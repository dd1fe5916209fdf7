import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../packages/server/src/infra/passwords.js';
import { markRetentionBotRegistered } from '../../packages/server/src/domain/retention/retention.js';
import { createNetwork, dialectName, expectApiError, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

interface BotStatus {
  botName: string;
  botExists: boolean;
  isBotActive: boolean;
  isDataRetentionBotRegistered: boolean;
  isDataRetentionServiceEnabled: boolean;
  isPubkeyMsgAcked: boolean;
}

describe(`data retention (${dialectName})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const status = (networkId: string) => t.client.call<BotStatus>('GetDataRetentionBot', { networkId });
  const botRow = (networkId: string) => t.server.store.db.selectFrom('retention_bots').selectAll().where('network_id', '=', networkId).executeTakeFirst();
  const networkRow = (networkId: string) => t.server.store.db.selectFrom('networks').selectAll().where('network_id', '=', networkId).executeTakeFirstOrThrow();
  const dataRetentionSetting = async (networkId: string) => {
    const s = await t.client.call<{ settings: { optionName: string; value: string }[] }>('GetNetworkSettings', { networkId });
    return s.settings.find((x) => x.optionName === 'dataRetention')?.value;
  };

  /** A premium network whose bot is provisioned, registered and has its pubkey message acknowledged. */
  async function readyNetwork(name: string) {
    const { networkId } = await createNetwork(t.client, name, 'PREMIUM');
    await t.client.call('CreateDataRetentionBot', { networkId });
    expect(await markRetentionBotRegistered(t.server.store.db, networkId)).toBe(true);
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    return networkId;
  }

  it('reports a network without a bot exactly like the model example "not provisioned"', async () => {
    const { networkId } = await createNetwork(t.client, 'No bot');
    expect(await status(networkId)).toEqual({
      botName: `compliance_${networkId}_bot`,
      botExists: false,
      isBotActive: false,
      isDataRetentionBotRegistered: false,
      isDataRetentionServiceEnabled: false,
      isPubkeyMsgAcked: false,
    });
  });

  it('provisions the bot compliance_<networkId>_bot once on a premium network', async () => {
    const { networkId } = await createNetwork(t.client, 'Premium DR');
    const out = await t.client.call('CreateDataRetentionBot', { networkId });
    expect(out).toEqual({ message: 'successfully provisioned data retention bot' });
    expect(await status(networkId)).toEqual({
      botName: `compliance_${networkId}_bot`,
      botExists: true,
      isBotActive: false,
      isDataRetentionBotRegistered: false,
      isDataRetentionServiceEnabled: false,
      isPubkeyMsgAcked: false,
    });
    const row = await botRow(networkId);
    expect(row).toMatchObject({ bot_name: `compliance_${networkId}_bot`, registered: 0, active: 0, pubkey_acked: 0, challenge_hash: null });

    const err = await expectApiError(t.client.call('CreateDataRetentionBot', { networkId }), 'BadRequestError', 400);
    expect(err.body.message).toBe('Users already exist in this network.');
    const rows = await t.server.store.db.selectFrom('retention_bots').selectAll().where('network_id', '=', networkId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(row);
  });

  it('refuses the bot on a Standard network and creates nothing', async () => {
    const { networkId } = await createNetwork(t.client, 'Standard DR', 'STANDARD');
    const err = await expectApiError(t.client.call('CreateDataRetentionBot', { networkId }), 'BadRequestError', 400);
    expect(err.body.message).toMatch(/Premium/);
    expect(await botRow(networkId)).toBeUndefined();
    expect((await status(networkId)).botExists).toBe(false);
  });

  it('allows the bot during the running premium free trial, not after it expired', async () => {
    const { networkId } = await createNetwork(t.client, 'Trial DR', 'PREMIUM', { enablePremiumFreeTrial: true });
    await t.client.call('CreateDataRetentionBot', { networkId });
    await markRetentionBotRegistered(t.server.store.db, networkId);
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    expect(await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' })).toEqual({ message: 'data retention service enabled' });
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'DISABLE' });

    // The trial ends: no more enabling, and a new bot cannot be provisioned either.
    await t.server.store.db.updateTable('networks').set({ free_trial_expiration: Date.now() - 1000 }).where('network_id', '=', networkId).execute();
    const e1 = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'BadRequestError', 400);
    expect(e1.body.message).toMatch(/Premium/);
    expect((await networkRow(networkId)).data_retention).toBe(0);
    expect((await botRow(networkId))!.active).toBe(0);
    await t.client.call('DeleteDataRetentionBot', { networkId });
    await expectApiError(t.client.call('CreateDataRetentionBot', { networkId }), 'BadRequestError', 400);
    expect(await botRow(networkId)).toBeUndefined();
  });

  it('generates a fresh random initial password per challenge and stores only its hash', async () => {
    const { networkId } = await createNetwork(t.client, 'Challenge');
    const missing = await expectApiError(t.client.call('CreateDataRetentionBotChallenge', { networkId }), 'ResourceNotFoundError', 404);
    expect(missing.body.message).toBe('Data retention bot not found');
    expect(await botRow(networkId)).toBeUndefined();

    await t.client.call('CreateDataRetentionBot', { networkId });
    const { challenge } = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId });
    expect(challenge.length).toBeGreaterThanOrEqual(16);
    const row = await botRow(networkId);
    expect(row!.challenge_hash).toBeTruthy();
    expect(row!.challenge_hash).not.toContain(challenge);
    expect(await verifyPassword(challenge, row!.challenge_hash!)).toBe(true);
    expect(await verifyPassword(challenge + 'x', row!.challenge_hash!)).toBe(false);

    const second = await t.client.call<{ challenge: string }>('CreateDataRetentionBotChallenge', { networkId });
    expect(second.challenge).not.toBe(challenge);
    const row2 = await botRow(networkId);
    expect(await verifyPassword(second.challenge, row2!.challenge_hash!)).toBe(true);
    expect(await verifyPassword(challenge, row2!.challenge_hash!)).toBe(false);

    // The password is never shown again.
    const shown = JSON.stringify(await status(networkId)) + JSON.stringify(await t.client.call('GetNetworkSettings', { networkId }));
    expect(shown).not.toContain(second.challenge);
  });

  it('acknowledges the pubkey message only after the bot registered', async () => {
    const { networkId } = await createNetwork(t.client, 'Ack');
    await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' }), 'ResourceNotFoundError', 404);
    await t.client.call('CreateDataRetentionBot', { networkId });
    const err = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' }), 'BadRequestError', 400);
    expect(err.body.message).toMatch(/not registered/);
    expect((await status(networkId)).isPubkeyMsgAcked).toBe(false);

    expect(await markRetentionBotRegistered(t.server.store.db, networkId)).toBe(true);
    expect((await status(networkId)).isDataRetentionBotRegistered).toBe(true);
    const out = await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    expect(out).toEqual({ message: 'pubkey message was acknowledged' });
    expect((await status(networkId)).isPubkeyMsgAcked).toBe(true);
  });

  it('markRetentionBotRegistered reports a network without a bot', async () => {
    const { networkId } = await createNetwork(t.client, 'Mark none');
    expect(await markRetentionBotRegistered(t.server.store.db, networkId)).toBe(false);
    expect(await botRow(networkId)).toBeUndefined();
  });

  it('enables retention only with a registered bot whose pubkey message was acknowledged', async () => {
    const { networkId } = await createNetwork(t.client, 'Enable steps');
    const noBot = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'ResourceNotFoundError', 404);
    expect(noBot.body.message).toBe('Data retention bot not found');
    expect((await networkRow(networkId)).data_retention).toBe(0);

    await t.client.call('CreateDataRetentionBot', { networkId });
    const unregistered = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'BadRequestError', 400);
    expect(unregistered.body.message).toMatch(/not registered/);
    expect((await networkRow(networkId)).data_retention).toBe(0);
    expect((await botRow(networkId))!.active).toBe(0);

    await markRetentionBotRegistered(t.server.store.db, networkId);
    const unacked = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'BadRequestError', 400);
    expect(unacked.body.message).toMatch(/public key message/);
    expect((await networkRow(networkId)).data_retention).toBe(0);
    expect((await botRow(networkId))!.active).toBe(0);

    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    const out = await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    expect(out).toEqual({ message: 'data retention service enabled' });
    expect(await status(networkId)).toEqual({
      botName: `compliance_${networkId}_bot`,
      botExists: true,
      isBotActive: true,
      isDataRetentionBotRegistered: true,
      isDataRetentionServiceEnabled: true,
      isPubkeyMsgAcked: true,
    });
    expect(await dataRetentionSetting(networkId)).toBe('true');
  });

  it('disables retention and deactivates the bot; DISABLE works without a bot too', async () => {
    const networkId = await readyNetwork('Disable');
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });
    const out = await t.client.call('UpdateDataRetention', { networkId, actionType: 'DISABLE' });
    expect(out).toEqual({ message: 'data retention service disabled' });
    const s = await status(networkId);
    expect(s).toMatchObject({ botExists: true, isBotActive: false, isDataRetentionServiceEnabled: false, isDataRetentionBotRegistered: true, isPubkeyMsgAcked: true });
    expect(await dataRetentionSetting(networkId)).toBe('false');

    const { networkId: bare } = await createNetwork(t.client, 'Disable bare');
    expect(await t.client.call('UpdateDataRetention', { networkId: bare, actionType: 'DISABLE' })).toEqual({ message: 'data retention service disabled' });
    expect(await botRow(bare)).toBeUndefined();
  });

  it('refuses ENABLE once the network is no longer premium and changes nothing', async () => {
    const networkId = await readyNetwork('Downgraded');
    await t.client.call('UpdateNetwork', { networkId, networkName: 'Downgraded', accessLevel: 'STANDARD' });
    const err = await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' }), 'BadRequestError', 400);
    expect(err.body.message).toMatch(/Premium/);
    expect((await networkRow(networkId)).data_retention).toBe(0);
    expect((await status(networkId)).isBotActive).toBe(false);
    // The non-premium steps still work.
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('CreateDataRetentionBotChallenge', { networkId });
  });

  it('rejects an unknown actionType with a ValidationError', async () => {
    const networkId = await readyNetwork('Bad action');
    await expectApiError(t.client.call('UpdateDataRetention', { networkId, actionType: 'START' }), 'ValidationError', 422);
    expect((await networkRow(networkId)).data_retention).toBe(0);
  });

  it('deletes the bot with all its data and switches retention off', async () => {
    const { networkId } = await createNetwork(t.client, 'Delete DR');
    const none = await expectApiError(t.client.call('DeleteDataRetentionBot', { networkId }), 'ResourceNotFoundError', 404);
    expect(none.body.message).toBe('Data retention bot not found');

    await t.client.call('CreateDataRetentionBot', { networkId });
    await t.client.call('CreateDataRetentionBotChallenge', { networkId });
    await markRetentionBotRegistered(t.server.store.db, networkId);
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'PUBKEY_MSG_ACK' });
    await t.client.call('UpdateDataRetention', { networkId, actionType: 'ENABLE' });

    const out = await t.client.call('DeleteDataRetentionBot', { networkId });
    expect(out).toEqual({ message: 'deleted data retention bot and all associated data from the database' });
    expect(await botRow(networkId)).toBeUndefined();
    expect(await status(networkId)).toEqual({
      botName: `compliance_${networkId}_bot`,
      botExists: false,
      isBotActive: false,
      isDataRetentionBotRegistered: false,
      isDataRetentionServiceEnabled: false,
      isPubkeyMsgAcked: false,
    });
    expect(await dataRetentionSetting(networkId)).toBe('false');

    // A new bot starts from scratch.
    await t.client.call('CreateDataRetentionBot', { networkId });
    expect(await status(networkId)).toMatchObject({ botExists: true, isDataRetentionBotRegistered: false, isPubkeyMsgAcked: false });
    await t.client.call('DeleteDataRetentionBot', { networkId });
    await expectApiError(t.client.call('DeleteDataRetentionBot', { networkId }), 'ResourceNotFoundError', 404);
  });

  it('answers 404 for unknown networks and for networks of another account', async () => {
    const { createAccount } = await import('../../packages/server/src/domain/accounts/repo.js');
    const acct = await createAccount(autocommit(t.server.store.db), t.server.secrets, Date.now());
    const other = t.clientWith({ accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey });
    const { networkId } = await createNetwork(t.client, 'Mine DR');
    await t.client.call('CreateDataRetentionBot', { networkId });
    const before = await botRow(networkId);
    for (const [op, extra] of [
      ['GetDataRetentionBot', {}],
      ['CreateDataRetentionBot', {}],
      ['CreateDataRetentionBotChallenge', {}],
      ['UpdateDataRetention', { actionType: 'DISABLE' }],
      ['DeleteDataRetentionBot', {}],
    ] as const) {
      const e = await expectApiError(other.call(op, { networkId, ...extra }), 'ResourceNotFoundError', 404);
      expect(e.body.message).toBe('Network not found');
      await expectApiError(t.client.call(op, { networkId: '99999999', ...extra }), 'ResourceNotFoundError', 404);
    }
    expect(await botRow(networkId)).toEqual(before);
  });
});
