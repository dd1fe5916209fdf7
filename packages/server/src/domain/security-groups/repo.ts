// The security groups repository: `security_groups` rows of a network (settings as one JSON document),
// the counts of their members, moving members between groups, and the lock that serializes changes to
// a network's groups.
import { sql } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { paginate, type Page, type PageRequest } from '../../infra/pagination.js';
import type { SecurityGroupRow } from './rules.js';

export async function findSecurityGroup(tx: ReadTx, networkId: string, groupId: string): Promise<SecurityGroupRow | undefined> {
  return tx.selectFrom('security_groups').selectAll().where('network_id', '=', networkId).where('group_id', '=', groupId).executeTakeFirst();
}

/** Group IDs among `groupIds` that exist in the network. One query. */
export async function existingGroupIds(tx: ReadTx, networkId: string, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await tx.selectFrom('security_groups').select('group_id').where('network_id', '=', networkId).where('group_id', 'in', groupIds).execute();
  return new Set(rows.map((r) => r.group_id));
}

/** The ID and name of every group of the network. */
export async function groupNames(tx: ReadTx, networkId: string): Promise<Pick<SecurityGroupRow, 'group_id' | 'name'>[]> {
  return tx.selectFrom('security_groups').select(['group_id', 'name']).where('network_id', '=', networkId).execute();
}

/** The network's default group; every network has one (a missing one is an error, not "not found"). */
export async function defaultGroupOf(tx: ReadTx, networkId: string): Promise<SecurityGroupRow> {
  return tx.selectFrom('security_groups').selectAll().where('network_id', '=', networkId).where('is_default', '=', 1).executeTakeFirstOrThrow();
}

/** Active users and bots of the group: two counts, run side by side. */
export async function memberCounts(tx: ReadTx, networkId: string, groupId: string): Promise<{ active: number; bots: number }> {
  const [u, b] = await Promise.all([
    tx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('network_id', '=', networkId)
      .where('security_group_id', '=', groupId)
      .where('status', '=', 2)
      .executeTakeFirstOrThrow(),
    tx
      .selectFrom('bots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('network_id', '=', networkId)
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow(),
  ]);
  return { active: Number(u.n), bots: Number(b.n) };
}

/** A page of the network's groups: sortFields id (default) or name. */
export async function listSecurityGroups(tx: ReadTx, networkId: string, req: PageRequest): Promise<Page<SecurityGroupRow>> {
  return paginate(tx.selectFrom('security_groups').selectAll().where('network_id', '=', networkId), req, {
    columns: { id: { expr: sql.ref('group_id'), key: 'group_id' }, name: { expr: sql.ref('name'), key: 'name' } },
    id: { expr: sql.ref('group_id'), key: 'group_id' },
    defaultSort: 'id',
    filters: {},
  });
}

/**
 * Serializes changes to a network's security groups (name uniqueness is checked by reading): a no-op
 * write to the network row takes its row lock on PostgreSQL and the write lock on SQLite, so two
 * concurrent creates or renames in one network cannot both pass the check.
 */
export async function lockNetworkGroups(tx: WriteTx, networkId: string): Promise<void> {
  await tx.updateTable('networks').set({ network_id: networkId }).where('network_id', '=', networkId).execute();
}

export async function insertSecurityGroup(tx: WriteTx, row: SecurityGroupRow): Promise<void> {
  await tx.insertInto('security_groups').values(row).execute();
}

export async function updateSecurityGroup(tx: WriteTx, networkId: string, groupId: string, patch: Pick<SecurityGroupRow, 'name' | 'settings' | 'modified'>): Promise<void> {
  await tx.updateTable('security_groups').set(patch).where('network_id', '=', networkId).where('group_id', '=', groupId).execute();
}

/** Moves the group's users (their modified time set to `now`) and bots to another group. */
export async function moveGroupMembers(tx: WriteTx, networkId: string, fromGroupId: string, toGroupId: string, now: number): Promise<void> {
  await tx
    .updateTable('users')
    .set({ security_group_id: toGroupId, modified: now })
    .where('network_id', '=', networkId)
    .where('security_group_id', '=', fromGroupId)
    .execute();
  await tx.updateTable('bots').set({ group_id: toGroupId }).where('network_id', '=', networkId).where('group_id', '=', fromGroupId).execute();
}

export async function deleteSecurityGroup(tx: WriteTx, networkId: string, groupId: string): Promise<void> {
  await tx.deleteFrom('security_groups').where('network_id', '=', networkId).where('group_id', '=', groupId).execute();
}
