import { requireNetwork } from '../../domain/networks/networks.js';
import { clearSignInLocks, setUsersSuspended } from '../../domain/users/repo.js';
import { batchResult, checkBatchSize } from '../../domain/users/rules.js';
import { partitionBatchUsers } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';

/**
 * Suspends (suspend=true) or unsuspends up to 50 users. A suspended user cannot sign in and every
 * device of theirs shows as suspended; the messaging layer closes their sockets at once. Unsuspending
 * also lifts a lock from failed sign-in attempts: that is how an administrator unlocks an account.
 */
export default defineCommand('BatchToggleUserSuspendStatus', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const { successful, failed, numbers } = await partitionBatchUsers(ctx.tx, networkId, input.userIds);
  if (numbers.length > 0) {
    await setUsersSuspended(ctx.tx, networkId, numbers, input.suspend, ctx.now);
    if (!input.suspend) await clearSignInLocks(ctx.tx, networkId, numbers);
  }
  return batchResult(successful, failed);
});
