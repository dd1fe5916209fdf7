import { requireNetwork } from '../../domain/networks/networks.js';
import { toNetwork } from '../../domain/networks/rules.js';
import { defineQuery } from './operation.js';

/** One network of the caller's account. */
export default defineQuery('GetNetwork', async (ctx, input) => toNetwork(await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId), ctx.region));
