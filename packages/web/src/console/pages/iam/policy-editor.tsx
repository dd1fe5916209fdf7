// The JSON policy editor: local JSON checks as you type, ValidatePolicy on demand.
import { useState } from 'react';
import { iam, type ValidatePolicyResult } from '../../api/iam';
import { Banner, Button, TextAreaField } from '../../../shared/ui';
import { ErrorBanner } from '../../components/errors';
import { useTr } from '../../hooks/use-tr';
import { useI18n } from '../../i18n';
import { policyJsonProblem } from '../../lib/forms';

export const EXAMPLE_POLICY = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Sid: 'WickrReadOnly', Effect: 'Allow', Action: ['wickr:ListNetworks', 'wickr:GetNetwork', 'wickr:ListUsers'], Resource: '*' }] },
  null,
  2,
);

/** The JSON policy editor: local JSON checks as you type, ValidatePolicy on demand. */
export function PolicyEditor({ value, onChange, serverError }: { value: string; onChange: (v: string) => void; serverError?: string | null }) {
  const { t } = useI18n();
  const tr = useTr();
  const [result, setResult] = useState<ValidatePolicyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const local = policyJsonProblem(value);
  const validate = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await iam<ValidatePolicyResult>('ValidatePolicy', { PolicyDocument: value }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="policy-editor">
      <TextAreaField label={t('iam.policyDocument')} value={value} onChange={(v) => (onChange(v), setResult(null))} mono rows={14} error={(local ? tr(local.key, local.params) : null) ?? serverError} hint={t('iam.policyHint', { n: value.length })} name="policyDocument" />
      <div className="actions">
        <Button onClick={() => void validate()} busy={busy} disabled={!!local}>
          {t('iam.validate')}
        </Button>
        <Button
          onClick={() => {
            try {
              onChange(JSON.stringify(JSON.parse(value), null, 2));
            } catch {
              // invalid JSON stays as typed; the error is shown
            }
          }}
          disabled={!!local}
        >
          {t('iam.format')}
        </Button>
      </div>
      {result ? (
        <Banner kind={result.Valid ? (result.Warnings.length ? 'warning' : 'success') : 'error'} title={result.Valid ? t('iam.valid') : t('iam.invalid')}>
          <ul>
            {result.Errors.map((e, i) => (
              <li key={`e${i}`}>
                {e.Statement !== undefined ? `Statement[${e.Statement}]: ` : ''}
                {e.Message}
              </li>
            ))}
            {result.Warnings.map((w, i) => (
              <li key={`w${i}`}>{w.Message}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}
