// The networks repository: `networks` rows (always looked up within the caller's account), their tags
// (`network_tags`), the counts of a network's users that plan limits need, the network row lock, the
// removal of everything a network owns, and the account's one premium free trial
// (`accounts.premium_trial_used`, read and set only by the plan rules of networks).
import { sql, type Insertable, type Updateable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { paginate, type Page, type PageRequest } from '../../infra/pagination.js';
import type { NetworksTable } from '../../infra/schema.js';
import type { NetworkRow } from './rules.js';

/** The network when it belongs to the account; another account's network is not found. */
export async function findNetwork(tx: ReadTx, accountId: string, networkId: string): Promise<NetworkRow | undefined> {
  return tx.selectFrom('networks').selectAll().where('network_id', '=', networkId).where('account_id', '=', accountId).executeTakeFirst();
}

/** Whether any network (of any account) has this ID. */
export async function networkIdTaken(tx: ReadTx, networkId: string): Promise<boolean> {
  return (await tx.selectFrom('networks').select('network_id').where('network_id', '=', networkId).executeTakeFirst()) !== undefined;
}

export async function insertNetwork(tx: WriteTx, row: Insertable<NetworksTable>): Promise<void> {
  await tx.insertInto('networks').values(row).execute();
}

export async function updateNetwork(tx: WriteTx, networkId: string, patch: Updateable<NetworksTable>): Promise<void> {
  await tx.updateTable('networks').set(patch).where('network_id', '=', networkId).execute();
}

/** Deletes the network and everything the server holds for it, table by table, the network row last. */
export async function deleteNetworkAndContents(tx: WriteTx, networkId: string): Promise<void> {
  for (const table of ['network_tags', 'devices', 'users', 'bots', 'guest_users', 'guest_blocks', 'oidc_configs', 'tdf_configs', 'retention_bots', 'security_groups'] as const) {
    await tx.deleteFrom(table).where('network_id', '=', networkId).execute();
  }
  await tx.deleteFrom('networks').where('network_id', '=', networkId).execute();
}

/** A page of the account's networks: sortFields networkId (default) or networkName. */
export async function listNetworks(tx: ReadTx, accountId: string, req: PageRequest): Promise<Page<NetworkRow>> {
  return paginate(tx.selectFrom('networks').selectAll().where('account_id', '=', accountId), req, {
    columns: {
      networkId: { expr: sql.ref('network_id'), key: 'network_id' },
      networkName: { expr: sql.ref('network_name'), key: 'network_name' },
    },
    id: { expr: sql.ref('network_id'), key: 'network_id' },
    defaultSort: 'networkId',
    filters: {},
  });
}

/**
 * Takes the network row's write lock (a no-op UPDATE, valid on both dialects), so concurrent
 * transactions on PostgreSQL that count the network's users do it one after the other.
 */
export async function lockNetwork(tx: WriteTx, networkId: string): Promise<void> {
  await tx.updateTable('networks').set((eb) => ({ standing: eb.ref('standing') })).where('network_id', '=', networkId).execute();
}

/** Users of the network, pending and active (rejected invitations included). */
export async function countUsers(tx: ReadTx, networkId: string): Promise<number> {
  const r = await tx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('network_id', '=', networkId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Members that count toward the premium free trial's 30 users: pending and active, not rejected invitations. */
export async function countMembers(tx: ReadTx, networkId: string): Promise<number> {
  const r = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('network_id', '=', networkId)
    .where('rejected', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Whether the account already enrolled a network in the premium free trial (once per account, ever). */
export async function premiumTrialUsed(tx: ReadTx, accountId: string): Promise<boolean> {
  const account = await tx.selectFrom('accounts').select('premium_trial_used').where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return account.premium_trial_used === 1;
}

export async function markPremiumTrialUsed(tx: WriteTx, accountId: string): Promise<void> {
  await tx.updateTable('accounts').set({ premium_trial_used: 1 }).where('account_id', '=', accountId).execute();
}

/** The network's tags, by key. */
export async function tagsOf(tx: ReadTx, networkId: string): Promise<Record<string, string>> {
  const rows = await tx.selectFrom('network_tags').select(['tag_key', 'tag_value']).where('network_id', '=', networkId).orderBy('tag_key').execute();
  return Object.fromEntries(rows.map((r) => [r.tag_key, r.tag_value]));
}

export async function insertTag(tx: WriteTx, networkId: string, key: string, value: string): Promise<void> {
  await tx.insertInto('network_tags').values({ network_id: networkId, tag_key: key, tag_value: value }).execute();
}

export async function updateTagValue(tx: WriteTx, networkId: string, key: string, value: string): Promise<void> {
  await tx.updateTable('network_tags').set({ tag_value: value }).where('network_id', '=', networkId).where('tag_key', '=', key).execute();
}

export async function deleteTags(tx: WriteTx, networkId: string, keys: readonly string[]): Promise<void> {
  await tx.deleteFrom('network_tags').where('network_id', '=', networkId).where('tag_key', 'in', keys).execute();
}
