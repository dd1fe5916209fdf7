import { requireGuestNetwork } from '../../domain/guests/guests.js';
import { listBlockedGuestUsers } from '../../domain/guests/repo.js';
import { toBlockedGuestUser } from '../../domain/guests/rules.js';
import { defineQuery } from './operation.js';

/**
 * The network's blocked guests. username filters by case-insensitive prefix; admin is the exact ARN
 * of the principal that blocked the guest. By default the most recently blocked come first.
 */
export default defineQuery('ListBlockedGuestUsers', async (ctx, input) => {
  const network = await requireGuestNetwork(ctx.tx, ctx.actor.accountId, input.networkId, ctx.now);
  const page = await listBlockedGuestUsers(ctx.tx, network.network_id, input);
  return { blocklist: page.rows.map(toBlockedGuestUser), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
