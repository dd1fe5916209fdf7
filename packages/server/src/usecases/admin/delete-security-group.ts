import { requireNetwork } from '../../domain/networks/networks.js';
import { defaultGroupOf, deleteSecurityGroup, lockNetworkGroups, moveGroupMembers } from '../../domain/security-groups/repo.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Deletes a security group other than the default one. Its users and bots are moved to the network's
 * default security group, as the guide says, in the same transaction as the deletion.
 */
export default defineCommand('DeleteSecurityGroup', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const networkId = network.network_id;
  await lockNetworkGroups(ctx.tx, networkId);
  const group = await requireSecurityGroup(ctx.tx, networkId, input.groupId);
  if (group.is_default === 1) throw badRequest('The default security group cannot be deleted.');
  const fallback = await defaultGroupOf(ctx.tx, networkId);
  await moveGroupMembers(ctx.tx, networkId, group.group_id, fallback.group_id, ctx.now);
  await deleteSecurityGroup(ctx.tx, networkId, group.group_id);
  return { message: 'success', networkId, groupId: group.group_id };
});
