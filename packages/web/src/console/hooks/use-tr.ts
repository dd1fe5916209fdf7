// Translates keys computed at run time (validation problems) in the console.
import { useI18n, type Key } from '../i18n';

/** A translated label for a key computed at run time. */
export function useTr() {
  const { tr } = useI18n();
  return (key: string, params?: Record<string, string | number>) => tr(key as Key, params);
}
