import { sql } from 'kysely';
import { likePrefix, toBot } from '../../domain/bots/bots.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { paginate } from '../../infra/pagination.js';
import { defineQuery } from './operation.js';

/**
 * Lists bots. displayName and username filter by case-insensitive prefix; status and groupId are
 * exact. firstName sorts by the display name (bots have no first name).
 */
export default defineQuery('ListBots', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  let q = ctx.tx.selectFrom('bots').selectAll().where('network_id', '=', input.networkId);
  if (input.displayName !== undefined) q = q.where(sql<boolean>`lower(display_name) like ${likePrefix(input.displayName)} escape '\\'`);
  if (input.username !== undefined) q = q.where(sql<boolean>`username like ${likePrefix(input.username)} escape '\\'`);
  if (input.status !== undefined) q = q.where('status', '=', input.status);
  if (input.groupId !== undefined) q = q.where('group_id', '=', input.groupId);
  const displayName = { expr: sql.ref('display_name'), key: 'display_name' };
  const page = await paginate(q, input, {
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
  return { bots: page.rows.map(toBot), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
