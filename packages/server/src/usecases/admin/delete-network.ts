import { requireNetwork } from '../../domain/networks/networks.js';
import { defineCommand } from './operation.js';

/**
 * Deletes the network and everything the server holds for it (groups, users, bots, devices, tags,
 * SSO settings). Data already archived by the data retention bot lives in the organisation's own
 * storage and is not touched. An account that used its free trial cannot enroll again.
 */
export default defineCommand('DeleteNetwork', async (ctx, input) => {
  const network = await requireNetwork(ctx, input.networkId);
  const id = network.network_id;
  for (const table of ['network_tags', 'devices', 'users', 'bots', 'guest_users', 'guest_blocks', 'oidc_configs', 'tdf_configs', 'retention_bots', 'security_groups'] as const) {
    await ctx.tx.deleteFrom(table).where('network_id', '=', id).execute();
  }
  await ctx.tx.deleteFrom('networks').where('network_id', '=', id).execute();
  return { message: 'Network deletion initiated successfully' };
});
