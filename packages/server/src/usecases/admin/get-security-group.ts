import { requireNetwork } from '../../domain/networks/networks.js';
import { memberCounts } from '../../domain/security-groups/repo.js';
import { toSecurityGroup } from '../../domain/security-groups/rules.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { defineQuery } from './operation.js';

/** One security group with its settings and member counts. */
export default defineQuery('GetSecurityGroup', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await requireSecurityGroup(ctx.tx, input.networkId, input.groupId);
  return { securityGroup: toSecurityGroup(row, await memberCounts(ctx.tx, input.networkId, row.group_id)) };
});
