// The rules of data retention, without I/O. Data retention as the guide's 資料保留 describes it: a
// network on Premium (or the running free trial) provisions one compliance bot, hands its name and a
// generated initial password (the "challenge") to the bot it deploys, the bot signs in (registers)
// and acknowledges the public-key message, and only then can the admin enable retention. The server keeps only a hash of the initial password; the
// archived data lives in the organisation's own storage and is never touched here.
import { randomInt } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { GetDataRetentionBotResponse } from '@enclave/admin-api';
import type { RetentionBotsTable } from '../../infra/schema.js';
import { badRequest } from '../../kernel/errors.js';
import type { NetworkRow } from '../networks/rules.js';
import { fail } from '../../kernel/member-errors.js';

export type RetentionBotRow = Selectable<RetentionBotsTable>;

export const RETENTION_FEATURE = 'Data retention';
export const CHALLENGE_LENGTH = 24;
const CHALLENGE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const MESSAGES = {
  provisioned: 'successfully provisioned data retention bot',
  // The model's example for a second CreateDataRetentionBot on the same network.
  alreadyProvisioned: 'Users already exist in this network.',
  deleted: 'deleted data retention bot and all associated data from the database',
  enabled: 'data retention service enabled',
  disabled: 'data retention service disabled',
  acked: 'pubkey message was acknowledged',
  notFound: 'Data retention bot not found',
  notRegistered: 'The data retention bot has not registered yet: start the bot with its name and initial password first.',
  notAcked: 'The public key message of the data retention bot has not been acknowledged yet (UpdateDataRetention PUBKEY_MSG_ACK).',
} as const;

/** The bot's username, fixed per network: `compliance_<networkId>_bot`. */
export function retentionBotName(networkId: string): string {
  return `compliance_${networkId}_bot`;
}

/** A fresh initial password from the CSPRNG: 24 letters and digits (~142 bits). */
export function newRetentionChallenge(): string {
  let s = '';
  for (let i = 0; i < CHALLENGE_LENGTH; i++) s += CHALLENGE_ALPHABET[randomInt(CHALLENGE_ALPHABET.length)];
  return s;
}

/** What GetDataRetentionBot reports; every flag false when no bot is provisioned. */
export function retentionStatus(network: NetworkRow, bot: RetentionBotRow | undefined): Required<GetDataRetentionBotResponse> {
  return {
    botName: bot?.bot_name ?? retentionBotName(network.network_id),
    botExists: bot !== undefined,
    isBotActive: bot?.active === 1,
    isDataRetentionBotRegistered: bot?.registered === 1,
    isDataRetentionServiceEnabled: network.data_retention === 1,
    isPubkeyMsgAcked: bot?.pubkey_acked === 1,
  };
}

/** Retention can be switched on only once the bot has registered and acknowledged the pubkey message. */
export function checkReadyToEnable(bot: RetentionBotRow): void {
  if (bot.registered !== 1) throw badRequest(MESSAGES.notRegistered);
  if (bot.pubkey_acked !== 1) throw badRequest(MESSAGES.notAcked);
}

// ---------------------------------------------------------------------------------------------------
// Member side: the retention bot as a device of its network (usecases/member/retention.ts)

/** The retention bot's user ID in its network (real users start at 1000). */
export const RETENTION_BOT_USER_ID = 0;
export const BOT_PASSWORD_MIN = 12;

export const isRetentionBot = (m: { userId: number }) => m.userId === RETENTION_BOT_USER_ID;

/** The bot's new password: at least 12 characters, different from the current one. */
export function checkBotPassword(current: string, next: string): void {
  if ([...next].length < BOT_PASSWORD_MIN) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: `Use at least ${BOT_PASSWORD_MIN} characters.` }]);
  if (next === current) throw fail('password_policy', undefined, [{ field: 'newPassword', reason: 'The new password must differ from the current one.' }]);
}
