import { requireNetwork } from '../../domain/networks/networks.js';
import { listUserDevices } from '../../domain/users/repo.js';
import { toDevice } from '../../domain/users/rules.js';
import { requireUser } from '../../domain/users/users.js';
import { defineQuery } from './operation.js';

/**
 * The devices a user signed in from. Sort fields: lastlogin, type, suspend, created (and appId, as
 * the model's example uses); default lastlogin DESC. Never-used devices sort as the oldest login.
 */
export default defineQuery('ListDevicesForUser', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const user = await requireUser(ctx.tx, networkId, input.userId);
  const page = await listUserDevices(ctx.tx, networkId, user.user_id, input);
  return { devices: page.rows.map((r) => toDevice(r, user)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
