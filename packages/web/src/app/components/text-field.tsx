// The messenger's text field: any <input> attributes pass through (type, autoComplete, required…), or a
// three-row <textarea> (`multiline`). Built on the shared field shell; its error is not announced on its
// own, the form's ErrorAlert is.
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { describedBy, FieldShell } from '../../shared/ui';

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
  const described = describedBy(id, hint, error);
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} quietError>
      {multiline ? (
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={described} rows={3} name={rest.name} />
      ) : (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={described} {...rest} />
      )}
    </FieldShell>
  );
}
