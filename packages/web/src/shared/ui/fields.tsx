// Labelled form fields with their hints and errors wired for assistive technology (aria-describedby,
// aria-invalid; an error is announced), and the field shell the messenger's text field is built on.
import { useId, type ReactNode } from 'react';
import { useUiText } from '../i18n/ui-text';

export interface FieldProps {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  required?: boolean;
}

/**
 * A field's label (with "(required)"), control, hint and error; the control refers to the hint and
 * error by `${id}-hint` / `${id}-error` (describedBy). The error is announced (role="alert") unless
 * `quietError` (the messenger shows its errors in an alert of the form instead).
 */
export function FieldShell({ label, error, hint, required, id, quietError, children }: FieldProps & { id: string; quietError?: boolean; children: ReactNode }) {
  const t = useUiText();
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
        <div className="field-error" id={`${id}-error`} role={quietError ? undefined : 'alert'}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
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
