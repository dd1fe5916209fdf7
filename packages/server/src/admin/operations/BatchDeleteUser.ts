import type { BatchUserErrorResponseItem, BatchUserSuccessResponseItem } from '../../model/types.generated.js';
import { requireNetwork } from '../domain/networks.js';
import { batchResult, checkBatchSize, distinct, REASON_NOT_FOUND, userIdNumber, usersByIds } from '../domain/users.js';
import { defineOperation } from '../operation.js';

/** Deletes up to 50 users and their devices; unknown IDs are reported as 'User not found'. */
export default defineOperation('BatchDeleteUser', async (ctx, input) => {
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
    const numbers = successful.map((s) => userIdNumber(s.userId));
    await ctx.db.deleteFrom('devices').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
    await ctx.db.deleteFrom('users').where('network_id', '=', networkId).where('user_id', 'in', numbers).execute();
  }
  return batchResult(successful, failed);
});
