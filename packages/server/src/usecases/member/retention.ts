// The data retention bot as a device of its network (issue 7): it signs in with the name and the
// initial password from CreateDataRetentionBotChallenge (registration: a new password of its own, the
// initial one stops working), and while the network's data retention is on, every conversation of the
// network also encrypts to its devices and delivers to them. It is user 0 of its network: it belongs
// to no conversation, can read every conversation's routing data and files of its network, and
// sends nothing. Never sees anything a member's device would not.
import type { Kysely } from 'kysely';
import type { NewDevice, SessionResponse } from '@enclave/protocol';
import { hashPassword, verifyPassword } from '../../infra/passwords.js';
import { markRetentionBotRegistered } from '../../domain/retention/retention.js';
import type { Database } from '../../infra/schema.js';
import { appendSystem, networkConversationIds } from './conversations.js';
import { createDevice, verifyLoginSignature } from './devices.js';
import { fail } from '../../kernel/member-errors.js';
import { issueSession } from './member-auth.js';
import { policyFor } from './policy.js';

type Db = Kysely<Database>;

/** The retention bot's user ID in its network (real users start at 1000). */
export const RETENTION_BOT_USER_ID = 0;
export const BOT_PASSWORD_MIN = 12;

export const isRetentionBot = (m: { userId: number }) => m.userId === RETENTION_BOT_USER_ID;

/** Is data retention on, with an active bot? */
export async function retentionOn(db: Db, networkId: string): Promise<boolean> {
  const row = await db
    .selectFrom('networks as n')
    .innerJoin('retention_bots as b', 'b.network_id', 'n.network_id')
    .select(['n.data_retention', 'b.active'])
    .where('n.network_id', '=', networkId)
    .executeTakeFirst();
  return row?.data_retention === 1 && row.active === 1;
}

/** The bot's devices every conversation encrypts to while retention is on (else none). */
export async function retentionDevices(db: Db, networkId: string): Promise<RetentionDevice[]> {
  return (await retentionOn(db, networkId)) ? await retentionBotDevices(db, networkId) : [];
}

type RetentionDevice = { userId: number; deviceId: string; identitySignPub: string; identityDhPub: string };

/** The bot's approved devices, whether or not retention is on (callers decide that from their own read). */
export async function retentionBotDevices(db: Db, networkId: string): Promise<RetentionDevice[]> {
  const rows = await db
    .selectFrom('device_keys')
    .select(['device_id', 'identity_sign_pub', 'identity_dh_pub'])
    .where('network_id', '=', networkId)
    .where('user_id', '=', RETENTION_BOT_USER_ID)
    .where('approved', '=', 1)
    .where('revoked', '=', 0)
    .orderBy('device_id')
    .execute();
  return rows.map((r) => ({ userId: RETENTION_BOT_USER_ID, deviceId: r.device_id, identitySignPub: r.identity_sign_pub, identityDhPub: r.identity_dh_pub }));
}

/**
 * Starts delivery of every conversation of the network to the bot's devices from now on, and
 * records in each conversation that its devices changed (senders then include the bot).
 * Returns the records to announce.
 */
export async function startRetention(db: Db, networkId: string, now: number): Promise<{ convId: string; seq: number }[]> {
  const devices = await retentionDevices(db, networkId);
  const ids = await networkConversationIds(db, networkId);
  const convs = ids.length === 0 ? [] : await db.selectFrom('conversations').select(['conv_id', 'last_seq']).where('conv_id', 'in', ids).execute();
  const out: { convId: string; seq: number }[] = [];
  for (const c of convs) {
    for (const d of devices) {
      await db.insertInto('device_cursors').values({ device_id: d.deviceId, conv_id: c.conv_id, seq: c.last_seq }).onConflict((oc) => oc.columns(['device_id', 'conv_id']).doNothing()).execute();
    }
    out.push({ convId: c.conv_id, seq: await appendSystem(db, c.conv_id, { userId: RETENTION_BOT_USER_ID, deviceId: 'server' }, { event: 'devices_changed', userId: RETENTION_BOT_USER_ID }, now) });
  }
  return out;
}

/** Stops delivery to the bot's devices and tells every conversation (senders drop the bot). */
export async function stopRetention(db: Db, networkId: string, now: number): Promise<void> {
  const devices = await db.selectFrom('device_keys').select('device_id').where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).execute();
  if (devices.length > 0) await db.deleteFrom('device_cursors').where('device_id', 'in', devices.map((d) => d.device_id)).execute();
  for (const convId of await networkConversationIds(db, networkId)) await appendSystem(db, convId, { userId: RETENTION_BOT_USER_ID, deviceId: 'server' }, { event: 'devices_changed', userId: RETENTION_BOT_USER_ID }, now);
}

/**
 * Removes the bot (DeleteDataRetentionBot): its password goes, its devices are revoked (their public
 * keys stay until the network is deleted, so a session still presented is answered "User not found"
 * rather than an anonymous refusal), nothing more is delivered to them.
 */
export async function removeRetentionBot(db: Db, networkId: string): Promise<void> {
  const devices = await db.selectFrom('device_keys').select('device_id').where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).execute();
  const ids = devices.map((d) => d.device_id);
  if (ids.length > 0) {
    await db.updateTable('device_keys').set({ revoked: 1 }).where('device_id', 'in', ids).execute();
    await db.deleteFrom('one_time_prekeys').where('device_id', 'in', ids).execute();
    await db.deleteFrom('device_cursors').where('device_id', 'in', ids).execute();
  }
  await db.deleteFrom('member_accounts').where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).execute();
}

