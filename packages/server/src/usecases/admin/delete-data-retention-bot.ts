import { requireNetwork } from '../../domain/networks/networks.js';
import { updateNetwork } from '../../domain/networks/repo.js';
import { deleteRetentionBot } from '../../domain/retention/repo.js';
import { requireRetentionBot } from '../../domain/retention/retention.js';
import { MESSAGES } from '../../domain/retention/rules.js';
import { defineCommand } from './operation.js';
import { removeRetentionBot, stopRetention } from '../member/retention.js';

/**
 * Removes the network's retention bot (its record, password, devices and sessions: its sockets close)
 * and switches data retention off.
 * Messages the bot already archived live in the organisation's own storage and are not touched.
 */
export default defineCommand('DeleteDataRetentionBot', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  await requireRetentionBot(ctx.tx, network.network_id);
  if (network.data_retention === 1) await stopRetention(ctx.tx, network.network_id, ctx.now);
  await removeRetentionBot(ctx.tx, network.network_id);
  await deleteRetentionBot(ctx.tx, network.network_id);
  await updateNetwork(ctx.tx, network.network_id, { data_retention: 0 });
  return { message: MESSAGES.deleted };
});
