// The rules of security groups, without I/O (no database, no clock): every network has exactly one
// default group, created with the network and never deleted; settings are stored as one JSON document
// (the model's SecurityGroupSettings) and enforced over the defaults of a new group. Merging a request
// over stored settings and checking the effective result against the guide and the model's documented
// constraints: the operations pass in what they know about the network. Validation problems are
// reported all at once with a field path; plan restrictions (Premium, free trial) separately, because
// they are a different error (BadRequestError) and only apply to what a request changes.
import type { Selectable } from 'kysely';
import type { CallingSettings, PasswordRequirements, SecurityGroup, SecurityGroupSettings, ShredderSettings } from '@enclave/admin-api';
import type { ErrorReason } from '../../kernel/errors.js';
import type { SecurityGroupSettingsExtension } from '@enclave/admin-api';
import type { SecurityGroupsTable } from '../../infra/schema.js';

export type SecurityGroupRow = Selectable<SecurityGroupsTable>;

/** Every member present, nested structures included: what a group actually enforces. */
export type EffectiveSettings = Required<Omit<SecurityGroupSettings, 'calling' | 'passwordRequirements' | 'shredder'>> & Required<SecurityGroupSettingsExtension> & {
  calling: Required<CallingSettings>;
  passwordRequirements: Required<PasswordRequirements>;
  shredder: Required<ShredderSettings>;
};

export const SETTINGS_FIELD = 'securityGroupSettings';
export const GROUP_NAME_MAX = 64;

export const FEDERATION_OFF = 0;
export const FEDERATION_ALL = 1;
export const FEDERATION_RESTRICTED = 2;

/** "Low bandwidth" and "best quality" transfer (the guide's 檔案下載大小). */
export const AUTO_DOWNLOAD_SIZES = [512000, 7340032] as const;
export const MAX_TTL_SECONDS = 31_536_000;
export const MAX_BOR_SECONDS = 31_536_000;
export const LOCKOUT_THRESHOLD_MAX = 100;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const SHREDDER_INTENSITY_MAX = 100;
export const SSO_MAX_IDLE_MINUTES = 10_080;
/** The non-SSO timeout goes up to 30 days. */
export const NON_SSO_TIMEOUT_MAX_MINUTES = 43_200;
export const QUICK_RESPONSES_MAX = 20;
export const QUICK_RESPONSE_MAX_LENGTH = 160;
/** The two package names the guide allows for the ATAK plugin (civilian and military builds). */
export const ATAK_PACKAGES = ['com.atakmap.app.civ', 'com.atakmap.app.mil'] as const;

const NETWORK_ID_RE = /^[0-9]{8}$/;
const AWS_REGION_RE = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
const NESTED = ['calling', 'passwordRequirements', 'shredder'] as const;

/** What the checks need to know about the network the group belongs to. */
export interface NetworkFacts {
  networkId: string;
  region: string;
  /** PREMIUM plan, or the Premium free trial while it runs (domain/networks isPremium). */
  premium: boolean;
  /** The Premium free trial is running (domain/networks trialActive). */
  trialActive: boolean;
}

export interface SettingsCheck {
  /** ValidationError reasons, field paths under securityGroupSettings. */
  reasons: ErrorReason[];
  /** BadRequestError messages: a plan does not allow what the request changes. */
  planViolations: string[];
}

const copy = (s: EffectiveSettings): EffectiveSettings => structuredClone(s);

/**
 * Merges a (partial) settings request over base settings: given members replace stored ones, the
 * nested calling, passwordRequirements and shredder structures merge member by member, lists are
 * replaced as a whole. Members the base does not know are ignored.
 */
export function mergeSettings(base: EffectiveSettings, patch: SecurityGroupSettings | undefined): EffectiveSettings {
  const out = copy(base);
  if (!patch) return out;
  const target = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === null || !(key in base)) continue;
    if ((NESTED as readonly string[]).includes(key)) {
      const nested = { ...(target[key] as Record<string, unknown>) };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined && v !== null && k in nested) nested[k] = v;
      target[key] = nested;
    } else {
      target[key] = structuredClone(value);
    }
  }
  return out;
}

