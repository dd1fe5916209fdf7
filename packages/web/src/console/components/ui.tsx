// Accessible building blocks of the console: labelled fields with their errors, banners, loading /
// empty / error states, dialogs (native <dialog>: focus stays inside, Escape closes), menus, tabs.
import {
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { ApiError } from '../api/http';
import { useI18n, type Key } from '../i18n';
import { Link } from '../lib/router';

type Variant = 'primary' | 'normal' | 'danger' | 'link';

export function Button({ variant = 'normal', busy, children, disabled, type = 'button', className, ...rest }: { variant?: Variant; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type={type} className={`btn btn-${variant}${className ? ` ${className}` : ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function Page({ title, actions, children, back }: { title: string; actions?: ReactNode; children: ReactNode; back?: { to: string; label: string } }) {
  return (
    <>
      {back ? (
        <p className="back">
          <Link to={back.to}>← {back.label}</Link>
        </p>
      ) : null}
      <div className="page-head">
        <h1 tabIndex={-1}>{title}</h1>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}

export function Section({ title, actions, children, id, description }: { title: string; actions?: ReactNode; children: ReactNode; id?: string; description?: ReactNode }) {
  const hid = useId();
  return (
    <section className="card" aria-labelledby={hid} id={id}>
      <div className="card-head">
        <h2 id={hid}>{title}</h2>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {description ? <p className="muted">{description}</p> : null}
      {children}
    </section>
  );
}

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  required?: boolean;
}

function FieldShell({ label, error, hint, required, id, children }: FieldProps & { id: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="req"> ({t('common.required')})</span> : null}
      </label>
      {children}
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  required,
  type = 'text',
  autoComplete,
  disabled,
  name,
  inputMode,
  placeholder,
  readOnly,
  maxLength,
}: FieldProps & {
  value: string;
  onChange: (v: string) => void;
  type?: string;
  autoComplete?: string;
  disabled?: boolean;
  name?: string;
  inputMode?: 'numeric' | 'email' | 'tel' | 'text';
  placeholder?: string;
  readOnly?: boolean;
  maxLength?: number;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} required={required}>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        aria-required={required || undefined}
        autoComplete={autoComplete ?? 'off'}
        disabled={disabled}
        inputMode={inputMode}
        placeholder={placeholder}
        readOnly={readOnly}
        maxLength={maxLength}
      />
    </FieldShell>
  );
}

export function TextAreaField({ label, value, onChange, error, hint, required, rows = 4, mono, name }: FieldProps & { value: string; onChange: (v: string) => void; rows?: number; mono?: boolean; name?: string }) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} required={required}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        value={value}
        className={mono ? 'mono' : undefined}
        spellCheck={mono ? false : undefined}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        aria-required={required || undefined}
      />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export function SelectField({ label, value, onChange, options, error, hint, required, disabled, name }: FieldProps & { value: string; onChange: (v: string) => void; options: Option[]; disabled?: boolean; name?: string }) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} required={required}>
      <select
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        aria-required={required || undefined}
        disabled={disabled}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ label, checked, onChange, hint, error, disabled, name }: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: ReactNode; error?: string | null; disabled?: boolean; name?: string }) {
  const id = useId();
  return (
    <div className={`field check${error ? ' has-error' : ''}`}>
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function RadioGroup({ legend, value, onChange, options, error, name }: { legend: string; value: string; onChange: (v: string) => void; options: (Option & { hint?: ReactNode })[]; error?: string | null; name?: string }) {
  const base = useId();
  const group = name ?? base;
  return (
    <fieldset className={`field radios${error ? ' has-error' : ''}`} aria-describedby={error ? `${base}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => {
        const id = `${base}-${o.value}`;
        return (
          <div className="radio" key={o.value}>
            <input type="radio" id={id} name={group} value={o.value} checked={value === o.value} disabled={o.disabled} onChange={() => onChange(o.value)} aria-describedby={o.hint ? `${id}-hint` : undefined} />
            <label htmlFor={id}>{o.label}</label>
            {o.hint ? (
              <div className="hint" id={`${id}-hint`}>
                {o.hint}
              </div>
            ) : null}
          </div>
        );
      })}
      {error ? (
        <div className="field-error" id={`${base}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

export function Banner({ kind, title, children, onDismiss }: { kind: 'error' | 'success' | 'info' | 'warning'; title?: string; children?: ReactNode; onDismiss?: () => void }) {
  const { t } = useI18n();
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

/** The message of an error (the API's own text, as the server is the truth). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBanner({ error, title, onDismiss }: { error: unknown; title?: string; onDismiss?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <Banner kind="error" title={title ?? t('common.errorTitle')} onDismiss={onDismiss}>
      <p>
        {e && e.status ? <code className="errtype">{e.type}</code> : null} {errorMessage(error)}
      </p>
      {e && e.reasons.length > 0 ? (
        <ul>
          {e.reasons.map((r, i) => (
            <li key={i}>
              {r.field ? <code>{r.field}</code> : null} {r.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </Banner>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
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

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="load-error">
      <ErrorBanner error={error} title={t('common.loadFailed')} />
      {onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : null}
    </div>
  );
}

/** Shows loading / error / content for a useLoad result. */
export function Loaded<T>({ state, children }: { state: { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void> }; children: (data: T) => ReactNode }) {
  if (state.data === undefined) {
    if (state.error) return <LoadError error={state.error} onRetry={() => void state.reload()} />;
    return <Loading />;
  }
  return (
    <>
      {state.error ? <ErrorBanner error={state.error} /> : null}
      {children(state.data)}
    </>
  );
}

export function Modal({ title, open, onClose, children, footer, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const hid = useId();
  const { t } = useI18n();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const opener = document.activeElement as HTMLElement | null;
      d.showModal();
      return () => {
        if (d.open) d.close();
        opener?.focus?.();
      };
    }
    return undefined;
  }, [open]);
  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={`modal${wide ? ' wide' : ''}`}
      aria-labelledby={hid}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="modal-head">
        <h2 id={hid}>{title}</h2>
        <button type="button" className="btn btn-link dismiss" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <div className="modal-body">{children}</div>
      {footer ? <div className="modal-foot">{footer}</div> : null}
    </dialog>
  );
}

/**
 * Confirms a destructive action: optionally asks to type a word (the guide: 在快顯視窗中輸入確認) or to
 * tick an "I understand" box. A failure stays in the dialog; nothing on the page changes.
 */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  requireText,
  checkboxLabel,
  danger = true,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  requireText?: string;
  checkboxLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [ticked, setTicked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setTyped('');
      setTicked(false);
      setError(null);
      setBusy(false);
    }
  }, [open]);
  const ready = (!requireText || typed.trim() === requireText) && (!checkboxLabel || ticked);
  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={title}
      onClose={busy ? () => undefined : onClose}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button variant={danger ? 'danger' : 'primary'} onClick={() => void submit()} disabled={!ready} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="confirm-body">{body}</div>
        {requireText ? <TextField label={t('common.typeToConfirm', { word: requireText })} value={typed} onChange={setTyped} /> : null}
        {checkboxLabel ? <CheckboxField label={checkboxLabel} checked={ticked} onChange={setTicked} /> : null}
        <ErrorBanner error={error} />
      </form>
    </Modal>
  );
}

export interface MenuItem {
  label: string;
  onSelect: () => void;
  disabled?: boolean;
  danger?: boolean;
}

/** The ⋮ menu of a row (the guide: 垂直省略符號圖示), or a labelled drop-down button. */
export function Menu({ label, items, text }: { label: string; items: MenuItem[]; text?: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const menuId = useId();
  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!list.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? []);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      buttons[(i + 1) % buttons.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
    }
  };
  return (
    <div className="menu">
      <button
        ref={button}
        type="button"
        className={text ? 'btn btn-normal' : 'btn btn-link kebab'}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={text ? undefined : label}
        onClick={() => setOpen((o) => !o)}
      >
        {text ? `${text} ▾` : '⋮'}
      </button>
      {open ? (
        <ul ref={list} role="menu" id={menuId} className="menu-list" aria-label={label} onKeyDown={onKey}>
          {items.map((item) => (
            <li role="none" key={item.label}>
              <button
                type="button"
                role="menuitem"
                className={item.danger ? 'danger' : undefined}
                disabled={item.disabled}
                onClick={() => {
                  setOpen(false);
                  button.current?.focus();
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Tabs<T extends string>({ label, tabs, active, onChange, children }: { label: string; tabs: { id: T; label: string }[]; active: T; onChange: (id: T) => void; children: ReactNode }) {
  const base = useId();
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next >= 0) {
      e.preventDefault();
      onChange(tabs[next]!.id);
      requestAnimationFrame(() => document.getElementById(`${base}-tab-${tabs[next]!.id}`)?.focus());
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey} className="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`${base}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            onClick={() => onChange(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${active}`} className="tabpanel">
        {children}
      </div>
    </div>
  );
}

export function SortHeader({ label, field, sort, onSort }: { label: string; field: string; sort: { field: string; dir: 'ASC' | 'DESC' }; onSort: (field: string, dir: 'ASC' | 'DESC') => void }) {
  const active = sort.field === field;
  const next = active && sort.dir === 'ASC' ? 'DESC' : 'ASC';
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'ASC' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(field, next)}>
        {label}
        <span aria-hidden="true">{active ? (sort.dir === 'ASC' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
      <span className="sr-only"> {label}</span>
    </Button>
  );
}

export function DescriptionList({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="dl">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v === undefined || v === null || v === '' ? '—' : v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Pager({ page, hasPrev, hasNext, onPrev, onNext, pageSize, onPageSize }: { page: number; hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void; pageSize?: number; onPageSize?: (n: number) => void }) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <Button onClick={onPrev} disabled={!hasPrev}>
        {t('common.prev')}
      </Button>
      <span aria-live="polite">{t('common.page', { n: page })}</span>
      <Button onClick={onNext} disabled={!hasNext}>
        {t('common.next')}
      </Button>
      {onPageSize ? (
        <label className="inline">
          {t('common.pageSize')}{' '}
          <select value={String(pageSize)} onChange={(e) => onPageSize(Number(e.target.value))}>
            {[10, 25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </nav>
  );
}

/** Yes / No in the current language. */
export function YesNo({ value }: { value: boolean | undefined }) {
  const { t } = useI18n();
  return <>{value ? t('common.yes') : t('common.no')}</>;
}

/** A translated label for a key computed at run time. */
export function useTr() {
  const { tr } = useI18n();
  return (key: string, params?: Record<string, string | number>) => tr(key as Key, params);
}
