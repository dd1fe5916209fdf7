// Sign in with SSO: the company ID (with or without its region prefix), then the identity provider;
// back from it, the device passphrase that protects this browser's keys and messages — chosen on the
// first SSO sign-in on this browser, entered on the next ones. Errors in the guide's words.
import { useEffect, useState } from 'react';
import type { EnclaveClient } from '@enclave/client';
import { Button } from '../../shared/ui';
import { ErrorAlert } from '../components/error-alert';
import { TextField } from '../components/text-field';
import { useI18n } from '../i18n';
import { Link } from '../lib/router';
import { beginSso, finishSso, hasDeviceStore, lastCompanyId, MIN_PASSPHRASE, ssoError, type SsoReturn } from '../lib/sso';

type Err = { code: string; message: string } | null;

export function SsoStart({ notice }: { notice?: Err }) {
  const { t } = useI18n();
  const [companyId, setCompanyId] = useState(lastCompanyId);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<Err>(notice ?? null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!companyId.trim()) return setFieldError(t('v.required'));
    setFieldError(null);
    setError(null);
    setBusy(true);
    try {
      await beginSso(companyId);
    } catch (err) {
      setError(ssoError(err));
      setBusy(false);
    }
  };
  return (
    <main className="auth card" id="main">
      <h1>{t('sso.title')}</h1>
      <p className="muted">{t('sso.intro')}</p>
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('sso.companyId')} value={companyId} onChange={setCompanyId} error={fieldError} hint={t('sso.companyIdHint')} autoComplete="organization" name="companyId" />
        <ErrorAlert error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('sso.continue')}
        </Button>
      </form>
      <p className="small">
        <Link to="/">{t('sso.toPassword')}</Link>
      </p>
    </main>
  );
}

/** Back from the provider: a ticket (then the device passphrase) or the reason it failed. */
export function SsoFinish({ result, onSignedIn }: { result: SsoReturn; onSignedIn: (c: EnclaveClient) => void }) {
  const { t } = useI18n();
  const [known, setKnown] = useState<boolean | null>(null);
  const [fresh, setFresh] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Err>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (result.kind !== 'ticket') return;
    let live = true;
    void hasDeviceStore(result.email).then(
      (k) => live && setKnown(k),
      () => live && setKnown(false),
    );
    return () => {
      live = false;
    };
  }, [result]);

  if (result.kind === 'error') return <SsoStart notice={{ code: result.code, message: result.message }} />;
  if (known === null) return <main className="auth card" id="main" aria-busy="true"><p>{t('common.loading')}</p></main>;
  const choosing = !known || fresh;

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!passphrase) e.passphrase = t('v.required');
    else if (choosing && [...passphrase].length < MIN_PASSPHRASE) e.passphrase = t('sso.passphraseShort', { n: MIN_PASSPHRASE });
    if (choosing && passphrase && confirm !== passphrase) e.confirm = t('register.mismatch');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await finishSso(result, passphrase, fresh));
    } catch (err) {
      setError(ssoError(err));
      setPassphrase('');
      setConfirm('');
      setBusy(false);
    }
  };

  return (
    <main className="auth card" id="main">
      <h1>{choosing ? t('sso.passphraseChoose') : t('sso.passphraseEnter')}</h1>
      <p className="muted">{result.email}</p>
      <p>{choosing ? t('sso.passphraseChooseIntro') : t('sso.passphraseEnterIntro')}</p>
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('sso.passphrase')} type="password" value={passphrase} onChange={setPassphrase} error={errors.passphrase} autoComplete={choosing ? 'new-password' : 'current-password'} name="passphrase" />
        {choosing ? <TextField label={t('sso.passphraseConfirm')} type="password" value={confirm} onChange={setConfirm} error={errors.confirm} autoComplete="new-password" name="passphraseConfirm" /> : null}
        <ErrorAlert error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('sso.passphraseSubmit')}
        </Button>
      </form>
      {!choosing ? (
        <p className="small">
          <Button
            onClick={() => {
              setFresh(true);
              setError(null);
              setPassphrase('');
            }}
          >
            {t('sso.passphraseForgot')}
          </Button>
        </p>
      ) : null}
      {fresh ? <p className="muted small">{t('sso.passphraseForgotBody')}</p> : null}
    </main>
  );
}
