import { requireNetwork } from '../../domain/networks/networks.js';
import { deleteUsers } from '../../domain/users/repo.js';
import { batchResult, checkBatchSize } from '../../domain/users/rules.js';
import { partitionBatchUsers } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';
import { removeUsersEverywhere } from '../member/conversations.js';

/**
 * Deletes up to 50 users: their devices and keys, sessions (their sockets close), account, and
 * their membership of every conversation (recorded there). Unknown IDs are reported as 'User not found'.
 */
export default defineCommand('BatchDeleteUser', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const { successful, failed, numbers } = await partitionBatchUsers(ctx.tx, networkId, input.userIds);
  if (numbers.length > 0) {
    await removeUsersEverywhere(ctx.tx, networkId, numbers, ctx.now);
    await deleteUsers(ctx.tx, networkId, numbers);
  }
  return batchResult(successful, failed);
});
