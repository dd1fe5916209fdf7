import { listBots } from '../../domain/bots/repo.js';
import { toBot } from '../../domain/bots/rules.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

/**
 * Lists bots. displayName and username filter by case-insensitive prefix; status and groupId are
 * exact. firstName sorts by the display name (bots have no first name).
 */
export default defineQuery('ListBots', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const page = await listBots(ctx.tx, input.networkId, input);
  return { bots: page.rows.map(toBot), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