/** Checks a security group name; returns the name to store (trimmed) and any problems. */
export function checkGroupName(raw: string, mode: 'create' | 'update'): { name: string; reasons: ErrorReason[] } {
  const name = raw.trim();
  const len = [...name].length;
  if (len === 0) return { name, reasons: [{ field: 'name', reason: mode === 'create' ? 'name is required' : 'name must not be empty' }] };
  const reasons: ErrorReason[] = [];
  if (len > GROUP_NAME_MAX) reasons.push({ field: 'name', reason: `name must be between 1 and ${GROUP_NAME_MAX} characters` });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) reasons.push({ field: 'name', reason: 'name must not contain control characters' });
  return { name, reasons };
}

/** Case-insensitive name comparison used for uniqueness within a network. */
export const sameGroupName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

const isIntIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Checks effective settings (after merging) for consistency. `previous` is what the group enforced
 * before the request (the defaults for a new group): plan restrictions apply only to values the request
 * changes, so a network whose plan changed can still edit its groups' other settings.
 */
export function checkSecurityGroupSettings(next: EffectiveSettings, previous: EffectiveSettings, network: NetworkFacts): SettingsCheck {
  const reasons: ErrorReason[] = [];
  const planViolations: string[] = [];
  const bad = (path: string, reason: string) => reasons.push({ field: `${SETTINGS_FIELD}.${path}`, reason });

  // Calling: video calls and screen sharing need audio calls.
  if (next.calling.canVideoCall && !next.calling.canStart11Call) {
    bad('calling.canVideoCall', 'video calls and screen sharing require audio calls (calling.canStart11Call) to be enabled');
  }

  // Wickr open access.
  if (next.forceOpenAccess && !next.enableOpenAccessOption) {
    bad('forceOpenAccess', 'forcing Wickr open access requires enableOpenAccessOption to be true');
  }

  // Local federation (same region).
  const mode = next.federationMode;
  const modeValid = mode === FEDERATION_OFF || mode === FEDERATION_ALL || mode === FEDERATION_RESTRICTED;
  if (!modeValid) bad('federationMode', 'must be 0 (local federation off), 1 (all networks in the region) or 2 (restricted to permittedNetworks)');
  if (next.permittedNetworks.length > 0) {
    if (modeValid && mode !== FEDERATION_RESTRICTED) {
      bad('permittedNetworks', 'permitted networks are only allowed when federationMode is 2 (restricted); send an empty list to clear them');
    }
    const seen = new Set<string>();
    next.permittedNetworks.forEach((id, i) => {
      if (typeof id !== 'string' || !NETWORK_ID_RE.test(id)) bad(`permittedNetworks[${i}]`, 'must be an 8-digit network ID');
      else if (id === network.networkId) bad(`permittedNetworks[${i}]`, 'a network cannot list itself as a permitted network');
      else if (seen.has(id)) bad(`permittedNetworks[${i}]`, `network ${id} is listed more than once`);
      seen.add(id);
    });
  }

  // Global federation (other regions and Wickr Enterprise), restricted global federation.
  if (next.enableRestrictedGlobalFederation && !next.globalFederation) {
    bad('enableRestrictedGlobalFederation', 'restricted global federation requires globalFederation to be true');
  }
  if (next.permittedWickrAwsNetworks.length > 0) {
    if (!next.enableRestrictedGlobalFederation) {
      bad('permittedWickrAwsNetworks', 'permitted AWS Wickr networks are only allowed when enableRestrictedGlobalFederation is true; send an empty list to clear them');
    }
    const seen = new Set<string>();
    next.permittedWickrAwsNetworks.forEach((n, i) => {
      const at = `permittedWickrAwsNetworks[${i}]`;
      const region = typeof n?.region === 'string' ? n.region : '';
      const id = typeof n?.networkId === 'string' ? n.networkId : '';
      if (!AWS_REGION_RE.test(region)) bad(`${at}.region`, 'must be an AWS Region code such as us-east-1');
      if (!NETWORK_ID_RE.test(id)) bad(`${at}.networkId`, 'must be an 8-digit network ID');
      if (region === network.region && id === network.networkId) bad(at, 'a network cannot list itself as a permitted network');
      const key = `${region}/${id}`;
      if (seen.has(key)) bad(at, `network ${id} in ${region} is listed more than once`);
      seen.add(key);
    });
  }
  if (next.permittedWickrEnterpriseNetworks.length > 0) {
    if (!next.enableRestrictedGlobalFederation) {
      bad('permittedWickrEnterpriseNetworks', 'permitted Wickr Enterprise networks are only allowed when enableRestrictedGlobalFederation is true; send an empty list to clear them');
    }
    const seen = new Set<string>();
    next.permittedWickrEnterpriseNetworks.forEach((n, i) => {
      const at = `permittedWickrEnterpriseNetworks[${i}]`;
      const domain = typeof n?.domain === 'string' ? n.domain : '';
      const id = typeof n?.networkId === 'string' ? n.networkId : '';
      if (domain.length === 0 || domain.length > 253 || /\s/.test(domain)) bad(`${at}.domain`, 'must be a domain name (1-253 characters, no spaces)');
      if (!NETWORK_ID_RE.test(id)) bad(`${at}.networkId`, 'must be an 8-digit network ID');
      const key = `${domain.toLowerCase()}/${id}`;
      if (seen.has(key)) bad(at, `network ${id} of ${domain} is listed more than once`);
      seen.add(key);
    });
  }

  // Guest users.
  if (next.enableGuestFederation && !next.globalFederation) {
    bad('enableGuestFederation', 'guest users require globalFederation to be true');
  }
  if (next.enableGuestFederation && !previous.enableGuestFederation && network.trialActive) {
    planViolations.push('Guest users are not available during the Premium free trial.');
  }

  // Files: download control (preview only) and automatic download size.
  const sizeValid = (AUTO_DOWNLOAD_SIZES as readonly number[]).includes(next.maxAutoDownloadSize);
  if (!sizeValid) bad('maxAutoDownloadSize', `must be ${AUTO_DOWNLOAD_SIZES[0]} (low bandwidth) or ${AUTO_DOWNLOAD_SIZES[1]} (best quality)`);
  const sizeChanged = next.maxAutoDownloadSize !== previous.maxAutoDownloadSize;
  if (sizeChanged && sizeValid && !next.enableFileDownload) {
    bad('maxAutoDownloadSize', 'can only be changed while enableFileDownload is true');
  }
  const disablesDownload = !next.enableFileDownload && previous.enableFileDownload;
  if ((disablesDownload || (sizeChanged && sizeValid)) && !network.premium) {
    planViolations.push('File download control (enableFileDownload, maxAutoDownloadSize) requires the Premium plan or the Premium free trial.');
  }

  // Location sharing.
  if (next.locationAllowMaps && !next.locationEnabled) bad('locationAllowMaps', 'maps require location sharing (locationEnabled) to be enabled');

  // Message timers.
  if (!isIntIn(next.maxTtl, 1, MAX_TTL_SECONDS)) bad('maxTtl', `must be between 1 and ${MAX_TTL_SECONDS} seconds`);
  if (!isIntIn(next.maxBor, 0, MAX_BOR_SECONDS)) bad('maxBor', `must be between 0 and ${MAX_BOR_SECONDS} seconds`);

  // Failed sign-in attempts.
  const thresholdValid = isIntIn(next.lockoutThreshold, 1, LOCKOUT_THRESHOLD_MAX);
  if (!thresholdValid) bad('lockoutThreshold', `must be between 1 and ${LOCKOUT_THRESHOLD_MAX}`);
  const fdl = next.forceDeviceLockout;
  if (!isIntIn(fdl, 0, LOCKOUT_THRESHOLD_MAX - 1)) {
    bad('forceDeviceLockout', 'must be 0 (off) or a number of failed attempts lower than lockoutThreshold');
  } else if (thresholdValid && fdl !== 0 && fdl >= next.lockoutThreshold) {
    bad('forceDeviceLockout', `must be 0 (off) or between 1 and ${next.lockoutThreshold - 1} (lower than lockoutThreshold)`);
  }

  // Password complexity.
  const pw = next.passwordRequirements;
  const minLengthValid = isIntIn(pw.minLength, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH);
  if (!minLengthValid) bad('passwordRequirements.minLength', `must be between ${PASSWORD_MIN_LENGTH} and ${PASSWORD_MAX_LENGTH}`);
  let classesValid = true;
  for (const k of ['lowercase', 'uppercase', 'numbers', 'symbols'] as const) {
    const max = minLengthValid ? pw.minLength : PASSWORD_MAX_LENGTH;
    if (!isIntIn(pw[k], 0, max)) {
      classesValid = false;
      bad(`passwordRequirements.${k}`, `must be between 0 and ${max}${minLengthValid ? ' (minLength)' : ''}`);
    }
  }
  if (minLengthValid && classesValid) {
    const sum = pw.lowercase + pw.uppercase + pw.numbers + pw.symbols;
    if (sum > pw.minLength) {
      bad('passwordRequirements', `lowercase + uppercase + numbers + symbols (${sum}) must not exceed minLength (${pw.minLength})`);
    }
  }

  // Secure shredder, SSO idle timeout.
  if (!isIntIn(next.shredder.intensity, 0, SHREDDER_INTENSITY_MAX)) bad('shredder.intensity', `must be between 0 and ${SHREDDER_INTENSITY_MAX}`);
  if (!isIntIn(next.ssoMaxIdleMinutes, 0, SSO_MAX_IDLE_MINUTES)) bad('ssoMaxIdleMinutes', `must be between 0 and ${SSO_MAX_IDLE_MINUTES} minutes`);
  if (!isIntIn(next.nonSsoTimeoutMinutes, 0, NON_SSO_TIMEOUT_MAX_MINUTES)) bad('nonSsoTimeoutMinutes', `must be between 0 (no timeout) and ${NON_SSO_TIMEOUT_MAX_MINUTES} minutes`);

  // Quick responses.
  if (next.quickResponses.length > QUICK_RESPONSES_MAX) bad('quickResponses', `at most ${QUICK_RESPONSES_MAX} quick responses are allowed`);
  next.quickResponses.forEach((q, i) => {
    const len = typeof q === 'string' ? [...q].length : 0;
    if (typeof q !== 'string' || q.trim().length === 0 || len > QUICK_RESPONSE_MAX_LENGTH) {
      bad(`quickResponses[${i}]`, `must be 1 to ${QUICK_RESPONSE_MAX_LENGTH} characters and not blank`);
    }
  });

  // ATAK plugin packages.
  const packages = new Set<string>();
  next.atakPackageValues.forEach((p, i) => {
    if (!(ATAK_PACKAGES as readonly string[]).includes(p)) bad(`atakPackageValues[${i}]`, `must be one of ${ATAK_PACKAGES.join(', ')}`);
    else if (packages.has(p)) bad(`atakPackageValues[${i}]`, `${p} is listed more than once`);
    packages.add(p);
  });

  return { reasons, planViolations };
}

