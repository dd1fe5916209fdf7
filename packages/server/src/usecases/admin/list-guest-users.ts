import { requireGuestNetwork } from '../../domain/guests/guests.js';
import { listGuestUsers } from '../../domain/guests/repo.js';
import { checkBillingPeriod, toGuestUser } from '../../domain/guests/rules.js';
import { defineQuery } from './operation.js';

/**
 * The guests this network's members talked to, one entry per guest per billing period. username
 * filters by case-insensitive prefix, billingPeriod is an exact 'YYYY-MM'. By default the most recent
 * billing period comes first, by username within it.
 */
export default defineQuery('ListGuestUsers', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx.tx, ctx.actor.accountId, input.networkId, ctx.now);
  if (input.billingPeriod !== undefined) checkBillingPeriod(input.billingPeriod);
  const page = await listGuestUsers(ctx.tx, network.network_id, input);
  return { guestlist: page.rows.map(toGuestUser), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
