import { requireNetwork } from '../../domain/networks/networks.js';
import { networkSettingsList } from '../../domain/networks/settings.js';
import { defineOperation } from './operation.js';

export default defineOperation('GetNetworkSettings', async (ctx, input) => ({
  settings: networkSettingsList(await requireNetwork(ctx, input.networkId), ctx.region),
}));
