// Enclave's documented extensions of modelled shapes (docs/api-compat.md). AWS clients never send
// these members, so the wire contract for them is unchanged. model.ts applies them to the model once,
// so whoever reads the model's shapes sees them.
import type { ModelShape } from './model-types.js';

// Batch operations take 1 to 50 items (the guide's batch limit), enforced at binding time for all
// of them, before any lookup: a larger batch is refused whole and changes nothing.
export const MAX_BATCH_ITEMS = 50;

export function applyExtensions(shapes: Record<string, ModelShape>): void {
  const updateNetwork = shapes.UpdateNetworkRequest;
  if (updateNetwork?.type === 'structure') {
    // The console's "edit plan" (the guide's 管理網路計劃): change the plan, or enroll in the free trial.
    updateNetwork.members.accessLevel = { target: 'AccessLevel' };
    updateNetwork.members.enablePremiumFreeTrial = { target: 'Boolean' };
    // The network name stays required by the model; a plan-only change sends the current name.
  }

  // The guide's "non-SSO timeout" (安全 → 非 SSO 逾時) has no member in the model: an absolute session
  // length for members who sign in with a password, in minutes (0 = none). Accepted wherever the model's
  // SecurityGroupSettings is (UpdateSecurityGroup) and returned with the group.
  const groupSettings = shapes.SecurityGroupSettings;
  if (groupSettings?.type === 'structure') groupSettings.members.nonSsoTimeoutMinutes = { target: 'Integer' };

  // Network policies of the guide that the model has no members for (網路政策 → 同意快顯視窗, and the
  // release notes' idle session timeout): accepted by UpdateNetworkSettings inside `settings`, listed by
  // GetNetworkSettings as two more settings (`consentPopup`, `sessionIdleTimeoutMinutes`).
  shapes.ConsentPopup = {
    type: 'structure',
    members: {
      enabled: { target: 'Boolean' },
      title: { target: 'String' },
      body: { target: 'String' },
      buttonLabel: { target: 'String' },
    },
  };
  const networkSettings = shapes.NetworkSettings;
  if (networkSettings?.type === 'structure') {
    networkSettings.members.consentPopup = { target: 'ConsentPopup' };
    networkSettings.members.sessionIdleTimeoutMinutes = { target: 'Integer' };
    // The guide's GovCloud cross-boundary classification (GovCloud 跨邊界分類和聯合): which boundary the
    // network is in, GOVCLOUD or COMMERCIAL ('REGION' = the server region's, the default).
    networkSettings.members.classificationBoundary = { target: 'String' };
  }

  // The guide's invite form (邀請使用者) asks for a country code and a phone number; the model's User
  // output has `countryCode` and `cell`, its inputs do not: BatchCreateUser items and UpdateUser's
  // userDetails accept them as well.
  for (const name of ['BatchCreateUserRequestItem', 'UpdateUserDetails']) {
    const shape = shapes[name];
    if (shape?.type === 'structure') {
      shape.members.countryCode = { target: 'String' };
      shape.members.cell = { target: 'String' };
    }
  }

  for (const list of ['BatchCreateUserRequestItems', 'UserIds', 'Unames', 'AppIds']) {
    const s = shapes[list];
    if (s?.type === 'list') s.length = { min: 1, max: MAX_BATCH_ITEMS };
  }
}

/** The consent pop-up as UpdateNetworkSettings takes it (GetNetworkSettings lists it as a JSON value). */
export interface ConsentPopupSetting {
  enabled?: boolean;
  title?: string;
  body?: string;
  buttonLabel?: string;
}

export interface NetworkSettingsExtension {
  consentPopup?: ConsentPopupSetting;
  /** Minutes without activity before the messenger locks (0 = never). */
  sessionIdleTimeoutMinutes?: number;
  classificationBoundary?: string;
}

/** Country code and phone number of a user (BatchCreateUser items, UpdateUser's userDetails). */
export interface UserPhoneExtension {
  /** 1–3 digits; a leading + is dropped by the server. '' clears it (UpdateUser). */
  countryCode?: string;
  /** 4–15 digits; spaces, dashes, dots and parentheses are dropped by the server. '' clears it (UpdateUser). */
  cell?: string;
}

export interface SecurityGroupSettingsExtension {
  nonSsoTimeoutMinutes?: number;
}

export interface UpdateNetworkExtension {
  accessLevel?: 'STANDARD' | 'PREMIUM';
  enablePremiumFreeTrial?: boolean;
}
