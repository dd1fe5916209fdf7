import { requireNetwork, toNetwork } from '../../domain/networks/networks.js';
import { defineOperation } from './operation.js';

export default defineOperation('GetNetwork', async (ctx, input) => toNetwork(await requireNetwork(ctx, input.networkId), ctx.region));
