import { requireNetwork } from '../../domain/networks/networks.js';
import { requirePremium } from '../../domain/networks/rules.js';
import { findRetentionBot, insertRetentionBot } from '../../domain/retention/repo.js';
import { MESSAGES, RETENTION_FEATURE, retentionBotName } from '../../domain/retention/rules.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Provisions the network's data retention bot `compliance_<networkId>_bot` (Premium or the running
 * free trial only). The bot starts unregistered and inactive, without an initial password: the admin
 * asks for one with CreateDataRetentionBotChallenge. A network has at most one retention bot.
 */
export default defineCommand('CreateDataRetentionBot', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  requirePremium(network, ctx.now, RETENTION_FEATURE);
  if (await findRetentionBot(ctx.tx, network.network_id)) throw badRequest(MESSAGES.alreadyProvisioned);
  await insertRetentionBot(ctx.tx, {
    network_id: network.network_id,
    bot_name: retentionBotName(network.network_id),
    challenge_hash: null,
    registered: 0,
    active: 0,
    pubkey_acked: 0,
    created_at: ctx.now,
  });
  return { message: MESSAGES.provisioned };
});
