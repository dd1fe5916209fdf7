import { requireNetwork } from '../domain/networks.js';
import { networkSettingsList } from '../domain/settings.js';
import { defineOperation } from '../operation.js';

export default defineOperation('GetNetworkSettings', async (ctx, input) => ({
  settings: networkSettingsList(await requireNetwork(ctx, input.networkId), ctx.region),
}));
