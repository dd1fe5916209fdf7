import { requireNetwork } from '../../domain/networks/networks.js';
import { MESSAGES, requireRetentionBot } from '../../domain/retention/retention.js';
import { defineOperation } from './operation.js';
import { removeRetentionBot, stopRetention } from '../member/retention.js';

/**
 * Removes the network's retention bot (its record, password, devices and sessions: its sockets close)
 * and switches data retention off.
 * Messages the bot already archived live in the organisation's own storage and are not touched.
 */
export default defineOperation('DeleteDataRetentionBot', async (ctx, input) => {
  const network = await requireNetwork(ctx, input.networkId);
  await requireRetentionBot(ctx.db, network.network_id);
  if (network.data_retention === 1) await stopRetention(ctx.db, network.network_id, ctx.now);
  await removeRetentionBot(ctx.db, network.network_id);
  await ctx.db.deleteFrom('retention_bots').where('network_id', '=', network.network_id).execute();
  await ctx.db.updateTable('networks').set({ data_retention: 0 }).where('network_id', '=', network.network_id).execute();
  return { message: MESSAGES.deleted };
});
