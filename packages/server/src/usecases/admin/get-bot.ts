import { requireBot } from '../../domain/bots/bots.js';
import { toBot } from '../../domain/bots/rules.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

/** One bot of the network. */
export default defineQuery('GetBot', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  return toBot(await requireBot(ctx.tx, input.networkId, input.botId));
});
