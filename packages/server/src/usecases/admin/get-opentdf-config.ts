import { requireNetwork } from '../../domain/networks/networks.js';
import { toTdfConfig } from '../../domain/tdf/tdf.js';
import { defineQuery } from './operation.js';

/** The network's OpenTDF configuration, client secret included (as the model's output has it); empty strings when none. */
export default defineQuery('GetOpentdfConfig', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await ctx.tx.selectFrom('tdf_configs').selectAll().where('network_id', '=', network.network_id).executeTakeFirst();
  return toTdfConfig(row, ctx.secrets);
});
