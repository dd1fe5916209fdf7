import { requireNetwork, toNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

export default defineQuery('GetNetwork', async (ctx, input) => toNetwork(await requireNetwork(ctx, input.networkId), ctx.region));
