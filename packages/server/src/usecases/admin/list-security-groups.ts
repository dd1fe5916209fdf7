import { sql } from 'kysely';
import { requireNetwork } from '../../domain/networks/networks.js';
import { paginate } from '../../infra/pagination.js';
import { memberCounts, toSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { defineQuery } from './operation.js';

export default defineQuery('ListSecurityGroups', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const page = await paginate(ctx.tx.selectFrom('security_groups').selectAll().where('network_id', '=', input.networkId), input, {
    columns: { id: { expr: sql.ref('group_id'), key: 'group_id' }, name: { expr: sql.ref('name'), key: 'name' } },
    id: { expr: sql.ref('group_id'), key: 'group_id' },
    defaultSort: 'id',
    filters: {},
  });
  const securityGroups = [];
  for (const row of page.rows) securityGroups.push(toSecurityGroup(row, await memberCounts(ctx, input.networkId, row.group_id)));
  return { securityGroups, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
