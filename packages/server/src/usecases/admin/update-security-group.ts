import { requireNetwork } from '../../domain/networks/networks.js';
import { isPremium, trialActive } from '../../domain/networks/rules.js';
import { lockNetworkGroups, memberCounts, updateSecurityGroup } from '../../domain/security-groups/repo.js';
import { checkGroupName, checkSecurityGroupSettings, mergeSettings, storedSettings, toSecurityGroup } from '../../domain/security-groups/rules.js';
import { groupNamed, requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { badRequest, validation, type ErrorReason } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Renames a security group and/or changes its settings. Settings are a partial update: the members
 * given replace the stored ones (calling, passwordRequirements and shredder member by member) and the
 * merged result is checked as a whole. Nothing is written unless every check passes.
 */
export default defineCommand('UpdateSecurityGroup', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  await lockNetworkGroups(ctx.tx, network.network_id);
  const row = await requireSecurityGroup(ctx.tx, network.network_id, input.groupId);
  if (input.name === undefined && input.securityGroupSettings === undefined) {
    throw validation('securityGroupSettings', 'Provide name, securityGroupSettings or both');
  }
  const reasons: ErrorReason[] = [];
  let name = row.name;
  if (input.name !== undefined) {
    const checked = checkGroupName(input.name, 'update');
    reasons.push(...checked.reasons);
    name = checked.name;
    if (checked.reasons.length === 0 && (await groupNamed(ctx.tx, network.network_id, name, row.group_id))) {
      reasons.push({ field: 'name', reason: `A security group named ${name} already exists` });
    }
  }
  const previous = storedSettings(row);
  let settings = previous;
  let planViolations: string[] = [];
  if (input.securityGroupSettings !== undefined) {
    settings = mergeSettings(previous, input.securityGroupSettings);
    const check = checkSecurityGroupSettings(settings, previous, {
      networkId: network.network_id,
      region: ctx.region,
      premium: isPremium(network, ctx.now),
      trialActive: trialActive(network, ctx.now),
    });
    reasons.push(...check.reasons);
    planViolations = check.planViolations;
  }
  if (reasons.length > 0) throw validation(reasons);
  if (planViolations.length > 0) throw badRequest(planViolations.join(' '));

  const patch = { name, settings: JSON.stringify(settings), modified: ctx.now };
  await updateSecurityGroup(ctx.tx, network.network_id, row.group_id, patch);
  return { securityGroup: toSecurityGroup({ ...row, ...patch }, await memberCounts(ctx.tx, network.network_id, row.group_id)) };
});
