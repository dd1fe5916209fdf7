import { requireNetwork } from '../../domain/networks/networks.js';
import { listUsers } from '../../domain/users/repo.js';
import { toUser } from '../../domain/users/rules.js';
import { defineQuery } from './operation.js';

/**
 * The team directory, paged by keyset. Filters: username/firstName/lastName are case-insensitive
 * prefixes (ranges on the lower-cased columns), status and groupId exact. Every filter and sort maps
 * onto a (network_id, …) index, so a page costs the same at 1M users as at 10; with a prefix (a
 * search) the prefix's index is used and the few matches are sorted.
 */
export default defineQuery('ListUsers', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const page = await listUsers(ctx.tx, networkId, input);
  return { users: page.rows.map((r) => toUser(r, ctx.now)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
