// Accounts (the owners of networks, standing in for AWS accounts), their root principal and access
// keys. Access-key secrets are sealed with the SecretBox; SigV4 needs the secret itself to verify.
import type { SecretBox } from '../../infra/secret-box.js';
import { newAccessKeyId, newAccountId, newPrincipalId, newSecretAccessKey } from '../../kernel/ids.js';
import type { ReadTx, WriteTx } from '../../infra/db.js';

export type { Principal } from '../../kernel/actor.js';
import type { Principal } from '../../kernel/actor.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  principal: Principal;
}

export interface NewAccount {
  accountId: string;
  principal: Principal;
  accessKeyId: string;
  secretAccessKey: string;
}

export const ACCESS_KEY_ID_RE = /^[A-Z0-9]{16,128}$/;

export async function createAccount(
  db: WriteTx,
  box: SecretBox,
  now: number,
  preset?: { accessKeyId: string; secretAccessKey: string },
): Promise<NewAccount> {
  const accountId = newAccountId();
  const principal: Principal = {
    principalId: newPrincipalId(),
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    kind: 'Root',
    name: 'root',
  };
  const accessKeyId = preset?.accessKeyId ?? newAccessKeyId();
  const secretAccessKey = preset?.secretAccessKey ?? newSecretAccessKey();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values({ account_id: accountId, created_at: now, premium_trial_used: 0 }).execute();
    await trx
      .insertInto('principals')
      .values({ principal_id: principal.principalId, account_id: accountId, kind: principal.kind, name: principal.name, arn: principal.arn, created_at: now })
      .execute();
    await trx
      .insertInto('access_keys')
      .values({
        access_key_id: accessKeyId,
        principal_id: principal.principalId,
        account_id: accountId,
        secret_ciphertext: box.seal(secretAccessKey),
        status: 'Active',
        created_at: now,
        last_used_at: null,
      })
      .execute();
  });
  return { accountId, principal, accessKeyId, secretAccessKey };
}

/** Adds an access key to an existing principal (used when a preset root key is not yet known). */
export async function addAccessKey(db: WriteTx, box: SecretBox, principal: Principal, key: { accessKeyId: string; secretAccessKey: string }, now: number) {
  await db
    .insertInto('access_keys')
    .values({
      access_key_id: key.accessKeyId,
      principal_id: principal.principalId,
      account_id: principal.accountId,
      secret_ciphertext: box.seal(key.secretAccessKey),
      status: 'Active',
      created_at: now,
      last_used_at: null,
    })
    .execute();
}

export async function findRootPrincipal(db: ReadTx): Promise<Principal | undefined> {
  const row = await db.selectFrom('principals').selectAll().where('kind', '=', 'Root').orderBy('created_at').limit(1).executeTakeFirst();
  return row && { principalId: row.principal_id, accountId: row.account_id, arn: row.arn, kind: row.kind, name: row.name };
}

export async function findActiveAccessKey(db: ReadTx, box: SecretBox, accessKeyId: string): Promise<AccessKey | undefined> {
  const row = await db
    .selectFrom('access_keys')
    .innerJoin('principals', 'principals.principal_id', 'access_keys.principal_id')
    .select([
      'access_keys.access_key_id',
      'access_keys.secret_ciphertext',
      'access_keys.status',
      'principals.principal_id',
      'principals.account_id',
      'principals.arn',
      'principals.kind',
      'principals.name',
    ])
    .where('access_keys.access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  if (!row || row.status !== 'Active') return undefined;
  return {
    accessKeyId: row.access_key_id,
    secretAccessKey: box.open(row.secret_ciphertext),
    principal: { principalId: row.principal_id, accountId: row.account_id, arn: row.arn, kind: row.kind, name: row.name },
  };
}

export async function touchAccessKey(db: WriteTx, accessKeyId: string, now: number) {
  await db.updateTable('access_keys').set({ last_used_at: now }).where('access_key_id', '=', accessKeyId).execute();
}

/** True when an access key with this ID exists (any principal, any status). */
export async function accessKeyExists(db: ReadTx, accessKeyId: string): Promise<boolean> {
  return (await db.selectFrom('access_keys').select('access_key_id').where('access_key_id', '=', accessKeyId).executeTakeFirst()) !== undefined;
}
