// Sign-in (CreateAdminSession): account ID, IAM user name, password; the MFA code when the user has
// a virtual MFA device (the server answers "MFA code required.").
import { useState } from 'react';
import { ApiError } from '../api/http';
import { signIn } from '../api/session';
import { Button, TextField } from '../../shared/ui';
import { ErrorBanner } from '../components/errors';
import { useI18n } from '../i18n';

const ACCOUNT_KEY = 'enclave.console.accountId';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [accountId, setAccountId] = useState(() => {
    try {
      return localStorage.getItem(ACCOUNT_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needMfa, setNeedMfa] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!accountId.trim()) e.accountId = t('v.required');
    if (!userName.trim()) e.userName = t('v.required');
    if (!password) e.password = t('v.required');
    if (needMfa && !/^\d{6}$/.test(totp.trim())) e.totp = t('signin.mfaFormat');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      await signIn({ accountId: accountId.trim(), userName: userName.trim(), password, ...(needMfa ? { totpCode: totp.trim() } : {}) });
      try {
        localStorage.setItem(ACCOUNT_KEY, accountId.trim());
      } catch {
        // no storage
      }
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.message === 'MFA code required.') {
        setNeedMfa(true);
        setError(null);
      } else {
        setError(err);
      }
      setBusy(false);
    }
  };

  return (
    <div className="signin card">
      <h1 tabIndex={-1}>{t('signin.title')}</h1>
      <p className="muted">{t('signin.intro')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('signin.accountId')} value={accountId} onChange={setAccountId} required error={errors.accountId} inputMode="numeric" autoComplete="organization" name="accountId" />
        <TextField label={t('signin.userName')} value={userName} onChange={setUserName} required error={errors.userName} autoComplete="username" name="userName" />
        <TextField label={t('signin.password')} type="password" value={password} onChange={setPassword} required error={errors.password} autoComplete="current-password" name="password" />
        {needMfa ? (
          <TextField label={t('signin.mfaCode')} value={totp} onChange={setTotp} required error={errors.totp} hint={t('signin.mfaHint')} inputMode="numeric" autoComplete="one-time-code" name="totpCode" />
        ) : null}
        <ErrorBanner error={error} title={t('signin.failed')} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('signin.submit')}
        </Button>
      </form>
    </div>
  );
}
