// Data retention as operations and the messaging layer use it: the provisioned bot of a network ("not
// found" is the API's NotFound error), and marking it registered when it first signs in. The queries
// are in repo.ts, the rules (messages, the bot's name, readiness) in rules.ts.
import type { Kysely } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import { notFound } from '../../kernel/errors.js';
import { findRetentionBot, setRetentionBotRegistered } from './repo.js';
import { MESSAGES, type RetentionBotRow } from './rules.js';

export async function requireRetentionBot(tx: ReadTx, networkId: string): Promise<RetentionBotRow> {
  const bot = await findRetentionBot(tx, networkId);
  if (!bot) throw notFound(MESSAGES.notFound);
  return bot;
}

/**
 * Marks the network's retention bot as registered. The messaging layer calls this when the bot signs
 * in for the first time with its name and initial password. Returns false when no bot is provisioned.
 * Takes any Kysely handle, as before the layering (the messaging layer's transaction, the store in
 * tests): it is one UPDATE, autocommitted when `db` is the store.
 */
export async function markRetentionBotRegistered(db: Kysely<Database>, networkId: string): Promise<boolean> {
  return setRetentionBotRegistered(db as unknown as WriteTx, networkId);
}
