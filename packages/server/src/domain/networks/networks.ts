// Networks as the guide describes them: 8-digit IDs, names of 1–20 characters, STANDARD or PREMIUM
// plans with the one-per-account, three-month, 30-user premium free trial. Every lookup is scoped to
// the caller's account: another account's network is "not found", never visible.
import type { Kysely, Selectable } from 'kysely';
import type { Network } from '../../model/types.generated.js';
import type { Database, NetworksTable } from '../../infra/schema.js';
import { badRequest, notFound, validation } from '../../kernel/errors.js';
import type { CommandContext } from '../../usecases/context.js';

export type NetworkRow = Selectable<NetworksTable>;

export const TRIAL_MAX_USERS = 30;
export const TRIAL_MONTHS = 3;
export const NETWORK_NAME_MAX = 20;

export function networkArn(region: string, accountId: string, networkId: string): string {
  return `arn:aws:wickr:${region}:${accountId}:network/${networkId}`;
}

export function checkNetworkName(name: string): void {
  const len = [...name.trim()].length;
  if (len < 1 || len > NETWORK_NAME_MAX || name.trim() !== name) {
    throw validation('networkName', 'Network name must be between 1 and 20 characters');
  }
}

export async function requireNetwork(ctx: Pick<CommandContext, 'tx' | 'actor'>, networkId: string): Promise<NetworkRow> {
  const row = await ctx.tx
    .selectFrom('networks')
    .selectAll()
    .where('network_id', '=', networkId)
    .where('account_id', '=', ctx.actor.accountId)
    .executeTakeFirst();
  if (!row) throw notFound('Network not found');
  return row;
}

export function trialActive(row: NetworkRow, now: number): boolean {
  return row.premium_free_trial === 1 && row.free_trial_expiration !== null && now < row.free_trial_expiration;
}

/** Premium features (data retention, file-download control) need PREMIUM or a running free trial. */
export function isPremium(row: NetworkRow, now: number): boolean {
  if (row.access_level !== 'PREMIUM') return false;
  return row.premium_free_trial === 0 || trialActive(row, now);
}

export function requirePremium(row: NetworkRow, now: number, feature: string): void {
  if (!isPremium(row, now)) {
    throw badRequest(`${feature} requires the Premium plan or the Premium free trial.`);
  }
}

export function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export function toNetwork(row: NetworkRow, region: string): Network {
  const out: Network = {
    networkId: row.network_id,
    networkName: row.network_name,
    accessLevel: row.access_level as Network['accessLevel'],
    awsAccountId: row.account_id,
    networkArn: networkArn(region, row.account_id, row.network_id),
    standing: row.standing,
    migrationState: row.migration_state,
  };
  if (row.premium_free_trial === 1 && row.free_trial_expiration !== null) out.freeTrialExpiration = new Date(row.free_trial_expiration).toISOString();
  if (row.encryption_key_arn) out.encryptionKeyArn = row.encryption_key_arn;
  return out;
}

/** Members that count toward plan limits: users (pending and active) of the network. */
export async function countUsers(db: Kysely<Database>, networkId: string): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('network_id', '=', networkId).executeTakeFirstOrThrow();
  return Number(r.n);
}

const KMS_KEY_ARN_RE = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/[A-Za-z0-9/_+=.@-]+$/;
export function checkKmsKeyArn(arn: string): void {
  if (!KMS_KEY_ARN_RE.test(arn)) throw validation('encryptionKeyArn', 'must be the ARN of an AWS KMS key (arn:aws:kms:<region>:<account>:key/<id>)');
}
