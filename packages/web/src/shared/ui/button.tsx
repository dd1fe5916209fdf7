// A button: primary, normal, danger or link, with a busy state (spinner, disabled, aria-busy).
import type { ButtonHTMLAttributes } from 'react';

export type Variant = 'primary' | 'normal' | 'danger' | 'link';

export function Button({ variant = 'normal', busy, children, disabled, type = 'button', className, ...rest }: { variant?: Variant; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type={type} className={`btn btn-${variant}${className ? ` ${className}` : ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
