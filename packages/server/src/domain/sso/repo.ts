// The SSO repository: the network's one OIDC configuration (`oidc_configs`), whose company ID is
// unique across all networks case-insensitively (a unique index decides between concurrent claims).
import type { Updateable, Insertable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { OidcConfigsTable, SsoLoginsTable, SsoSessionsTable } from '../../infra/schema.js';
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

/** The configuration whose company ID is `bareCompanyId` (case-insensitive). */
export async function findOidcConfigByCompanyId(tx: ReadTx, bareCompanyId: string) {
  return tx.selectFrom('oidc_configs').selectAll().where((eb) => eb(eb.fn('lower', ['company_id']), '=', bareCompanyId.toLowerCase())).executeTakeFirst();
}

export async function findOidcConfigOfNetwork(tx: ReadTx, networkId: string) {
  return tx.selectFrom('oidc_configs').selectAll().where('network_id', '=', networkId).executeTakeFirst();
}

/** Whether the network has an OIDC configuration (signs members in with SSO). */
export async function hasOidcConfig(tx: ReadTx, networkId: string): Promise<boolean> {
  return !!(await tx.selectFrom('oidc_configs').select('network_id').where('network_id', '=', networkId).executeTakeFirst());
}

/** The networks a username is in (only `networkId` when given), each with its company ID when it uses SSO (else null). */
export async function ssoOfUsername(tx: ReadTx, email: string, networkId?: string): Promise<{ network_id: string; company_id: string | null }[]> {
  let q = tx.selectFrom('users as u').leftJoin('oidc_configs as o', 'o.network_id', 'u.network_id').select(['u.network_id', 'o.company_id']).where('u.username', '=', email);
  if (networkId) q = q.where('u.network_id', '=', networkId);
  return q.execute();
}

/** The network's default security group (members provisioned by SSO join it). */
export async function findDefaultGroupId(tx: ReadTx, networkId: string): Promise<string | undefined> {
  return (await tx.selectFrom('security_groups').select('group_id').where('network_id', '=', networkId).where('is_default', '=', 1).executeTakeFirst())?.group_id;
}

// Sign-ins in flight

export async function deleteExpiredSsoLogins(tx: WriteTx, now: number): Promise<void> {
  await tx.deleteFrom('sso_logins').where('expires_at', '<=', now).execute();
}

export async function insertSsoLogin(tx: WriteTx, row: Insertable<SsoLoginsTable>): Promise<void> {
  await tx.insertInto('sso_logins').values(row).execute();
}

export async function findSsoLogin(tx: ReadTx, state: string) {
  return tx.selectFrom('sso_logins').selectAll().where('state', '=', state).executeTakeFirst();
}

/** The sealed secrets of a sign-in in flight (they say which client started it). */
export async function findSsoLoginSecrets(tx: ReadTx, state: string): Promise<string | undefined> {
  return (await tx.selectFrom('sso_logins').select('secrets_ciphertext').where('state', '=', state).executeTakeFirst())?.secrets_ciphertext;
}

/** Spends a sign-in's state (once): false when it was spent already. */
export async function spendSsoLogin(tx: WriteTx, state: string): Promise<boolean> {
  const spent = await tx.deleteFrom('sso_logins').where('state', '=', state).where('ticket_hash', 'is', null).executeTakeFirst();
  return Number(spent.numDeletedRows) === 1;
}

export async function findSsoLoginByTicket(tx: ReadTx, ticketHash: string) {
  return tx.selectFrom('sso_logins').selectAll().where('ticket_hash', '=', ticketHash).executeTakeFirst();
}

export async function deleteSsoLogin(tx: WriteTx, state: string): Promise<void> {
  await tx.deleteFrom('sso_logins').where('state', '=', state).execute();
}

// Sessions

export async function findSsoSession(tx: ReadTx, tokenHash: string) {
  return tx.selectFrom('sso_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function insertSsoSession(tx: WriteTx, row: Insertable<SsoSessionsTable>): Promise<void> {
  await tx.insertInto('sso_sessions').values(row).execute();
}

export async function updateSsoSession(
  tx: WriteTx,
  tokenHash: string,
  patch: Pick<Updateable<SsoSessionsTable>, 'last_activity_at' | 'refresh_ciphertext' | 'refresh_due_at' | 'refresh_failed_since'>,
): Promise<void> {
  await tx.updateTable('sso_sessions').set(patch).where('token_hash', '=', tokenHash).execute();
}

/** SSO sessions due for a refresh or idle since before `idleBefore`, least recently active first. */
export async function listSsoSessionsToSweep(tx: ReadTx, now: number, idleBefore: number, limit: number) {
  return tx
    .selectFrom('sso_sessions as o')
    .innerJoin('member_sessions as s', 's.token_hash', 'o.token_hash')
    .select(['o.token_hash', 'o.network_id', 'o.user_id', 's.device_id'])
    .where((eb) => eb.or([eb('o.refresh_due_at', '<=', now), eb('o.last_activity_at', '<', idleBefore)]))
    .orderBy('o.last_activity_at')
    .limit(limit)
    .execute();
}

/** The member sessions of a network not signed in with SSO (not the retention bot's). */
export async function listPasswordSessions(tx: ReadTx, networkId: string): Promise<{ token_hash: string; user_id: number }[]> {
  return tx
    .selectFrom('member_sessions as s')
    .leftJoin('sso_sessions as o', 'o.token_hash', 's.token_hash')
    .select(['s.token_hash', 's.user_id'])
    .where('s.network_id', '=', networkId)
    .where('s.user_id', '!=', 0) // the data retention bot is not a member who signs in
    .where('o.token_hash', 'is', null)
    .execute();
}
