import { requireNetwork } from '../../domain/networks/networks.js';
import { findTdfConfig } from '../../domain/tdf/repo.js';
import { toTdfConfig } from '../../domain/tdf/rules.js';
import { defineQuery } from './operation.js';

/** The network's OpenTDF configuration, client secret included (as the model's output has it); empty strings when none. */
export default defineQuery('GetOpentdfConfig', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await findTdfConfig(ctx.tx, network.network_id);
  return toTdfConfig(row, ctx.secrets);
});
