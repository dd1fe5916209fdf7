// The rules of networks, without I/O. Networks as the guide describes them: 8-digit IDs, names of
// 1–20 characters, STANDARD or PREMIUM plans with the one-per-account, three-month, 30-user premium
// free trial; the network-level settings as the model lists them (name, value as a string, the value's
// type); network tags (the guide's 網路標籤): case-sensitive keys that cannot be renamed (editing
// changes the value), at most 50 per network, addressed by the network ARN as AWS tagging does.
import type { Selectable } from 'kysely';
import { isPremium as isPremiumPlan, NETWORK_NAME_MAX, trialRunning, type Network, type NetworkPlan, type Setting } from '@enclave/admin-api';
import type { NetworksTable } from '../../infra/schema.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { effectiveBoundary } from '../federation/rules.js';

export type NetworkRow = Selectable<NetworksTable>;

// The plan rules are the admin API contract's (@enclave/admin-api), shared with the console.
export { NETWORK_NAME_MAX, TRIAL_MAX_USERS, TRIAL_MONTHS } from '@enclave/admin-api';

/** A network row as the contract's plan rules read it (a trial without an end date counts as ended). */
const planOf = (row: NetworkRow): NetworkPlan => ({
  accessLevel: row.access_level,
  freeTrialExpiration: row.premium_free_trial === 1 ? (row.free_trial_expiration ?? 0) : null,
});

export function networkArn(region: string, accountId: string, networkId: string): string {
  return `arn:aws:wickr:${region}:${accountId}:network/${networkId}`;
}

export function checkNetworkName(name: string): void {
  const len = [...name.trim()].length;
  if (len < 1 || len > NETWORK_NAME_MAX || name.trim() !== name) {
    throw validation('networkName', 'Network name must be between 1 and 20 characters');
  }
}

/** The network is on the Premium free trial and it has not ended. */
export function trialActive(row: NetworkRow, now: number): boolean {
  return trialRunning(planOf(row), now);
}

/** Premium features (data retention, file-download control) need PREMIUM or a running free trial. */
export function isPremium(row: NetworkRow, now: number): boolean {
  return isPremiumPlan(planOf(row), now);
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

const KMS_KEY_ARN_RE = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/[A-Za-z0-9/_+=.@-]+$/;
export function checkKmsKeyArn(arn: string): void {
  if (!KMS_KEY_ARN_RE.test(arn)) throw validation('encryptionKeyArn', 'must be the ARN of an AWS KMS key (arn:aws:kms:<region>:<account>:key/<id>)');
}

// ---------------------------------------------------------------------------------------------------
// Network settings

export const SETTING_NAMES = ['enableClientMetrics', 'readReceiptConfig', 'dataRetention', 'enableTrustedDataFormat', 'consentPopup', 'sessionIdleTimeoutMinutes', 'classificationBoundary'] as const;

/** Values UpdateNetworkSettings accepts for classificationBoundary; REGION = the server region's (GOVCLOUD in us-gov-*). */
export const BOUNDARY_VALUES = ['GOVCLOUD', 'COMMERCIAL', 'REGION'] as const;

/** Limits of the consent pop-up fields and the idle timeout (documented extensions). */
export const CONSENT_TITLE_MAX = 100;
export const CONSENT_BODY_MAX = 4000;
export const CONSENT_BUTTON_MAX = 30;
export const IDLE_TIMEOUT_MAX_MINUTES = 1440;

/** The network's settings; `region` is the server's (the classification boundary's default). */
export function networkSettingsList(row: NetworkRow, region: string): Setting[] {
  const bool = (v: number) => (v === 1 ? 'true' : 'false');
  return [
    { optionName: 'enableClientMetrics', value: bool(row.enable_client_metrics), type: 'boolean' },
    { optionName: 'readReceiptConfig', value: JSON.stringify({ status: row.read_receipt_status }), type: 'object' },
    { optionName: 'dataRetention', value: bool(row.data_retention), type: 'boolean' },
    { optionName: 'enableTrustedDataFormat', value: bool(row.enable_trusted_data_format), type: 'boolean' },
    {
      optionName: 'consentPopup',
      value: JSON.stringify({ enabled: row.consent_enabled === 1, title: row.consent_title, body: row.consent_body, buttonLabel: row.consent_button }),
      type: 'object',
    },
    { optionName: 'sessionIdleTimeoutMinutes', value: String(row.idle_timeout_minutes), type: 'number' },
    { optionName: 'classificationBoundary', value: effectiveBoundary(row.classification_boundary, region), type: 'string' },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Tags

export const MAX_TAGS = 50;
const ARN_RE = /^arn:aws:wickr:([a-z0-9-]+):([0-9]{12}):network\/([0-9]{8})$/;

/** The parts of a Wickr network ARN; ValidationError on resourceArn when it is not one. */
export function parseNetworkArn(arn: string): { region: string; accountId: string; networkId: string } {
  const m = ARN_RE.exec(arn);
  if (!m) throw validation('resourceArn', 'must be a Wickr network ARN: arn:aws:wickr:<region>:<accountId>:network/<networkId>');
  const [, region, accountId, networkId] = m as unknown as [string, string, string, string];
  return { region, accountId, networkId };
}

export function checkTagKeys(keys: string[]): void {
  for (const k of keys) {
    if (k.toLowerCase().startsWith('aws:')) throw validation(`tags.${k}`, "Tag keys starting with 'aws:' are reserved");
  }
}
