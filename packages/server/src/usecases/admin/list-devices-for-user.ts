import { sql } from 'kysely';
import { requireNetwork } from '../../domain/networks/networks.js';
import { paginate } from '../../infra/pagination.js';
import { DEVICE_SUSPENDED, requireUser, toDevice } from '../../domain/users/users.js';
import { defineQuery } from './operation.js';

/**
 * The devices a user signed in from. Sort fields: lastlogin, type, suspend, created (and appId, as
 * the model's example uses); default lastlogin DESC. Never-used devices sort as the oldest login.
 */
export default defineQuery('ListDevicesForUser', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const user = await requireUser(ctx, networkId, input.userId);
  const q = ctx.tx
    .selectFrom('devices')
    .selectAll()
    .select([
      sql<number>`coalesce(last_login, 0)`.as('last_login_key'),
      sql<number>`case when status = ${DEVICE_SUSPENDED} then 1 else 0 end`.as('suspend_key'),
    ])
    .where('network_id', '=', networkId)
    .where('user_id', '=', user.user_id);
  const page = await paginate(q, input, {
    columns: {
      lastlogin: { expr: sql`coalesce(last_login, 0)`, key: 'last_login_key' },
      type: { expr: sql.ref('type'), key: 'type' },
      suspend: { expr: sql`case when status = ${DEVICE_SUSPENDED} then 1 else 0 end`, key: 'suspend_key' },
      created: { expr: sql.ref('created_at'), key: 'created_at' },
      appId: { expr: sql.ref('app_id'), key: 'app_id' },
    },
    id: { expr: sql.ref('app_id'), key: 'app_id' },
    defaultSort: 'lastlogin',
    filters: { userId: user.user_id },
  });
  return { devices: page.rows.map((r) => toDevice(r, user)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
