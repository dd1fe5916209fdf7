// Accessible building blocks of the messenger: buttons, labelled fields with hints and errors, alerts
// with the guide's error texts, native <dialog> modals (focus stays inside, Escape closes unless the
// dialog must be answered).
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import type { ErrorInfo } from '../lib/messenger';

type Variant = 'primary' | 'normal' | 'danger' | 'link';

export function Button({ variant = 'normal', busy, children, disabled, type = 'button', className, ...rest }: { variant?: Variant; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type={type} className={`btn btn-${variant}${className ? ` ${className}` : ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  multiline,
  ...rest
}: { label: string; value: string; onChange: (v: string) => void; error?: string | null; hint?: ReactNode; multiline?: boolean } & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={described} rows={3} name={rest.name} />
      ) : (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={described} {...rest} />
      )}
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** The error text a member sees: the guide's text by code (translated), else the server's message. */
export function useErrorText() {
  const { t, tr, has, lang, dateTime } = useI18n();
  return (err: ErrorInfo | null | undefined): string => {
    if (!err) return '';
    // English: the SDK's / server's text (the guide's, sometimes more specific: attempts left);
    // other languages: the translation of the code.
    let text: string;
    if (lang === 'en') text = err.message || tr(`error.${err.code}`);
    else if (has(`error.${err.code}`)) text = tr(`error.${err.code}`);
    else text = err.message;
    if (err.code === 'account_locked' && err.lockedUntil) text += ` ${t('signin.lockedUntil', { time: dateTime(err.lockedUntil) })}`;
    return text;
  };
}

export function ErrorAlert({ error }: { error: ErrorInfo | null | undefined }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{text(error)}</p>
    </div>
  );
}

export function Dialog({ open, title, children, onClose, dismissable = true, className }: { open: boolean; title: string; children: ReactNode; onClose?: () => void; dismissable?: boolean; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const hid = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={hid}
      className={className}
      onCancel={(e) => {
        if (!dismissable) e.preventDefault();
        else onClose?.();
      }}
    >
      {open ? (
        <>
          <h2 id={hid}>{title}</h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
