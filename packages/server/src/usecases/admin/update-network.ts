import type { UpdateNetworkExtension } from '@enclave/admin-api';
import { requireNetwork } from '../../domain/networks/networks.js';
import { countUsers, markPremiumTrialUsed, premiumTrialUsed, updateNetwork } from '../../domain/networks/repo.js';
import { addMonthsUtc, checkKmsKeyArn, checkNetworkName, TRIAL_MAX_USERS, TRIAL_MONTHS, trialActive } from '../../domain/networks/rules.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';
import type { Updateable } from 'kysely';
import type { NetworksTable } from '../../infra/schema.js';

/**
 * Renames a network and (Enclave extension, the console's plan editor) changes its plan:
 * STANDARD ↔ PREMIUM, or enrolls in the premium free trial when the account never used it and the
 * network has at most 30 users. During the trial the plan may be upgraded or downgraded.
 */
export default defineCommand('UpdateNetwork', async (ctx, rawInput) => {
  const input = rawInput as typeof rawInput & UpdateNetworkExtension;
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  checkNetworkName(input.networkName);
  if (input.encryptionKeyArn !== undefined) checkKmsKeyArn(input.encryptionKeyArn);
  const patch: Updateable<NetworksTable> = { network_name: input.networkName };
  if (input.encryptionKeyArn !== undefined) patch.encryption_key_arn = input.encryptionKeyArn;

  if (input.enablePremiumFreeTrial === true) {
    if (input.accessLevel !== undefined && input.accessLevel !== 'PREMIUM') {
      throw validation('enablePremiumFreeTrial', 'The premium free trial is only available with accessLevel PREMIUM');
    }
    if (!trialActive(network, ctx.now)) {
      if (await premiumTrialUsed(ctx.tx, ctx.actor.accountId)) {
        throw badRequest('This account has already used its premium free trial: only one network per account can ever enroll in it.');
      }
      const users = await countUsers(ctx.tx, network.network_id);
      if (users > TRIAL_MAX_USERS) {
        throw badRequest(`A network with more than ${TRIAL_MAX_USERS} users cannot be upgraded to the premium free trial (it has ${users}).`);
      }
      await markPremiumTrialUsed(ctx.tx, ctx.actor.accountId);
      Object.assign(patch, { access_level: 'PREMIUM', premium_free_trial: 1, free_trial_expiration: addMonthsUtc(ctx.now, TRIAL_MONTHS) });
    }
  } else if (input.accessLevel !== undefined) {
    if (input.accessLevel === 'STANDARD' && network.data_retention === 1) {
      throw badRequest('Disable data retention before changing the network to the Standard plan: data retention requires Premium.');
    }
    // Choosing a paid plan ends a running trial.
    Object.assign(patch, { access_level: input.accessLevel, premium_free_trial: 0, free_trial_expiration: null });
  }
  await updateNetwork(ctx.tx, network.network_id, patch);
  return { message: 'Network updated successfully' };
});
