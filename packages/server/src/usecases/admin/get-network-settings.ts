import { requireNetwork } from '../../domain/networks/networks.js';
import { networkSettingsList } from '../../domain/networks/settings.js';
import { defineQuery } from './operation.js';

export default defineQuery('GetNetworkSettings', async (ctx, input) => ({
  settings: networkSettingsList(await requireNetwork(ctx, input.networkId), ctx.region),
}));
