// Loading and empty states.
import type { ReactNode } from 'react';
import { useUiText } from '../i18n/ui-text';

export function Loading({ label }: { label?: string }) {
  const t = useUiText();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
