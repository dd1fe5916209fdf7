import { requireBot, toBot } from '../../domain/bots/bots.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineOperation } from './operation.js';

export default defineOperation('GetBot', async (ctx, input) => {
  await requireNetwork(ctx, input.networkId);
  return toBot(await requireBot(ctx, input.networkId, input.botId));
});
