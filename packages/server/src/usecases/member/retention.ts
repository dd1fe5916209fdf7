// The data retention bot as a device of its network (issue 7): it signs in with the name and the
// initial password from CreateDataRetentionBotChallenge (registration: a new password of its own, the
// initial one stops working), and while the network's data retention is on, every conversation of the
// network also encrypts to its devices and delivers to them. It is user 0 of its network: it belongs
// to no conversation, can read every conversation's routing data and files of its network, and
// sends nothing. Never sees anything a member's device would not. startRetention, stopRetention and
// removeRetentionBot are also the admin operations' (UpdateDataRetention, DeleteDataRetentionBot…).
import type { Kysely } from 'kysely';
import type { NewDevice, SessionResponse } from '@enclave/protocol';
import { inTransaction, readTx, type ReadTx, type WriteTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import { hashPassword, verifyPassword } from '../../infra/passwords.js';
import { markRetentionBotRegistered } from '../../domain/retention/retention.js';
import * as retentionRepo from '../../domain/retention/repo.js';
import { checkBotPassword, RETENTION_BOT_USER_ID } from '../../domain/retention/rules.js';
import { conversationPositions, deleteCursorsOfDevices, insertCursorsIfAbsent } from '../../domain/conversations/repo.js';
import { deletePrekeysOfDevices, markDeviceSignedIn, revokeDeviceKeys } from '../../domain/devices/repo.js';
import { verifyLoginSignature } from '../../domain/devices/rules.js';
import { deleteMemberAccount, findMemberAccount, insertMemberAccount } from '../../domain/member-accounts/repo.js';
import type { DomainEvents } from '../../kernel/events.js';
import { fail } from '../../kernel/member-errors.js';
import { appendSystem, networkConversationIds } from './conversations.js';
import { createDevice } from './devices.js';
import { issueSession } from './member-auth.js';
import { policyFor } from './policy.js';
import { retentionDevices, retentionOn } from './retention-devices.js';

/**
 * Starts delivery of every conversation of the network to the bot's devices from now on, and
 * records in each conversation that its devices changed (senders then include the bot).
 * Returns the records to announce.
 */
export async function startRetention(tx: WriteTx, networkId: string, now: number): Promise<{ convId: string; seq: number }[]> {
  const devices = await retentionDevices(tx, networkId);
  const ids = await networkConversationIds(tx, networkId);
  const convs = ids.length === 0 ? [] : await conversationPositions(tx, ids);
  const out: { convId: string; seq: number }[] = [];
  for (const c of convs) {
    for (const d of devices) await insertCursorsIfAbsent(tx, [{ device_id: d.deviceId, conv_id: c.conv_id, seq: c.last_seq }]);
    out.push({ convId: c.conv_id, seq: await appendSystem(tx, c.conv_id, { userId: RETENTION_BOT_USER_ID, deviceId: 'server' }, { event: 'devices_changed', userId: RETENTION_BOT_USER_ID }, now) });
  }
  return out;
}

/** Stops delivery to the bot's devices and tells every conversation (senders drop the bot). */
export async function stopRetention(tx: WriteTx, networkId: string, now: number): Promise<void> {
  const devices = await retentionRepo.retentionBotDeviceIds(tx, networkId);
  if (devices.length > 0) await deleteCursorsOfDevices(tx, devices);
  for (const convId of await networkConversationIds(tx, networkId)) await appendSystem(tx, convId, { userId: RETENTION_BOT_USER_ID, deviceId: 'server' }, { event: 'devices_changed', userId: RETENTION_BOT_USER_ID }, now);
}

/**
 * Removes the bot (DeleteDataRetentionBot): its password goes, its devices are revoked (their public
 * keys stay until the network is deleted, so a session still presented is answered "User not found"
 * rather than an anonymous refusal), nothing more is delivered to them.
 */
export async function removeRetentionBot(tx: WriteTx, networkId: string): Promise<void> {
  const ids = await retentionRepo.retentionBotDeviceIds(tx, networkId);
  if (ids.length > 0) {
    await revokeDeviceKeys(tx, ids);
    await deletePrekeysOfDevices(tx, ids);
    await deleteCursorsOfDevices(tx, ids);
  }
  await deleteMemberAccount(tx, networkId, RETENTION_BOT_USER_ID);
}

async function botByName(tx: ReadTx, botName: string) {
  const bot = await retentionRepo.findRetentionBotByName(tx, botName.trim());
  if (!bot) throw fail('user_not_found', 'User not found: no data retention bot with this name is provisioned.');
  return bot;
}

async function botSession(tx: WriteTx, networkId: string, botName: string, deviceId: string, now: number): Promise<SessionResponse> {
  const token = await issueSession(tx, { networkId, userId: RETENTION_BOT_USER_ID, deviceId }, now, null);
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
    policy: await policyFor(tx, networkId, RETENTION_BOT_USER_ID),
  };
}

