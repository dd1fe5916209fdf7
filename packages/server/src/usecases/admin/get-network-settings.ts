import { requireNetwork } from '../../domain/networks/networks.js';
import { networkSettingsList } from '../../domain/networks/rules.js';
import { defineQuery } from './operation.js';

/** The network-level settings, each as name, value (a string) and type. */
export default defineQuery('GetNetworkSettings', async (ctx, input) => ({
  settings: networkSettingsList(await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId), ctx.region),
}));
