import { requireNetwork } from '../../domain/networks/networks.js';
import { findRetentionBot, retentionStatus } from '../../domain/retention/retention.js';
import { defineOperation } from './operation.js';

/** The retention bot's name and state; a network without a bot answers with every flag false. */
export default defineOperation('GetDataRetentionBot', async (ctx, input) => {
  const network = await requireNetwork(ctx, input.networkId);
  return retentionStatus(network, await findRetentionBot(ctx.db, network.network_id));
});