async function botByName(db: Db, botName: string) {
  const bot = await db.selectFrom('retention_bots').selectAll().where('bot_name', '=', botName.trim()).executeTakeFirst();
  if (!bot) throw fail('user_not_found', 'User not found: no data retention bot with this name is provisioned.');
  return bot;
}

async function botSession(db: Db, networkId: string, botName: string, deviceId: string, now: number): Promise<SessionResponse> {
  const token = await issueSession(db, { networkId, userId: RETENTION_BOT_USER_ID, deviceId }, now, null);
  return {
    token,
    userId: RETENTION_BOT_USER_ID,
    networkId,
    email: botName,
    firstName: 'Data retention',
    lastName: 'bot',
    deviceId,
    deviceStatus: 'ACTIVE',
    expiresAt: null,
    policy: await policyFor(db, networkId, RETENTION_BOT_USER_ID),
  };
}

export function checkBotPassword(current: string, next: string): void {
  if ([...next].length < BOT_PASSWORD_MIN) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: `Use at least ${BOT_PASSWORD_MIN} characters.` }]);
  if (next === current) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: 'The new password must differ from the current one.' }]);
}

/** First sign-in: the initial password, a new password, a device. Marks the bot registered. */
export async function registerRetentionBot(db: Db, input: { botName: string; password: string; newPassword: string; device: NewDevice }, now: number): Promise<{ session: SessionResponse; records: { convId: string; seq: number }[] }> {
  const bot = await botByName(db, input.botName);
  if (!bot.challenge_hash || !(await verifyPassword(input.password, bot.challenge_hash))) throw fail('invalid_credentials');
  checkBotPassword(input.password, input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    const networkId = bot.network_id;
    await trx.deleteFrom('member_accounts').where('network_id', '=', networkId).where('user_id', '=', RETENTION_BOT_USER_ID).execute();
    await trx.insertInto('member_accounts').values({ network_id: networkId, user_id: RETENTION_BOT_USER_ID, password_hash: passwordHash, failed_attempts: 0, locked_until: null, recovery_key_hash: null, registered_at: now, password_changed_at: now }).execute();
    // The initial password works once.
    await trx.updateTable('retention_bots').set({ challenge_hash: null }).where('network_id', '=', networkId).execute();
    await markRetentionBotRegistered(trx, networkId);
    const deviceId = await createDevice(trx, { networkId, userId: RETENTION_BOT_USER_ID }, input.device, true, now);
    const records = (await retentionOn(trx, networkId)) ? await startRetention(trx, networkId, now) : [];
    return { session: await botSession(trx, networkId, bot.bot_name, deviceId, now), records };
  });
}

/** Later sign-ins: the bot's own password; its stored device (signature) or a new device. */
export async function loginRetentionBot(
  db: Db,
  input: { botName: string; password: string; device: NewDevice | { deviceId: string; timestamp: number; signature: string } },
  now: number,
): Promise<{ session: SessionResponse; records: { convId: string; seq: number }[] }> {
  const bot = await botByName(db, input.botName);
  // Provisioned again (CreateDataRetentionBot after a delete) and not registered yet: no user to sign
  // in as until the first setup with the new initial password.
  if (bot.registered !== 1) throw fail('user_not_found', 'User not found: the data retention bot is not registered yet; set it up with the initial password from CreateDataRetentionBotChallenge.');
  const account = await db.selectFrom('member_accounts').selectAll().where('network_id', '=', bot.network_id).where('user_id', '=', RETENTION_BOT_USER_ID).executeTakeFirst();
  if (!account || !(await verifyPassword(input.password, account.password_hash))) throw fail('invalid_credentials');
  return db.transaction().execute(async (trx) => {
    let deviceId: string;
    let records: { convId: string; seq: number }[] = [];
    if ('deviceId' in input.device) {
      const d = input.device;
      const key = await trx.selectFrom('device_keys').select(['identity_sign_pub', 'revoked']).where('device_id', '=', d.deviceId).where('network_id', '=', bot.network_id).where('user_id', '=', RETENTION_BOT_USER_ID).executeTakeFirst();
      if (!key) throw fail('not_found', 'This device is not registered to the bot.');
      if (key.revoked === 1) throw fail('device_reset');
      if (!verifyLoginSignature(key.identity_sign_pub, d.deviceId, d.timestamp, d.signature, now)) throw fail('forbidden', 'The device signature is not valid.');
      deviceId = d.deviceId;
    } else {
      deviceId = await createDevice(trx, { networkId: bot.network_id, userId: RETENTION_BOT_USER_ID }, input.device, true, now);
      if (await retentionOn(trx, bot.network_id)) records = await startRetention(trx, bot.network_id, now);
    }
    await trx.updateTable('devices').set({ last_login: now }).where('network_id', '=', bot.network_id).where('user_id', '=', RETENTION_BOT_USER_ID).where('app_id', '=', deviceId).execute();
    return { session: await botSession(trx, bot.network_id, bot.bot_name, deviceId, now), records };
  });
}
