// The guests repository: the guest users a network's members talked to (`guest_users`, one row per
// guest per billing period, written by the messaging layer), their monthly counts, and the network's
// blocked guests (`guest_blocks`).
import { sql } from 'kysely';
import type { ListBlockedGuestUsersRequest, ListGuestUsersRequest } from '@enclave/admin-api';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { paginate, type Page, type PageRequest } from '../../infra/pagination.js';
import { likePrefix } from '../bots/rules.js';
import type { GuestBlockRow, GuestUserRow } from './rules.js';

/** The guest's username as last recorded for the network (latest billing period), if it was ever seen. */
export async function lastSeenGuestUsername(tx: ReadTx, networkId: string, usernameHash: string): Promise<string | undefined> {
  const seen = await tx
    .selectFrom('guest_users')
    .select('username')
    .where('network_id', '=', networkId)
    .where('username_hash', '=', usernameHash)
    .orderBy('billing_period', 'desc')
    .executeTakeFirst();
  return seen?.username;
}

export async function findGuestBlock(tx: ReadTx, networkId: string, usernameHash: string): Promise<GuestBlockRow | undefined> {
  return tx.selectFrom('guest_blocks').selectAll().where('network_id', '=', networkId).where('username_hash', '=', usernameHash).executeTakeFirst();
}

export async function insertGuestBlock(tx: WriteTx, row: GuestBlockRow): Promise<void> {
  await tx.insertInto('guest_blocks').values(row).execute();
}

export async function deleteGuestBlock(tx: WriteTx, networkId: string, usernameHash: string): Promise<void> {
  await tx.deleteFrom('guest_blocks').where('network_id', '=', networkId).where('username_hash', '=', usernameHash).execute();
}

/** Distinct guests per billing period from `from` to `to` ('YYYY-MM', both included), most recent first; months without guests are absent. */
export async function guestCountsByPeriod(tx: ReadTx, networkId: string, from: string, to: string): Promise<{ billing_period: string; n: number }[]> {
  return tx
    .selectFrom('guest_users')
    .select(['billing_period', sql<number>`count(distinct username_hash)`.as('n')])
    .where('network_id', '=', networkId)
    .where('billing_period', '>=', from)
    .where('billing_period', '<=', to)
    .groupBy('billing_period')
    .orderBy('billing_period', 'desc')
    .execute();
}

/**
 * A page of the guests, one entry per guest per billing period. username filters by case-insensitive
 * prefix, billingPeriod is an exact 'YYYY-MM'. Default sort: billing period, then username.
 */
export async function listGuestUsers(
  tx: ReadTx,
  networkId: string,
  input: Pick<ListGuestUsersRequest, 'username' | 'billingPeriod'> & PageRequest,
): Promise<Page<Pick<GuestUserRow, 'username' | 'username_hash' | 'billing_period'> & { row_key: string }>> {
  const rowKey = sql<string>`username_hash || '/' || billing_period`;
  let q = tx.selectFrom('guest_users').select(['username', 'username_hash', 'billing_period', rowKey.as('row_key')]).where('network_id', '=', networkId);
  if (input.username !== undefined) q = q.where(sql<boolean>`lower(username) like ${likePrefix(input.username)} escape '\\'`);
  if (input.billingPeriod !== undefined) q = q.where('billing_period', '=', input.billingPeriod);
  return paginate(q, input, {
    columns: {
      username: { expr: sql.ref('username'), key: 'username' },
      billingPeriod: { expr: sql.ref('billing_period'), key: 'billing_period' },
    },
    id: { expr: rowKey, key: 'row_key' },
    defaultSort: 'billingPeriod+username',
    filters: { username: input.username, billingPeriod: input.billingPeriod },
  });
}

/**
 * A page of the blocked guests. username filters by case-insensitive prefix; admin is the exact ARN of
 * the principal that blocked the guest. Default sort: modified (most recently blocked first).
 */
export async function listBlockedGuestUsers(tx: ReadTx, networkId: string, input: Pick<ListBlockedGuestUsersRequest, 'username' | 'admin'> & PageRequest): Promise<Page<GuestBlockRow>> {
  let q = tx.selectFrom('guest_blocks').selectAll().where('network_id', '=', networkId);
  if (input.username !== undefined) q = q.where(sql<boolean>`lower(username) like ${likePrefix(input.username)} escape '\\'`);
  if (input.admin !== undefined) q = q.where('admin', '=', input.admin);
  return paginate(q, input, {
    columns: {
      username: { expr: sql.ref('username'), key: 'username' },
      admin: { expr: sql.ref('admin'), key: 'admin' },
      modified: { expr: sql.ref('modified'), key: 'modified' },
    },
    id: { expr: sql.ref('username_hash'), key: 'username_hash' },
    defaultSort: 'modified',
    filters: { username: input.username, admin: input.admin },
  });
}
