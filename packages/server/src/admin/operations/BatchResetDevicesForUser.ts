import type { BatchDeviceErrorResponseItem, BatchDeviceSuccessResponseItem } from '../../model/types.generated.js';
import { requireNetwork } from '../domain/networks.js';
import { batchResult, checkBatchSize, DEVICE_RESET, distinct, requireUser } from '../domain/users.js';
import { defineOperation } from '../operation.js';

/**
 * Marks up to 50 of a user's devices as 'Reset': the device is signed out and must sign in again
 * (the messaging layer refuses a reset device's session). Unknown app IDs are reported per item.
 */
export default defineOperation('BatchResetDevicesForUser', async (ctx, input) => {
  checkBatchSize('appIds', input.appIds, 'app ID');
  const { network_id: networkId } = await requireNetwork(ctx, input.networkId);
  const user = await requireUser(ctx, networkId, input.userId);
  const appIds = distinct(input.appIds);
  const rows = await ctx.db
    .selectFrom('devices')
    .select('app_id')
    .where('network_id', '=', networkId)
    .where('user_id', '=', user.user_id)
    .where('app_id', 'in', appIds)
    .execute();
  const known = new Set(rows.map((r) => r.app_id));
  const successful: BatchDeviceSuccessResponseItem[] = [];
  const failed: BatchDeviceErrorResponseItem[] = [];
  for (const appId of appIds) {
    if (known.has(appId)) successful.push({ appId });
    else failed.push({ appId, field: 'appId', reason: 'Invalid app ID.' });
  }
  if (successful.length > 0) {
    await ctx.db
      .updateTable('devices')
      .set({ status: DEVICE_RESET })
      .where('network_id', '=', networkId)
      .where('user_id', '=', user.user_id)
      .where('app_id', 'in', successful.map((s) => s.appId))
      .execute();
  }
  return batchResult(successful, failed);
});
