// A member's presence as a coloured dot with its name for screen readers.
import { useI18n } from '../i18n';
import type { Presence } from '../lib/messenger';

export function PresenceDot({ state }: { state: Presence | undefined }) {
  const { t } = useI18n();
  const s = state ?? 'offline';
  return (
    <span className={`presence presence-${s}`} role="img" aria-label={t(`presence.${s}`)} title={t(`presence.${s}`)} />
  );
}
