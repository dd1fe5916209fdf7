// The messenger shell: signed out (sign-in, registration from the invite link), a new device waiting
// for approval, the recovery key after registration, and signed in (consent pop-up, lock screen,
// data retention notice, the messenger itself). A session the server ends (suspended account, device
// signed out) returns to the sign-in page with the guide's text.
import { useCallback, useEffect, useState } from 'react';
import type { EnclaveClient } from '@enclave/client';
import { Button, Dialog } from '../shared/ui';
import { ErrorAlert } from './components/error-alert';
import { TextField } from './components/text-field';
import { useI18n } from './i18n';
import { errorInfo, type ErrorInfo, Messenger } from './lib/messenger';
import { useMessenger } from './hooks/use-messenger';
import { navigate, useLocation } from './lib/router';
import { ApproveDevice, RecoveryKey, Register, SignIn } from './pages/auth';
import { forgetSso, readSsoReturn, signedInWithSso, type SsoReturn } from './lib/sso';
import { SsoFinish, SsoStart } from './pages/sso';
import { MessengerView } from './pages/messenger';
import { LanguageSwitch } from './components/language-switch';

type Phase =
  | { kind: 'out'; notice?: ErrorInfo }
  | { kind: 'pending'; client: EnclaveClient }
  | { kind: 'recovery'; client: EnclaveClient; key: string }
  | { kind: 'in'; messenger: Messenger };

export function App() {
  const { t } = useI18n();
  const { path, query } = useLocation();
  const [phase, setPhase] = useState<Phase>({ kind: 'out' });
  // Back from the identity provider (SSO): the ticket or the reason, read once from the fragment.
  const [ssoReturn, setSsoReturn] = useState<SsoReturn | null>(readSsoReturn);

  const enter = useCallback((client: EnclaveClient) => {
    if (client.pendingApproval) return setPhase({ kind: 'pending', client });
    const m = new Messenger(client);
    setPhase({ kind: 'in', messenger: m });
    void m.start();
    if (path === '/' || path === '/register' || path === '/sign-in' || path === '/sso') navigate('/', { replace: true });
  }, [path]);

  const signedIn = (client: EnclaveClient) => {
    if (client.recoveryKey) setPhase({ kind: 'recovery', client, key: client.recoveryKey });
    else enter(client);
  };

  const signOut = useCallback(async (notice?: ErrorInfo) => {
    const sso = signedInWithSso();
    forgetSso();
    if (phase.kind === 'in') {
      const m = phase.messenger;
      if (notice) await m.stop();
      else await m.client.logout().catch(() => m.stop());
    } else if (phase.kind === 'pending' || phase.kind === 'recovery') await phase.client.close().catch(() => undefined);
    setPhase({ kind: 'out', ...(notice ? { notice } : {}) });
    navigate(sso ? '/sso' : '/', { replace: true }); // SSO members sign in again through their IdP
  }, [phase]);

  let body;
  if (phase.kind === 'in') body = <SignedIn messenger={phase.messenger} onSignOut={signOut} />;
  else if (phase.kind === 'pending') body = <ApproveDevice client={phase.client} onApproved={() => enter(phase.client)} onCancel={() => void signOut()} />;
  else if (phase.kind === 'recovery') body = <RecoveryKey recoveryKey={phase.key} onDone={() => enter(phase.client)} />;
  else if (ssoReturn) body = <SsoFinish result={ssoReturn} onSignedIn={(c) => { setSsoReturn(null); signedIn(c); }} />;
  else if (path === '/sso') body = <SsoStart key={phase.notice?.code ?? 'sso'} {...(phase.notice ? { notice: phase.notice } : {})} />;
  else if (path === '/register') body = <Register code={query.get('code') ?? ''} onSignedIn={signedIn} />;
  else body = <SignIn key={phase.notice?.code ?? 'signin'} {...(phase.notice ? { notice: phase.notice } : {})} onSignedIn={signedIn} />;

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      {phase.kind === 'in' ? null : (
        <header className="top">
          <span className="brand">{t('app.brand')}</span>
          <LanguageSwitch />
        </header>
      )}
      {body}
    </>
  );
}

function SignedIn({ messenger, onSignOut }: { messenger: Messenger; onSignOut: (notice?: ErrorInfo) => Promise<void> }) {
  const { t } = useI18n();
  const s = useMessenger(messenger);
  const client = messenger.client;

  // The server ended the session for good: back to sign-in with the reason.
  useEffect(() => {
    if (s.closed) void onSignOut({ code: s.closed.code, message: s.closed.message });
  }, [s.closed, onSignOut]);

  // Always re-authenticate: leaving the page (another tab, minimized) and coming back asks again.
  useEffect(() => {
    const onVis = () => (document.visibilityState === 'hidden' ? client.suspendApp() : client.resumeApp());
    document.addEventListener('visibilitychange', onVis);
    return () => document.removeEventListener('visibilitychange', onVis);
  }, [client]);

  // The member's activity keeps the network's idle timeout from locking the app.
  useEffect(() => {
    let last = 0;
    const touch = () => {
      const now = Date.now();
      if (now - last > 5000) {
        last = now;
        client.activity();
      }
    };
    window.addEventListener('keydown', touch);
    window.addEventListener('pointerdown', touch);
    return () => {
      window.removeEventListener('keydown', touch);
      window.removeEventListener('pointerdown', touch);
    };
  }, [client]);

  if (s.locked) return <LockScreen messenger={messenger} reason={s.locked} onSignOut={() => void onSignOut()} />;
  return (
    <>
      {s.consent ? (
        <Dialog open title={s.consent.title} dismissable={false} className="consent">
          <div className="consent-body">{s.consent.body}</div>
          <div className="actions">
            <Button variant="primary" onClick={() => void messenger.acceptConsent()}>
              {s.consent.buttonLabel || t('consent.ok')}
            </Button>
          </div>
        </Dialog>
      ) : null}
      {s.consent ? null : <MessengerView messenger={messenger} onSignOut={() => void onSignOut()} />}
    </>
  );
}

function LockScreen({ messenger, reason, onSignOut }: { messenger: Messenger; reason: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const me = messenger.client.me.member;
  return (
    <>
      <header className="top">
        <span className="brand">{t('app.brand')}</span>
        <LanguageSwitch />
      </header>
      <main className="auth card" id="main">
        <h1>{t('lock.title')}</h1>
        <p>{t(reason === 'idle' ? 'lock.idle' : reason === 'resume' ? 'lock.resume' : 'lock.timeout')}</p>
        <p className="muted">{me.email}</p>
        {signedInWithSso() ? (
          <div className="actions">
            <p>{t('lock.sso')}</p>
            <Button variant="primary" onClick={onSignOut}>
              {t('lock.ssoAgain')}
            </Button>
          </div>
        ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            messenger.unlock(password).then(
              () => setBusy(false),
              (err: unknown) => {
                setError(errorInfo(err));
                setPassword('');
                setBusy(false);
              },
            );
          }}
        >
          <TextField label={t('field.password')} type="password" value={password} onChange={setPassword} autoComplete="current-password" name="password" />
          <ErrorAlert error={error} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t('lock.unlock')}
            </Button>
            <Button onClick={onSignOut}>{t('app.signOut')}</Button>
          </div>
        </form>
        )}
      </main>
    </>
  );
}
