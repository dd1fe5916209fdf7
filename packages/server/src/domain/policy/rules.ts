// A member's policy as the wire contract's Policy, made from its row (domain/policy/repo.ts): the
// security group's effective settings and the network's settings. Its version is a hash of the rest,
// so clients and the delivery hub can tell when it changed.
import { createHash } from 'node:crypto';
import type { Policy } from '@enclave/protocol';
import { storedSettings } from '../security-groups/security-groups.js';
import type { PolicyRow } from './repo.js';

/**
 * Whether the policy lists the retention bot's devices: decided from the same row as dataRetention,
 * so a policy read while UpdateDataRetention commits never pairs "retention off" with the bot's
 * devices (or the reverse).
 */
export const listsRetentionDevices = (row: Pick<PolicyRow, 'data_retention' | 'retention_active'>) => row.data_retention === 1 && row.retention_active === 1;

/** The policy of a row; `retentionDevices`: the bot's device IDs when listsRetentionDevices(row), else []. */
export function policyOf(networkId: string, row: PolicyRow, retentionDevices: string[]): Policy {
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
    retentionDevices,
    consentPopup: row.consent_enabled === 1 ? { title: row.consent_title, body: row.consent_body, buttonLabel: row.consent_button || 'OK', version: row.consent_version } : null,
    idleTimeoutMinutes: row.idle_timeout_minutes,
  };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { ...body, version };
}
