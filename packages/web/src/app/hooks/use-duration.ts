// A duration in words in the current language (5 minutes, 1 day).
import { useI18n } from '../i18n';

export function useDuration() {
  const { t } = useI18n();
  return (seconds: number): string => {
    if (seconds % 86_400 === 0) return t('dur.days', { n: seconds / 86_400 });
    if (seconds % 3600 === 0) return t('dur.hours', { n: seconds / 3600 });
    if (seconds % 60 === 0) return t('dur.minutes', { n: seconds / 60 });
    return t('dur.seconds', { n: seconds });
  };
}
