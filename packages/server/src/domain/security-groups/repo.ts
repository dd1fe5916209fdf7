// The security groups repository: `security_groups` rows of a network.
import type { ReadTx } from '../../infra/db.js';

/** Group IDs among `groupIds` that exist in the network. One query. */
export async function existingGroupIds(tx: ReadTx, networkId: string, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await tx.selectFrom('security_groups').select('group_id').where('network_id', '=', networkId).where('group_id', 'in', groupIds).execute();
  return new Set(rows.map((r) => r.group_id));
}
