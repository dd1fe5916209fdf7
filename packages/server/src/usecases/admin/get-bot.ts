import { requireBot, toBot } from '../../domain/bots/bots.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

export default defineQuery('GetBot', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  return toBot(await requireBot(ctx, input.networkId, input.botId));
});
