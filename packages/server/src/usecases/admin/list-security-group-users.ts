import { requireNetwork } from '../../domain/networks/networks.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { listGroupUsers } from '../../domain/users/repo.js';
import { toUser } from '../../domain/users/rules.js';
import { defineQuery } from './operation.js';

/** Users of one security group (pending and active), paged by keyset on (network_id, security_group_id, username). */
export default defineQuery('ListSecurityGroupUsers', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const group = await requireSecurityGroup(ctx.tx, networkId, input.groupId);
  const page = await listGroupUsers(ctx.tx, networkId, group.group_id, input);
  return { users: page.rows.map((r) => toUser(r, ctx.now)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
