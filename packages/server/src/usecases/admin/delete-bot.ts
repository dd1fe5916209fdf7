import { requireBot } from '../../domain/bots/bots.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineCommand } from './operation.js';

/** Removes the bot; its username becomes available again. */
export default defineCommand('DeleteBot', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const bot = await requireBot(ctx, input.networkId, input.botId);
  await ctx.tx.deleteFrom('bots').where('network_id', '=', bot.network_id).where('bot_id', '=', bot.bot_id).execute();
  return { message: 'success' };
});
