import { requireNetwork } from '../../domain/networks/networks.js';
import { deleteNetworkAndContents } from '../../domain/networks/repo.js';
import { defineCommand } from './operation.js';

/**
 * Deletes the network and everything the server holds for it (groups, users, bots, devices, tags,
 * SSO settings). Data already archived by the data retention bot lives in the organisation's own
 * storage and is not touched. An account that used its free trial cannot enroll again.
 */
export default defineCommand('DeleteNetwork', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  await deleteNetworkAndContents(ctx.tx, network.network_id);
  return { message: 'Network deletion initiated successfully' };
});
