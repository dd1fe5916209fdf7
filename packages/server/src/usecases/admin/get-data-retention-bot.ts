import { requireNetwork } from '../../domain/networks/networks.js';
import { findRetentionBot } from '../../domain/retention/repo.js';
import { retentionStatus } from '../../domain/retention/rules.js';
import { defineQuery } from './operation.js';

/** The retention bot's name and state; a network without a bot answers with every flag false. */
export default defineQuery('GetDataRetentionBot', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  return retentionStatus(network, await findRetentionBot(ctx.tx, network.network_id));
});
