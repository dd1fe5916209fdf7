import { requireNetwork } from '../../domain/networks/networks.js';
import { isPremium, trialActive } from '../../domain/networks/rules.js';
import { lockNetworkGroups } from '../../domain/security-groups/repo.js';
import { checkGroupName, checkSecurityGroupSettings, defaultSecurityGroupSettings, mergeSettings, toSecurityGroup } from '../../domain/security-groups/rules.js';
import { createSecurityGroup, groupNamed } from '../../domain/security-groups/security-groups.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Creates a security group: a name unique in the network (case-insensitively) and the federation and
 * lockout settings of the request over the defaults of a new group. Every problem is reported at once;
 * plan restrictions (guest users during the free trial) are a BadRequestError.
 */
export default defineCommand('CreateSecurityGroup', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  await lockNetworkGroups(ctx.tx, network.network_id);
  const { name, reasons } = checkGroupName(input.name, 'create');
  if (reasons.length === 0 && (await groupNamed(ctx.tx, network.network_id, name))) {
    reasons.push({ field: 'name', reason: `A security group named ${name} already exists` });
  }
  const previous = defaultSecurityGroupSettings();
  const settings = mergeSettings(previous, input.securityGroupSettings);
  const check = checkSecurityGroupSettings(settings, previous, {
    networkId: network.network_id,
    region: ctx.region,
    premium: isPremium(network, ctx.now),
    trialActive: trialActive(network, ctx.now),
  });
  reasons.push(...check.reasons);
  if (reasons.length > 0) throw validation(reasons);
  if (check.planViolations.length > 0) throw badRequest(check.planViolations.join(' '));
  const row = await createSecurityGroup(ctx.tx, network.network_id, name, false, settings, ctx.now);
  return { securityGroup: toSecurityGroup(row, { active: 0, bots: 0 }) };
});
