// "Enabled since …" or "Not enabled".
import type { MfaDevice } from '../../api/iam';
import { useI18n } from '../../i18n';

/** "Enabled since …" or "Not enabled". */
export function MfaStatus({ device }: { device: MfaDevice | undefined }) {
  const { t, dateTime } = useI18n();
  return <span className={device ? 'mfa-on' : 'mfa-off'}>{device ? t('iam.mfaOn', { date: dateTime(device.EnableDate) }) : t('iam.mfaOff')}</span>;
}
