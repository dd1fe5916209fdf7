// A boolean as Yes / No.
import { useUiText } from '../i18n/ui-text';

/** Yes / No in the current language. */
export function YesNo({ value }: { value: boolean | undefined }) {
  const t = useUiText();
  return <>{value ? t('common.yes') : t('common.no')}</>;
}
