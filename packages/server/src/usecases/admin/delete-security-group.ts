import { requireNetwork } from '../../domain/networks/networks.js';
import { defaultGroupOf, lockNetworkGroups, requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Deletes a security group other than the default one. Its users and bots are moved to the network's
 * default security group, as the guide says, in the same transaction as the deletion.
 */
export default defineCommand('DeleteSecurityGroup', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const networkId = network.network_id;
  await lockNetworkGroups(ctx, networkId);
  const group = await requireSecurityGroup(ctx, networkId, input.groupId);
  if (group.is_default === 1) throw badRequest('The default security group cannot be deleted.');
  const fallback = await defaultGroupOf(ctx, networkId);
  await ctx.tx
    .updateTable('users')
    .set({ security_group_id: fallback.group_id, modified: ctx.now })
    .where('network_id', '=', networkId)
    .where('security_group_id', '=', group.group_id)
    .execute();
  await ctx.tx.updateTable('bots').set({ group_id: fallback.group_id }).where('network_id', '=', networkId).where('group_id', '=', group.group_id).execute();
  await ctx.tx.deleteFrom('security_groups').where('network_id', '=', networkId).where('group_id', '=', group.group_id).execute();
  return { message: 'success', networkId, groupId: group.group_id };
});
