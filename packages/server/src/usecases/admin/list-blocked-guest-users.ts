import { sql } from 'kysely';
import { likePrefix } from '../../domain/bots/rules.js';
import { requireGuestNetwork, toBlockedGuestUser } from '../../domain/guests/guests.js';
import { paginate } from '../../infra/pagination.js';
import { defineQuery } from './operation.js';

/**
 * The network's blocked guests. username filters by case-insensitive prefix; admin is the exact ARN
 * of the principal that blocked the guest. By default the most recently blocked come first.
 */
export default defineQuery('ListBlockedGuestUsers', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx, input.networkId);
  let q = ctx.tx.selectFrom('guest_blocks').selectAll().where('network_id', '=', network.network_id);
  if (input.username !== undefined) q = q.where(sql<boolean>`lower(username) like ${likePrefix(input.username)} escape '\\'`);
  if (input.admin !== undefined) q = q.where('admin', '=', input.admin);
  const page = await paginate(q, input, {
    columns: {
      username: { expr: sql.ref('username'), key: 'username' },
      admin: { expr: sql.ref('admin'), key: 'admin' },
      modified: { expr: sql.ref('modified'), key: 'modified' },
    },
    id: { expr: sql.ref('username_hash'), key: 'username_hash' },
    defaultSort: 'modified',
    filters: { username: input.username, admin: input.admin },
  });
  return { blocklist: page.rows.map(toBlockedGuestUser), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
