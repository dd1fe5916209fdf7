// Bots as operations look them up: one bot of a network ("not found" is the API's NotFound error) and
// whether a username is free for a new bot. The queries are in repo.ts, the rules in rules.ts.
import type { ReadTx } from '../../infra/db.js';
import { notFound } from '../../kernel/errors.js';
import { findBot, usernameInUse } from './repo.js';
import { parseBotId, reservedRetentionBotName, type BotRow } from './rules.js';

/** Whether a username (lower-cased) is taken in the network by a bot, a user or the data retention bot (reserved even before it is provisioned). */
export async function usernameTaken(tx: ReadTx, networkId: string, lc: string): Promise<boolean> {
  if (lc === reservedRetentionBotName(networkId)) return true;
  return usernameInUse(tx, networkId, lc);
}

/** Bot IDs are decimal strings of 1–10 digits (the model's BotId); anything else is simply not found. */
export async function requireBot(tx: ReadTx, networkId: string, botId: string): Promise<BotRow> {
  const id = parseBotId(botId);
  const row = id !== undefined ? await findBot(tx, networkId, id) : undefined;
  if (!row) throw notFound('Bot not found');
  return row;
}
