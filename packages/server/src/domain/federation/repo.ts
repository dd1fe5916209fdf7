// What local federation and the classification boundary read (domain/federation/rules.ts decides):
// networks' boundaries, the federation settings of users' security groups, and who of another
// network takes part in a conversation.
import type { ReadTx } from '../../infra/db.js';

/** The stored classification boundary of each of these networks ('' = the region's). */
export async function networkBoundaries(tx: ReadTx, networkIds: string[]): Promise<{ network_id: string; classification_boundary: string }[]> {
  return tx.selectFrom('networks').select(['network_id', 'classification_boundary']).where('network_id', 'in', networkIds).execute();
}

/** The security group settings (JSON) of these users of one network. */
export async function groupSettingsOfUsers(tx: ReadTx, networkId: string, userIds: number[]): Promise<{ user_id: number; settings: string }[]> {
  return tx
    .selectFrom('users as u')
    .innerJoin('security_groups as g', (j) => j.onRef('g.network_id', '=', 'u.network_id').onRef('g.group_id', '=', 'u.security_group_id'))
    .select(['u.user_id', 'g.settings'])
    .where('u.network_id', '=', networkId)
    .where('u.user_id', 'in', userIds)
    .execute();
}

/** The security groups of a network with their settings (JSON), by ID. */
export async function groupSettingsOfNetwork(tx: ReadTx, networkId: string): Promise<{ group_id: string; settings: string }[]> {
  return tx.selectFrom('security_groups').select(['group_id', 'settings']).where('network_id', '=', networkId).orderBy('group_id').execute();
}

/** Users by ID in any network (user IDs are unique across networks). */
export async function findUsersByIds(tx: ReadTx, userIds: number[]): Promise<{ network_id: string; user_id: number; username: string; status: number }[]> {
  return tx.selectFrom('users').select(['network_id', 'user_id', 'username', 'status']).where('user_id', 'in', userIds).execute();
}

/** Members of a conversation from networks other than `networkId`, with their emails. */
export async function membersFromOtherNetworks(tx: ReadTx, convId: string, networkId: string): Promise<{ network_id: string; user_id: number; username: string }[]> {
  return tx
    .selectFrom('conversation_members as cm')
    .innerJoin('users as u', (j) => j.onRef('u.network_id', '=', 'cm.network_id').onRef('u.user_id', '=', 'cm.user_id'))
    .select(['cm.network_id', 'cm.user_id', 'u.username'])
    .where('cm.conv_id', '=', convId)
    .where('cm.network_id', '!=', networkId)
    .execute();
}
