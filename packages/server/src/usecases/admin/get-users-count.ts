import { requireNetwork } from '../../domain/networks/networks.js';
import { TRIAL_MAX_USERS } from '../../domain/networks/rules.js';
import { countUsersByStatus } from '../../domain/users/repo.js';
import { STATUS_ACTIVE, STATUS_PENDING } from '../../domain/users/rules.js';
import { defineQuery } from './operation.js';

/**
 * Users by status: pending invitations, active users and rejected invitations; total is pending +
 * active, remaining is how many more the network can have and stay eligible for the premium free
 * trial (30 users).
 */
export default defineQuery('GetUsersCount', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const rows = await countUsersByStatus(ctx.tx, networkId);
  let pending = 0;
  let active = 0;
  let rejected = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.rejected === 1) rejected += n;
    else if (r.status === STATUS_PENDING) pending += n;
    else if (r.status === STATUS_ACTIVE) active += n;
  }
  const total = pending + active;
  return { pending, active, rejected, total, remaining: Math.max(0, TRIAL_MAX_USERS - total) };
});
