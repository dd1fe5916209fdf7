import { newNetworkId } from '../../kernel/ids.js';
import { insertNetwork, markPremiumTrialUsed, networkIdTaken, premiumTrialUsed } from '../../domain/networks/repo.js';
import { addMonthsUtc, checkKmsKeyArn, checkNetworkName, TRIAL_MONTHS } from '../../domain/networks/rules.js';
import { DEFAULT_GROUP_NAME, defaultSecurityGroupSettings } from '../../domain/security-groups/rules.js';
import { createSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/** Creates a network with its default security group; the premium free trial once per account. */
export default defineCommand('CreateNetwork', async (ctx, input) => {
  checkNetworkName(input.networkName);
  if (input.encryptionKeyArn !== undefined) checkKmsKeyArn(input.encryptionKeyArn);
  const trial = input.enablePremiumFreeTrial === true;
  if (trial) {
    if (input.accessLevel !== 'PREMIUM') throw validation('enablePremiumFreeTrial', 'The premium free trial is only available with accessLevel PREMIUM');
    if (await premiumTrialUsed(ctx.tx, ctx.actor.accountId)) {
      throw badRequest('This account has already used its premium free trial: only one network per account can ever enroll in it.');
    }
    await markPremiumTrialUsed(ctx.tx, ctx.actor.accountId);
  }
  let networkId = newNetworkId();
  while (await networkIdTaken(ctx.tx, networkId)) networkId = newNetworkId();
  await insertNetwork(ctx.tx, {
    network_id: networkId,
    account_id: ctx.actor.accountId,
    network_name: input.networkName,
    access_level: input.accessLevel,
    premium_free_trial: trial ? 1 : 0,
    free_trial_expiration: trial ? addMonthsUtc(ctx.now, TRIAL_MONTHS) : null,
    standing: 1,
    migration_state: 0,
    encryption_key_arn: input.encryptionKeyArn ?? null,
    enable_client_metrics: 0,
    read_receipt_status: 'DISABLED',
    data_retention: 0,
    enable_trusted_data_format: 0,
    created_at: ctx.now,
  });
  await createSecurityGroup(ctx.tx, networkId, DEFAULT_GROUP_NAME, true, defaultSecurityGroupSettings(), ctx.now);
  return { networkId, networkName: input.networkName, ...(input.encryptionKeyArn ? { encryptionKeyArn: input.encryptionKeyArn } : {}) };
});
