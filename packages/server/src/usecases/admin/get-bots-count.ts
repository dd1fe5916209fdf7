import { sql } from 'kysely';
import { BOT_ACTIVE, BOT_PENDING } from '../../domain/bots/bots.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

/** Bots by status; suspended bots still count under their status. */
export default defineQuery('GetBotsCount', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const r = await ctx.tx
    .selectFrom('bots')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`coalesce(sum(case when status = ${BOT_PENDING} then 1 else 0 end), 0)`.as('pending'),
      sql<number>`coalesce(sum(case when status = ${BOT_ACTIVE} then 1 else 0 end), 0)`.as('active'),
    ])
    .where('network_id', '=', input.networkId)
    .executeTakeFirstOrThrow();
  return { pending: Number(r.pending), active: Number(r.active), total: Number(r.total) };
});
