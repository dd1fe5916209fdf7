import { requireNetwork } from '../../domain/networks/networks.js';
import { paginate } from '../../infra/pagination.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { toUser, userPageSpec } from '../../domain/users/users.js';
import { defineQuery } from './operation.js';

/** Users of one security group (pending and active), paged by keyset on (network_id, security_group_id, username). */
export default defineQuery('ListSecurityGroupUsers', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const group = await requireSecurityGroup(ctx, networkId, input.groupId);
  const q = ctx.tx.selectFrom('users').selectAll().where('network_id', '=', networkId).where('security_group_id', '=', group.group_id);
  const page = await paginate(q, input, userPageSpec(input, ['username', 'firstName', 'lastName'], { groupId: group.group_id }));
  return { users: page.rows.map((r) => toUser(r, ctx.now)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
