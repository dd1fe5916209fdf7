// The rules of bots, without I/O. Bots are automated members of a network (the console's 使用者管理
// lists them next to the users). A bot is created PENDING with a password (the model's `challenge`,
// kept only as a scrypt hash) and turns ACTIVE when it first signs in through the messaging layer,
// which also records its public key. Usernames end in "bot", use [a-z0-9_.-] and are unique in the
// network across bots, users and the data retention bot.
import type { Selectable } from 'kysely';
import type { Bot } from '@enclave/admin-api';
import type { BotsTable } from '../../infra/schema.js';
import { validation, type ErrorReason } from '../../kernel/errors.js';

export type BotRow = Selectable<BotsTable>;

export const BOT_PENDING = 1;
export const BOT_ACTIVE = 2;
export const BOT_USERNAME_MAX = 255;
export const BOT_DISPLAY_NAME_MAX = 255;
export const BOT_CHALLENGE_MIN = 8;
export const BOT_CHALLENGE_MAX = 1024;

// Checked on the username as sent (ASCII only), then stored lower-cased: lower-casing first would
// let characters such as U+212A KELVIN SIGN turn into ASCII letters.
const BOT_USERNAME_RE = /^[A-Za-z0-9_.-]+$/;

/** The stored (lower-cased) username, or a reason why the username is not acceptable. */
export function checkBotUsername(username: string, reasons: ErrorReason[]): string {
  const lc = username.toLowerCase();
  if (!BOT_USERNAME_RE.test(username) || !lc.endsWith('bot') || username.length > BOT_USERNAME_MAX) {
    reasons.push({ field: 'username', reason: 'Invalid username format' });
  }
  return lc;
}

export function checkBotChallenge(challenge: string, reasons: ErrorReason[]): void {
  const len = [...challenge].length;
  if (len < BOT_CHALLENGE_MIN) reasons.push({ field: 'challenge', reason: `Password must be at least ${BOT_CHALLENGE_MIN} characters` });
  else if (len > BOT_CHALLENGE_MAX) reasons.push({ field: 'challenge', reason: `Password must be at most ${BOT_CHALLENGE_MAX} characters` });
}

export function checkBotDisplayName(displayName: string, reasons: ErrorReason[]): void {
  const len = [...displayName.trim()].length;
  if (len < 1 || [...displayName].length > BOT_DISPLAY_NAME_MAX) {
    reasons.push({ field: 'displayName', reason: `Display name must be between 1 and ${BOT_DISPLAY_NAME_MAX} characters` });
  }
}

export function throwIfReasons(reasons: ErrorReason[]): void {
  if (reasons.length > 0) throw validation(reasons);
}

/** The data retention bot's fixed username in a network; reserved even before that bot is provisioned. */
export const reservedRetentionBotName = (networkId: string) => `compliance_${networkId}_bot`;

/** Bot IDs are decimal strings of 1–10 digits (the model's BotId); undefined for anything else (simply not found). */
export function parseBotId(botId: string): number | undefined {
  const id = /^[0-9]{1,10}$/.test(botId) ? Number(botId) : NaN;
  return Number.isSafeInteger(id) ? id : undefined;
}

export function toBot(row: BotRow): Bot {
  const out: Bot = {
    botId: String(row.bot_id),
    displayName: row.display_name,
    username: row.username,
    uname: row.uname,
    pubkey: row.pubkey,
    status: row.status as Bot['status'],
    groupId: row.group_id,
    hasChallenge: row.challenge_hash !== '',
    suspended: row.suspended === 1,
  };
  if (row.last_login !== null) out.lastLogin = String(Math.floor(Number(row.last_login) / 1000));
  return out;
}

/** The LIKE pattern for a case-insensitive prefix match against lower(column); works on both dialects. */
export function likePrefix(value: string): string {
  return value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}
