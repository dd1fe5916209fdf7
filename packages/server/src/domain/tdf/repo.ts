// The OpenTDF repository: the network's one OpenTDF configuration (`tdf_configs`), its client secret
// sealed by the caller.
import type { Updateable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { TdfConfigsTable } from '../../infra/schema.js';
import type { TdfConfigRow } from './rules.js';

export async function findTdfConfig(tx: ReadTx, networkId: string): Promise<TdfConfigRow | undefined> {
  return tx.selectFrom('tdf_configs').selectAll().where('network_id', '=', networkId).executeTakeFirst();
}

export async function tdfConfigExists(tx: ReadTx, networkId: string): Promise<boolean> {
  return (await tx.selectFrom('tdf_configs').select('network_id').where('network_id', '=', networkId).executeTakeFirst()) !== undefined;
}

export async function insertTdfConfig(tx: WriteTx, row: TdfConfigRow): Promise<void> {
  await tx.insertInto('tdf_configs').values(row).execute();
}

export async function updateTdfConfig(tx: WriteTx, networkId: string, patch: Updateable<TdfConfigsTable>): Promise<void> {
  await tx.updateTable('tdf_configs').set(patch).where('network_id', '=', networkId).execute();
}
