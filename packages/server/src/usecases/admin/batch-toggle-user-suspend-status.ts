import { requireNetwork } from '../../domain/networks/networks.js';
import { batchResult, checkBatchSize, partitionBatchUsers } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';

/**
 * Suspends (suspend=true) or unsuspends up to 50 users. A suspended user cannot sign in and every
 * device of theirs shows as suspended; the messaging layer closes their sockets at once. Unsuspending
 * also lifts a lock from failed sign-in attempts: that is how an administrator unlocks an account.
 */
export default defineCommand('BatchToggleUserSuspendStatus', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const { successful, failed, numbers } = await partitionBatchUsers(ctx, networkId, input.userIds);
  if (numbers.length > 0) {
    await ctx.tx
      .updateTable('users')
      .set({ suspended: input.suspend ? 1 : 0, modified: ctx.now })
      .where('network_id', '=', networkId)
      .where('user_id', 'in', numbers)
      .execute();
    if (!input.suspend) {
      await ctx.tx.updateTable('member_accounts').set({ failed_attempts: 0, locked_until: null }).where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    }
  }
  return batchResult(successful, failed);
});
