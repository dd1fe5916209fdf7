import { requireGuestNetwork } from '../../domain/guests/guests.js';
import { guestCountsByPeriod } from '../../domain/guests/repo.js';
import { billingPeriodOf, HISTORY_MONTHS } from '../../domain/guests/rules.js';
import { defineQuery } from './operation.js';

/**
 * Distinct guests per billing period for the last 12 months (the current one included), most recent
 * first; months without guests are left out.
 */
export default defineQuery('GetGuestUserHistoryCount', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx.tx, ctx.actor.accountId, input.networkId, ctx.now);
  const rows = await guestCountsByPeriod(ctx.tx, network.network_id, billingPeriodOf(ctx.now, HISTORY_MONTHS - 1), billingPeriodOf(ctx.now));
  return { history: rows.map((r) => ({ month: r.billing_period.replace('-', '_'), count: String(Number(r.n)) })) };
});
