import { requireNetwork } from '../../domain/networks/networks.js';
import { memberCounts, requireSecurityGroup, toSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { defineQuery } from './operation.js';

export default defineQuery('GetSecurityGroup', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await requireSecurityGroup(ctx, input.networkId, input.groupId);
  return { securityGroup: toSecurityGroup(row, await memberCounts(ctx, input.networkId, row.group_id)) };
});
