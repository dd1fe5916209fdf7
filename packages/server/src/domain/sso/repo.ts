// The SSO repository: the network's one OIDC configuration (`oidc_configs`), whose company ID is
// unique across all networks case-insensitively (a unique index decides between concurrent claims).
import type { Updateable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { OidcConfigsTable } from '../../infra/schema.js';
import type { OidcConfigRow } from './rules.js';

export async function findOidcConfig(tx: ReadTx, networkId: string): Promise<OidcConfigRow | undefined> {
  return tx.selectFrom('oidc_configs').selectAll().where('network_id', '=', networkId).executeTakeFirst();
}

/** Whether another network's configuration uses this company ID (compared case-insensitively). */
export async function companyIdTakenElsewhere(tx: ReadTx, companyId: string, networkId: string): Promise<boolean> {
  const taken = await tx
    .selectFrom('oidc_configs')
    .select('network_id')
    .where((eb) => eb(eb.fn('lower', ['company_id']), '=', companyId.toLowerCase()))
    .where('network_id', '!=', networkId)
    .executeTakeFirst();
  return taken !== undefined;
}

export async function insertOidcConfig(tx: WriteTx, row: OidcConfigRow): Promise<void> {
  await tx.insertInto('oidc_configs').values(row).execute();
}

export async function updateOidcConfig(tx: WriteTx, networkId: string, patch: Updateable<OidcConfigsTable>): Promise<void> {
  await tx.updateTable('oidc_configs').set(patch).where('network_id', '=', networkId).execute();
}
