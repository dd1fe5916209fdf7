import { sql } from 'kysely';
import { likePrefix } from '../../domain/bots/rules.js';
import { checkBillingPeriod, requireGuestNetwork, toGuestUser } from '../../domain/guests/guests.js';
import { paginate } from '../../infra/pagination.js';
import { defineQuery } from './operation.js';

/**
 * The guests this network's members talked to, one entry per guest per billing period. username
 * filters by case-insensitive prefix, billingPeriod is an exact 'YYYY-MM'. By default the most recent
 * billing period comes first, by username within it.
 */
export default defineQuery('ListGuestUsers', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx, input.networkId);
  if (input.billingPeriod !== undefined) checkBillingPeriod(input.billingPeriod);
  const rowKey = sql<string>`username_hash || '/' || billing_period`;
  let q = ctx.tx
    .selectFrom('guest_users')
    .select(['username', 'username_hash', 'billing_period', rowKey.as('row_key')])
    .where('network_id', '=', network.network_id);
  if (input.username !== undefined) q = q.where(sql<boolean>`lower(username) like ${likePrefix(input.username)} escape '\\'`);
  if (input.billingPeriod !== undefined) q = q.where('billing_period', '=', input.billingPeriod);
  const page = await paginate(q, input, {
    columns: {
      username: { expr: sql.ref('username'), key: 'username' },
      billingPeriod: { expr: sql.ref('billing_period'), key: 'billing_period' },
    },
    id: { expr: rowKey, key: 'row_key' },
    defaultSort: 'billingPeriod+username',
    filters: { username: input.username, billingPeriod: input.billingPeriod },
  });
  return { guestlist: page.rows.map(toGuestUser), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
