import { requireNetwork } from '../../domain/networks/networks.js';
import { paginate, prefixRange } from '../../infra/pagination.js';
import { toUser, userPageSpec } from '../../domain/users/users.js';
import { defineQuery } from './operation.js';

/**
 * The team directory, paged by keyset. Filters: username/firstName/lastName are case-insensitive
 * prefixes (ranges on the lower-cased columns), status and groupId exact. Every filter and sort maps
 * onto a (network_id, …) index, so a page costs the same at 1M users as at 10; with a prefix (a
 * search) the prefix's index is used and the few matches are sorted.
 */
export default defineQuery('ListUsers', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  let q = ctx.tx.selectFrom('users').selectAll().where('network_id', '=', networkId);
  const filters: Record<string, unknown> = {};
  let prefixColumn: string | undefined;
  const prefixes = [
    ['username', 'username', input.username],
    ['firstName', 'first_name_lc', input.firstName],
    ['lastName', 'last_name_lc', input.lastName],
  ] as const;
  for (const [name, column, value] of prefixes) {
    if (value === undefined || value === '') continue;
    const [lo, hi] = prefixRange(value);
    q = q.where(column, '>=', lo).where(column, '<', hi);
    filters[name] = lo;
    prefixColumn ??= column;
  }
  if (input.status !== undefined) {
    q = q.where('status', '=', input.status);
    filters.status = input.status;
  }
  if (input.groupId !== undefined && input.groupId !== '') {
    q = q.where('security_group_id', '=', input.groupId);
    filters.groupId = input.groupId;
  }
  const page = await paginate(q, input, userPageSpec(input, ['username', 'firstName', 'lastName', 'status', 'groupId'], filters, prefixColumn));
  return { users: page.rows.map((r) => toUser(r, ctx.now)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
});