// ---------------------------------------------------------------------------------------------------
// Stored groups

export const DEFAULT_GROUP_NAME = 'default';

/** Settings a new group starts from (the guide's defaults for a fresh network). */
export function defaultSecurityGroupSettings(): EffectiveSettings {
  return {
    alwaysReauthenticate: false,
    atakPackageValues: [],
    calling: { canStart11Call: true, canVideoCall: true, forceTcpCall: false },
    checkForUpdates: true,
    enableAtak: false,
    enableCrashReports: true,
    enableFileDownload: true,
    enableGuestFederation: false,
    enableNotificationPreview: true,
    enableOpenAccessOption: false,
    enableRestrictedGlobalFederation: false,
    filesEnabled: true,
    forceDeviceLockout: 0,
    forceOpenAccess: false,
    forceReadReceipts: false,
    globalFederation: false,
    isAtoEnabled: false,
    isLinkPreviewEnabled: true,
    locationAllowMaps: true,
    locationEnabled: true,
    maxAutoDownloadSize: 7340032,
    maxBor: 86400,
    maxTtl: 31536000,
    messageForwardingEnabled: true,
    passwordRequirements: { lowercase: 1, minLength: 8, numbers: 1, symbols: 0, uppercase: 1 },
    presenceEnabled: true,
    quickResponses: [],
    showMasterRecoveryKey: true,
    shredder: { canProcessManually: true, intensity: 50 },
    ssoMaxIdleMinutes: 0,
    nonSsoTimeoutMinutes: 0,
    federationMode: 0,
    lockoutThreshold: 10,
    permittedNetworks: [],
    permittedWickrAwsNetworks: [],
    permittedWickrEnterpriseNetworks: [],
  };
}

/** The settings a stored group enforces: its document over the defaults (members added later get their default). */
export function storedSettings(row: Pick<SecurityGroupRow, 'settings'>): EffectiveSettings {
  return mergeSettings(defaultSecurityGroupSettings(), JSON.parse(row.settings) as SecurityGroupSettings);
}

export function toSecurityGroup(row: SecurityGroupRow, counts: { active: number; bots: number }): SecurityGroup {
  return {
    id: row.group_id,
    name: row.name,
    isDefault: row.is_default === 1,
    activeMembers: counts.active,
    botMembers: counts.bots,
    modified: Math.floor(row.modified / 1000),
    securityGroupSettings: storedSettings(row),
  };
}
