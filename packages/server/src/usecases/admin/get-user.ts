import type { GetUserResponse } from '@enclave/admin-api';
import { requireNetwork } from '../../domain/networks/networks.js';
import { requireUser } from '../../domain/users/users.js';
import { validation } from '../../kernel/errors.js';
import { defineQuery } from './operation.js';

/**
 * One user's details. Times are epoch seconds. startTime/endTime restrict the activity shown:
 * a last activity outside [startTime, endTime] is left out.
 */
export default defineQuery('GetUser', async (ctx, input) => {
  if (input.startTime !== undefined && input.endTime !== undefined && input.startTime > input.endTime) {
    throw validation('startTime', 'must not be after endTime');
  }
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await requireUser(ctx.tx, networkId, input.userId);
  const out: GetUserResponse = {
    userId: String(row.user_id),
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    isAdmin: row.is_admin === 1,
    suspended: row.suspended === 1,
    status: row.status,
    securityGroupIds: [row.security_group_id],
  };
  if (row.last_activity !== null) {
    const at = Math.floor(row.last_activity / 1000);
    const inWindow = (input.startTime === undefined || at >= input.startTime) && (input.endTime === undefined || at <= input.endTime);
    if (inWindow) out.lastActivity = at;
  }
  if (row.last_login !== null) out.lastLogin = Math.floor(row.last_login / 1000);
  return out;
});
