import { countBotsByStatus } from '../../domain/bots/repo.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

/** Bots by status; suspended bots still count under their status. */
export default defineQuery('GetBotsCount', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const r = await countBotsByStatus(ctx.tx, input.networkId);
  return { pending: r.pending, active: r.active, total: r.total };
});
