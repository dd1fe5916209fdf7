import type { BatchUserErrorResponseItem, BatchUserSuccessResponseItem } from '../../model/types.generated.js';
import { requireNetwork } from '../domain/networks.js';
import { batchResult, checkBatchSize, distinct, REASON_NOT_FOUND, userIdNumber, usersByIds } from '../domain/users.js';
import { defineOperation } from '../operation.js';

/**
 * Suspends (suspend=true) or unsuspends up to 50 users. A suspended user cannot sign in and every
 * device of theirs shows as suspended; the messaging layer signs them out.
 */
export default defineOperation('BatchToggleUserSuspendStatus', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const { network_id: networkId } = await requireNetwork(ctx, input.networkId);
  const ids = distinct(input.userIds);
  const found = await usersByIds(ctx, networkId, ids);
  const successful: BatchUserSuccessResponseItem[] = [];
  const failed: BatchUserErrorResponseItem[] = [];
  for (const id of ids) {
    if (found.has(id)) successful.push({ userId: id });
    else failed.push({ userId: id, field: 'username', reason: REASON_NOT_FOUND });
  }
  if (successful.length > 0) {
    await ctx.db
      .updateTable('users')
      .set({ suspended: input.suspend ? 1 : 0, modified: ctx.now })
      .where('network_id', '=', networkId)
      .where('user_id', 'in', successful.map((s) => userIdNumber(s.userId)))
      .execute();
  }
  return batchResult(successful, failed);
});
