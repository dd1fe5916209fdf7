import { sql } from 'kysely';
import { paginate } from '../../domain/pagination.js';
import { toNetwork } from '../../domain/networks/networks.js';
import { defineQuery } from './operation.js';

export default defineQuery('ListNetworks', async (ctx, input) => {
  const page = await paginate(ctx.tx.selectFrom('networks').selectAll().where('account_id', '=', ctx.actor.accountId), input, {
    columns: {
      networkId: { expr: sql.ref('network_id'), key: 'network_id' },
      networkName: { expr: sql.ref('network_name'), key: 'network_name' },
    },
    id: { expr: sql.ref('network_id'), key: 'network_id' },
    defaultSort: 'networkId',
    filters: {},
  });
  return { networks: page.rows.map((r) => toNetwork(r, ctx.region)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
