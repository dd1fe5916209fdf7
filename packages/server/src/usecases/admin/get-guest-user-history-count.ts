import { sql } from 'kysely';
import { billingPeriodOf, HISTORY_MONTHS, requireGuestNetwork } from '../../domain/guests/guests.js';
import { defineQuery } from './operation.js';

/**
 * Distinct guests per billing period for the last 12 months (the current one included), most recent
 * first; months without guests are left out.
 */
export default defineQuery('GetGuestUserHistoryCount', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx, input.networkId);
  const rows = await ctx.tx
    .selectFrom('guest_users')
    .select(['billing_period', sql<number>`count(distinct username_hash)`.as('n')])
    .where('network_id', '=', network.network_id)
    .where('billing_period', '>=', billingPeriodOf(ctx.now, HISTORY_MONTHS - 1))
    .where('billing_period', '<=', billingPeriodOf(ctx.now))
    .groupBy('billing_period')
    .orderBy('billing_period', 'desc')
    .execute();
  return { history: rows.map((r) => ({ month: r.billing_period.replace('-', '_'), count: String(Number(r.n)) })) };
});
