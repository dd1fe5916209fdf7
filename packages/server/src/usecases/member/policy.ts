// The policy a member's clients enforce: the member's security group settings and the network's
// settings, as the wire contract's Policy. Delivered at sign-in, on connect and whenever it changes
// (the hub compares versions after every admin change of the network).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Policy } from '@enclave/protocol';
import { storedSettings } from '../../domain/security-groups/security-groups.js';
import type { Database } from '../../infra/schema.js';
import { fail } from '../../kernel/member-errors.js';
import { RETENTION_BOT_USER_ID, retentionBotDevices } from './retention.js';

type Db = Kysely<Database>;

export async function policyFor(db: Db, networkId: string, userId: number): Promise<Policy> {
  // The retention bot (user 0) has no user row: it gets the network's default security group.
  const row =
    userId === RETENTION_BOT_USER_ID
      ? await db
          .selectFrom('security_groups as g')
          .innerJoin('networks as n', 'n.network_id', 'g.network_id')
          .leftJoin('retention_bots as b', 'b.network_id', 'n.network_id')
          .select(['b.active as retention_active', 'g.group_id', 'g.settings', 'n.network_name', 'n.read_receipt_status', 'n.data_retention', 'n.consent_enabled', 'n.consent_title', 'n.consent_body', 'n.consent_button', 'n.consent_version', 'n.idle_timeout_minutes'])
          .where('g.network_id', '=', networkId)
          .where('g.is_default', '=', 1)
          .executeTakeFirst()
      : await db
          .selectFrom('users as u')
          .innerJoin('security_groups as g', (j) => j.onRef('g.network_id', '=', 'u.network_id').onRef('g.group_id', '=', 'u.security_group_id'))
          .innerJoin('networks as n', 'n.network_id', 'u.network_id')
          .leftJoin('retention_bots as b', 'b.network_id', 'n.network_id')
          .select(['b.active as retention_active', 'g.group_id', 'g.settings', 'n.network_name', 'n.read_receipt_status', 'n.data_retention', 'n.consent_enabled', 'n.consent_title', 'n.consent_body', 'n.consent_button', 'n.consent_version', 'n.idle_timeout_minutes'])
          .where('u.network_id', '=', networkId)
          .where('u.user_id', '=', userId)
          .executeTakeFirst();
  if (!row) throw fail('user_not_found');
  const s = storedSettings(row);
  const readReceipts = (['DISABLED', 'ENABLED', 'FORCE_ENABLED'] as const).find((v) => v === row.read_receipt_status) ?? 'DISABLED';
  const body: Omit<Policy, 'version'> = {
    networkId,
    networkName: row.network_name,
    securityGroupId: row.group_id,
    maxTtl: s.maxTtl,
    maxBor: s.maxBor,
    messageForwardingEnabled: s.messageForwardingEnabled,
    filesEnabled: s.filesEnabled,
    enableFileDownload: s.enableFileDownload,
    maxAutoDownloadSize: s.maxAutoDownloadSize,
    quickResponses: s.quickResponses,
    presenceEnabled: s.presenceEnabled,
    enableNotificationPreview: s.enableNotificationPreview,
    locationEnabled: s.locationEnabled,
    locationAllowMaps: s.locationAllowMaps,
    isLinkPreviewEnabled: s.isLinkPreviewEnabled,
    alwaysReauthenticate: s.alwaysReauthenticate,
    sessionTimeoutMinutes: s.nonSsoTimeoutMinutes,
    ssoMaxIdleMinutes: s.ssoMaxIdleMinutes,
    isAtoEnabled: s.isAtoEnabled,
    showMasterRecoveryKey: s.showMasterRecoveryKey,
    lockoutThreshold: s.lockoutThreshold,
    forceDeviceLockout: s.forceDeviceLockout,
    passwordRequirements: s.passwordRequirements,
    calling: { ...s.calling },
    shredder: { ...s.shredder },
    readReceipts,
    forceReadReceipts: s.forceReadReceipts,
    dataRetention: row.data_retention === 1,
    // Decided from the same row as dataRetention: a policy read while UpdateDataRetention commits
    // never pairs "retention off" with the bot's devices (or the reverse).
    retentionDevices: row.data_retention === 1 && row.retention_active === 1 ? (await retentionBotDevices(db, networkId)).map((d) => d.deviceId) : [],
    consentPopup: row.consent_enabled === 1 ? { title: row.consent_title, body: row.consent_body, buttonLabel: row.consent_button || 'OK', version: row.consent_version } : null,
    idleTimeoutMinutes: row.idle_timeout_minutes,
  };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { ...body, version };
}
