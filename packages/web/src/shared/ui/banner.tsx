// A banner: error (announced as an alert), success, info or warning, optionally dismissable.
import type { ReactNode } from 'react';
import { useUiText } from '../i18n/ui-text';

export function Banner({ kind, title, children, onDismiss }: { kind: 'error' | 'success' | 'info' | 'warning'; title?: string; children?: ReactNode; onDismiss?: () => void }) {
  const t = useUiText();
  return (
    <div className={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div>
        {title ? <strong>{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="btn btn-link dismiss" onClick={onDismiss} aria-label={t('common.dismiss')}>
          ×
        </button>
      ) : null}
    </div>
  );
}
