// Network settings as the model lists them: name, value as a string, and the value's type.
import type { Setting } from '../../model/types.generated.js';
import { effectiveBoundary } from '../federation/federation.js';
import type { NetworkRow } from './networks.js';

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
