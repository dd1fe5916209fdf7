// Network settings as the model lists them: name, value as a string, and the value's type.
import type { Setting } from '../../model/types.generated.js';
import type { NetworkRow } from './networks.js';

export const SETTING_NAMES = ['enableClientMetrics', 'readReceiptConfig', 'dataRetention', 'enableTrustedDataFormat'] as const;

export function networkSettingsList(row: NetworkRow): Setting[] {
  const bool = (v: number) => (v === 1 ? 'true' : 'false');
  return [
    { optionName: 'enableClientMetrics', value: bool(row.enable_client_metrics), type: 'boolean' },
    { optionName: 'readReceiptConfig', value: JSON.stringify({ status: row.read_receipt_status }), type: 'object' },
    { optionName: 'dataRetention', value: bool(row.data_retention), type: 'boolean' },
    { optionName: 'enableTrustedDataFormat', value: bool(row.enable_trusted_data_format), type: 'boolean' },
  ];
}
