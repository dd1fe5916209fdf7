import { listNetworks } from '../../domain/networks/repo.js';
import { toNetwork } from '../../domain/networks/rules.js';
import { defineQuery } from './operation.js';

/** The account's networks, paged by keyset; sortFields networkId (default) or networkName. */
export default defineQuery('ListNetworks', async (ctx, input) => {
  const page = await listNetworks(ctx.tx, ctx.actor.accountId, input);
  return { networks: page.rows.map((r) => toNetwork(r, ctx.region)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
