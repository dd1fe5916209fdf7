import { requireNetwork } from '../../domain/networks/networks.js';
import { batchResult, checkBatchSize, partitionBatchUsers } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';
import { removeUsersEverywhere } from '../member/conversations.js';

/**
 * Deletes up to 50 users: their devices and keys, sessions (their sockets close), account, and
 * their membership of every conversation (recorded there). Unknown IDs are reported as 'User not found'.
 */
export default defineCommand('BatchDeleteUser', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const { successful, failed, numbers } = await partitionBatchUsers(ctx, networkId, input.userIds);
  if (numbers.length > 0) {
    await removeUsersEverywhere(ctx.tx, networkId, numbers, ctx.now);
    await ctx.tx.deleteFrom('device_keys').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    await ctx.tx.deleteFrom('member_accounts').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    await ctx.tx.deleteFrom('member_codes').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    await ctx.tx.deleteFrom('devices').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    await ctx.tx.deleteFrom('users').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
  }
  return batchResult(successful, failed);
});
