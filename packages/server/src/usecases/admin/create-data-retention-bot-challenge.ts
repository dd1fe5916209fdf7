import { hashPassword } from '../../infra/passwords.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { setRetentionBotChallenge } from '../../domain/retention/repo.js';
import { requireRetentionBot } from '../../domain/retention/retention.js';
import { newRetentionChallenge } from '../../domain/retention/rules.js';
import { defineCommand } from './operation.js';

/**
 * Generates a new initial password for the data retention bot and returns it once; only its scrypt
 * hash is stored, so a lost password can only be replaced by calling this again (which invalidates
 * the previous one).
 */
export default defineCommand('CreateDataRetentionBotChallenge', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  await requireRetentionBot(ctx.tx, network.network_id);
  const challenge = newRetentionChallenge();
  const challengeHash = await hashPassword(challenge);
  await setRetentionBotChallenge(ctx.tx, network.network_id, challengeHash);
  return { challenge };
});
