import { requireNetwork } from '../../domain/networks/networks.js';
import { listSecurityGroups, memberCounts } from '../../domain/security-groups/repo.js';
import { toSecurityGroup } from '../../domain/security-groups/rules.js';
import { defineQuery } from './operation.js';

/** The network's security groups with their member counts, paged by keyset; sortFields id (default) or name. */
export default defineQuery('ListSecurityGroups', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const page = await listSecurityGroups(ctx.tx, input.networkId, input);
  const securityGroups = [];
  for (const row of page.rows) securityGroups.push(toSecurityGroup(row, await memberCounts(ctx.tx, input.networkId, row.group_id)));
  return { securityGroups, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
