// First start: with no account yet, create one with its root principal and an access key, print the
// key once and write it to <data-dir>/bootstrap-credentials.json (mode 0600). A preset key from
// ENCLAVE_ROOT_ACCESS_KEY_ID / ENCLAVE_ROOT_SECRET_ACCESS_KEY is used instead of a generated one, and
// is added to the root principal on later starts if it is not known yet.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../infra/secret-box.js';
import type { Database } from '../infra/schema.js';
import { accessKeyExists, addAccessKey, createAccount, findRootPrincipal } from '../domain/accounts/repo.js';
import { autocommit, readTx } from '../infra/db.js';

export interface BootstrapResult {
  created: boolean;
  accountId: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  credentialsFile?: string;
}

export async function bootstrap(
  db: Kysely<Database>,
  box: SecretBox,
  dataDir: string,
  preset: { accessKeyId: string; secretAccessKey: string } | undefined,
  now: number,
): Promise<BootstrapResult> {
  const root = await findRootPrincipal(readTx(db));
  if (root) {
    if (preset) {
      if (!(await accessKeyExists(readTx(db), preset.accessKeyId))) await addAccessKey(autocommit(db), box, root, preset, now);
    }
    return { created: false, accountId: root.accountId };
  }
  const account = await createAccount(autocommit(db), box, now, preset);
  const result: BootstrapResult = { created: true, accountId: account.accountId, accessKeyId: account.accessKeyId };
  if (!preset) {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'bootstrap-credentials.json');
    writeFileSync(
      file,
      JSON.stringify({ accountId: account.accountId, principalArn: account.principal.arn, accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey }, null, 2) + '\n',
      { mode: 0o600 },
    );
    result.secretAccessKey = account.secretAccessKey;
    result.credentialsFile = file;
  }
  return result;
}
