import type { BatchDeviceErrorResponseItem, BatchDeviceSuccessResponseItem } from '@enclave/admin-api';
import { requireNetwork } from '../../domain/networks/networks.js';
import { userDeviceAppIds } from '../../domain/users/repo.js';
import { batchResult, checkBatchSize, distinct } from '../../domain/users/rules.js';
import { requireUser } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';
import { revokeDevice } from '../member/devices.js';
import { recordDevicesChanged } from '../member/conversations.js';

/**
 * Marks up to 50 of a user's devices as 'Reset': the device is signed out (its sockets close), its
 * keys are revoked (no more one-time prekeys handed out, nothing more delivered to it) and it must
 * sign in again as a new device. Unknown app IDs are reported per item.
 */
export default defineCommand('BatchResetDevicesForUser', async (ctx, input) => {
  checkBatchSize('appIds', input.appIds, 'app ID');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const user = await requireUser(ctx.tx, networkId, input.userId);
  const appIds = distinct(input.appIds);
  const known = await userDeviceAppIds(ctx.tx, networkId, user.user_id, appIds);
  const successful: BatchDeviceSuccessResponseItem[] = [];
  const failed: BatchDeviceErrorResponseItem[] = [];
  for (const appId of appIds) {
    if (known.has(appId)) successful.push({ appId });
    else failed.push({ appId, field: 'appId', reason: 'Invalid app ID.' });
  }
  for (const { appId } of successful) await revokeDevice(ctx.tx, networkId, user.user_id, appId);
  // Senders in the user's conversations learn it and stop encrypting to the reset devices.
  if (successful.length > 0) await recordDevicesChanged(ctx.tx, networkId, user.user_id, ctx.now);
  return batchResult(successful, failed);
});
