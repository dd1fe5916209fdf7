// The bots repository: `bots` rows of a network, bot ID allocation from `counters`, the username
// lookups across bots, users and the data retention bot, the counts by status, and the keyset listing.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { ListBotsRequest } from '@enclave/admin-api';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { paginate, type Page, type PageRequest } from '../../infra/pagination.js';
import type { BotsTable } from '../../infra/schema.js';
import { BOT_ACTIVE, BOT_PENDING, likePrefix, type BotRow } from './rules.js';

export async function findBot(tx: ReadTx, networkId: string, botId: number): Promise<BotRow | undefined> {
  return tx.selectFrom('bots').selectAll().where('network_id', '=', networkId).where('bot_id', '=', botId).executeTakeFirst();
}

/** Whether a username (lower-cased) is taken in the network by a bot, a user or the data retention bot: up to three queries, in that order. */
export async function usernameInUse(tx: ReadTx, networkId: string, lc: string): Promise<boolean> {
  const bot = await tx.selectFrom('bots').select('bot_id').where('network_id', '=', networkId).where('username', '=', lc).executeTakeFirst();
  if (bot) return true;
  const user = await tx
    .selectFrom('users')
    .select('user_id')
    .where('network_id', '=', networkId)
    .where(sql<string>`lower(username)`, '=', lc)
    .executeTakeFirst();
  if (user) return true;
  const retention = await tx
    .selectFrom('retention_bots')
    .select('bot_name')
    .where('network_id', '=', networkId)
    .where(sql<string>`lower(bot_name)`, '=', lc)
    .executeTakeFirst();
  return retention !== undefined;
}

/** Allocates the next bot ID from the counters row; `tx` must be the operation's transaction. */
export async function nextBotId(tx: WriteTx): Promise<number> {
  await tx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'bot_id')
    .execute();
  const row = await tx.selectFrom('counters').select('value').where('name', '=', 'bot_id').executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function insertBot(tx: WriteTx, row: Insertable<BotsTable>): Promise<void> {
  await tx.insertInto('bots').values(row).execute();
}

export async function updateBot(tx: WriteTx, networkId: string, botId: number, patch: Updateable<BotsTable>): Promise<void> {
  await tx.updateTable('bots').set(patch).where('network_id', '=', networkId).where('bot_id', '=', botId).execute();
}

export async function deleteBot(tx: WriteTx, networkId: string, botId: number): Promise<void> {
  await tx.deleteFrom('bots').where('network_id', '=', networkId).where('bot_id', '=', botId).execute();
}

/** The network's bots: all, pending and active (suspended bots still count under their status). One query. */
export async function countBotsByStatus(tx: ReadTx, networkId: string): Promise<{ total: number; pending: number; active: number }> {
  const r = await tx
    .selectFrom('bots')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`coalesce(sum(case when status = ${BOT_PENDING} then 1 else 0 end), 0)`.as('pending'),
      sql<number>`coalesce(sum(case when status = ${BOT_ACTIVE} then 1 else 0 end), 0)`.as('active'),
    ])
    .where('network_id', '=', networkId)
    .executeTakeFirstOrThrow();
  return { total: Number(r.total), pending: Number(r.pending), active: Number(r.active) };
}

export type BotFilters = Pick<ListBotsRequest, 'displayName' | 'username' | 'status' | 'groupId'>;

/**
 * A page of the network's bots. displayName and username filter by case-insensitive prefix; status and
 * groupId are exact. firstName sorts by the display name (bots have no first name).
 */
export async function listBots(tx: ReadTx, networkId: string, input: BotFilters & PageRequest): Promise<Page<BotRow>> {
  let q = tx.selectFrom('bots').selectAll().where('network_id', '=', networkId);
  if (input.displayName !== undefined) q = q.where(sql<boolean>`lower(display_name) like ${likePrefix(input.displayName)} escape '\\'`);
  if (input.username !== undefined) q = q.where(sql<boolean>`username like ${likePrefix(input.username)} escape '\\'`);
  if (input.status !== undefined) q = q.where('status', '=', input.status);
  if (input.groupId !== undefined) q = q.where('group_id', '=', input.groupId);
  const displayName = { expr: sql.ref('display_name'), key: 'display_name' };
  return paginate(q, input, {
    columns: {
      username: { expr: sql.ref('username'), key: 'username' },
      firstName: displayName,
      displayName,
      status: { expr: sql.ref('status'), key: 'status' },
      groupId: { expr: sql.ref('group_id'), key: 'group_id' },
    },
    id: { expr: sql.ref('bot_id'), key: 'bot_id' },
    defaultSort: 'username',
    filters: { displayName: input.displayName, username: input.username, status: input.status, groupId: input.groupId },
  });
}
