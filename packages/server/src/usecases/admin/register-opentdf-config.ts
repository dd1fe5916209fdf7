import { requireNetwork } from '../../domain/networks/networks.js';
import { insertTdfConfig, tdfConfigExists, updateTdfConfig } from '../../domain/tdf/repo.js';
import { checkTdfInput } from '../../domain/tdf/rules.js';
import { probeTdfService } from '../../domain/tdf/tdf.js';
import { defineCommand } from './operation.js';

/**
 * Saves the network's OpenTDF configuration (replacing a previous one), the client secret sealed at
 * rest. With dryRun the service is contacted (GET <domain>/.well-known/opentdf-configuration, 5 s)
 * and nothing is stored, whatever the outcome.
 */
export default defineCommand('RegisterOpentdfConfig', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const cfg = checkTdfInput(input);
  if (input.dryRun === true) {
    await probeTdfService(cfg.domain);
    return cfg;
  }
  const values = {
    client_id: cfg.clientId,
    client_secret_ciphertext: ctx.secrets.seal(cfg.clientSecret),
    domain: cfg.domain,
    provider: cfg.provider,
    modified: ctx.now,
  };
  if (await tdfConfigExists(ctx.tx, network.network_id)) await updateTdfConfig(ctx.tx, network.network_id, values);
  else await insertTdfConfig(ctx.tx, { network_id: network.network_id, ...values });
  return cfg;
}, { outsideTransaction: true });