/** First sign-in: the initial password, a new password, a device. Marks the bot registered. */
export async function registerRetentionBot(
  db: Kysely<Database>,
  events: DomainEvents,
  input: { botName: string; password: string; newPassword: string; device: NewDevice },
  now: number,
): Promise<SessionResponse> {
  const bot = await botByName(readTx(db), input.botName);
  if (!bot.challenge_hash || !(await verifyPassword(input.password, bot.challenge_hash))) throw fail('invalid_credentials');
  checkBotPassword(input.password, input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const { session, records } = await inTransaction(db, async (tx) => {
    const networkId = bot.network_id;
    await deleteMemberAccount(tx, networkId, RETENTION_BOT_USER_ID);
    await insertMemberAccount(tx, { network_id: networkId, user_id: RETENTION_BOT_USER_ID, password_hash: passwordHash, failed_attempts: 0, locked_until: null, recovery_key_hash: null, registered_at: now, password_changed_at: now });
    // The initial password works once.
    await retentionRepo.clearRetentionBotChallenge(tx, networkId);
    await markRetentionBotRegistered(tx, networkId);
    const deviceId = await createDevice(tx, { networkId, userId: RETENTION_BOT_USER_ID }, input.device, true, now);
    const records = (await retentionOn(tx, networkId)) ? await startRetention(tx, networkId, now) : [];
    return { session: await botSession(tx, networkId, bot.bot_name, deviceId, now), records };
  });
  if (records.length > 0) events.emit({ type: 'records-added', records });
  return session;
}

/** Later sign-ins: the bot's own password; its stored device (signature) or a new device. */
export async function loginRetentionBot(
  db: Kysely<Database>,
  events: DomainEvents,
  input: { botName: string; password: string; device: NewDevice | { deviceId: string; timestamp: number; signature: string } },
  now: number,
): Promise<SessionResponse> {
  const bot = await botByName(readTx(db), input.botName);
  // Provisioned again (CreateDataRetentionBot after a delete) and not registered yet: no user to sign
  // in as until the first setup with the new initial password.
  if (bot.registered !== 1) throw fail('user_not_found', 'User not found: the data retention bot is not registered yet; set it up with the initial password from CreateDataRetentionBotChallenge.');
  const account = await findMemberAccount(readTx(db), bot.network_id, RETENTION_BOT_USER_ID);
  if (!account || !(await verifyPassword(input.password, account.password_hash))) throw fail('invalid_credentials');
  const { session, records } = await inTransaction(db, async (tx) => {
    let deviceId: string;
    let records: { convId: string; seq: number }[] = [];
    if ('deviceId' in input.device) {
      const d = input.device;
      const key = await retentionRepo.findRetentionBotDevice(tx, bot.network_id, d.deviceId);
      if (!key) throw fail('not_found', 'This device is not registered to the bot.');
      if (key.revoked === 1) throw fail('device_reset');
      if (!verifyLoginSignature(key.identity_sign_pub, d.deviceId, d.timestamp, d.signature, now)) throw fail('forbidden', 'The device signature is not valid.');
      deviceId = d.deviceId;
    } else {
      deviceId = await createDevice(tx, { networkId: bot.network_id, userId: RETENTION_BOT_USER_ID }, input.device, true, now);
      if (await retentionOn(tx, bot.network_id)) records = await startRetention(tx, bot.network_id, now);
    }
    await markDeviceSignedIn(tx, { networkId: bot.network_id, userId: RETENTION_BOT_USER_ID }, deviceId, now);
    return { session: await botSession(tx, bot.network_id, bot.bot_name, deviceId, now), records };
  });
  if (records.length > 0) events.emit({ type: 'records-added', records });
  return session;
}
