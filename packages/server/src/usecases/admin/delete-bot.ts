import { requireBot } from '../../domain/bots/bots.js';
import { deleteBot } from '../../domain/bots/repo.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineCommand } from './operation.js';

/** Removes the bot; its username becomes available again. */
export default defineCommand('DeleteBot', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const bot = await requireBot(ctx.tx, input.networkId, input.botId);
  await deleteBot(ctx.tx, bot.network_id, bot.bot_id);
  return { message: 'success' };
});
