// Joining and signing in: registration from the invite link (email prefilled, the security group's
// password rules checked as they are typed), the master recovery key shown once, sign-in with the
// guide's error texts, and the approval of a new device (code from another device, emailed code, or
// the master recovery key) when account takeover protection is on.
import { useEffect, useMemo, useState } from 'react';
import type { EnclaveClient } from '@enclave/client';
import { Button } from '../../shared/ui';
import { ErrorAlert } from '../components/error-alert';
import { TextField } from '../components/text-field';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo } from '../lib/messenger';
import { Link } from '../lib/router';
import { lastEmail, lookupInvite, register, signIn, type InviteInfo } from '../lib/session';

type Rules = NonNullable<InviteInfo['passwordRequirements']>;

/** The security group's password rules, one check per rule (the server applies the same ones). */
export function passwordChecks(password: string, rules: Rules): { key: string; params: Record<string, number>; ok: boolean }[] {
  const count = (re: RegExp) => (password.match(re) ?? []).length;
  const min = Math.max(8, rules.minLength);
  const chars = [...password].length;
  const out = [{ key: 'register.rule.length', params: { n: min }, ok: chars >= min && chars <= 128 }];
  if (rules.lowercase > 0) out.push({ key: 'register.rule.lowercase', params: { n: rules.lowercase }, ok: count(/\p{Ll}/gu) >= rules.lowercase });
  if (rules.uppercase > 0) out.push({ key: 'register.rule.uppercase', params: { n: rules.uppercase }, ok: count(/\p{Lu}/gu) >= rules.uppercase });
  if (rules.numbers > 0) out.push({ key: 'register.rule.numbers', params: { n: rules.numbers }, ok: count(/\p{Nd}/gu) >= rules.numbers });
  if (rules.symbols > 0) out.push({ key: 'register.rule.symbols', params: { n: rules.symbols }, ok: count(/[^\p{L}\p{Nd}\s]/gu) >= rules.symbols });
  return out;
}

export function Register({ code, onSignedIn }: { code: string; onSignedIn: (c: EnclaveClient) => void }) {
  const { t, tr, dateTime } = useI18n();
  const [invite, setInvite] = useState<InviteInfo | null>(null);
  const [inviteError, setInviteError] = useState<ErrorInfo | null>(null);
  const [email, setEmail] = useState('');
  const [inviteCode, setInviteCode] = useState(code);
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!code) return;
    let live = true;
    void lookupInvite(code).then((r) => {
      if (!live) return;
      if (r.ok === true) {
        setInvite(r.invite);
        setEmail(r.invite.email);
        if (r.invite.firstName) setFirstName(r.invite.firstName);
        if (r.invite.lastName) setLastName(r.invite.lastName);
      } else if (r.ok === false) setInviteError({ code: r.code, message: r.message });
    });
    return () => {
      live = false;
    };
  }, [code]);

  const rules = invite?.passwordRequirements;
  const checks = useMemo(() => (rules ? passwordChecks(password, rules) : []), [password, rules]);

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) e.email = t('v.email');
    if (!inviteCode.trim()) e.code = t('v.required');
    if (!password) e.password = t('v.required');
    else if (checks.some((c) => !c.ok)) e.password = t('register.rulesNotMet');
    if (password && confirm !== password) e.confirm = t('register.mismatch');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await register({ email, inviteCode, password, firstName, lastName }));
    } catch (err) {
      setError(errorInfo(err));
      setBusy(false);
    }
  };

  if (inviteError) {
    return (
      <main className="auth card" id="main">
        <h1>{t('register.title')}</h1>
        <div className="alert alert-error" role="alert">
          <p>{tr(`error.${inviteError.code}`)}</p>
        </div>
        <p>
          <Link to="/">{t('register.toSignIn')}</Link>
        </p>
      </main>
    );
  }

  const serverRules = error?.code === 'password_policy' ? (error.details ?? []).filter((d) => d.field === 'password') : [];
  const expiresAt = invite?.expiresAt ? (typeof invite.expiresAt === 'number' ? invite.expiresAt : Date.parse(invite.expiresAt)) : undefined;
  return (
    <main className="auth card" id="main">
      <h1>{t('register.title')}</h1>
      <p className="muted">{invite?.networkName ? t('register.introNetwork', { network: invite.networkName }) : t('register.intro')}</p>
      {expiresAt && !Number.isNaN(expiresAt) ? <p className="muted small">{t('register.expires', { time: dateTime(expiresAt) })}</p> : null}
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('field.email')} type="email" value={email} onChange={setEmail} error={errors.email} autoComplete="username" name="email" readOnly={!!invite} />
        {code ? null : <TextField label={t('register.code')} value={inviteCode} onChange={setInviteCode} error={errors.code} name="inviteCode" autoComplete="off" />}
        <div className="row">
          <TextField label={t('field.firstName')} value={firstName} onChange={setFirstName} autoComplete="given-name" name="firstName" />
          <TextField label={t('field.lastName')} value={lastName} onChange={setLastName} autoComplete="family-name" name="lastName" />
        </div>
        <TextField
          label={t('field.password')}
          type="password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          autoComplete="new-password"
          name="password"
          hint={
            checks.length > 0 ? (
              <ul className="rules" aria-label={t('register.rules')} aria-live="polite">
                {checks.map((c) => (
                  <li key={c.key} className={c.ok ? 'ok' : 'todo'}>
                    <span aria-hidden="true">{c.ok ? '✓' : '○'}</span> {tr(c.key, c.params)} <span className="sr-only">{c.ok ? t('register.ruleMet') : t('register.ruleNotMet')}</span>
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
        <TextField label={t('register.confirm')} type="password" value={confirm} onChange={setConfirm} error={errors.confirm} autoComplete="new-password" name="confirm" />
        <ErrorAlert error={error} />
        {serverRules.length > 0 ? (
          <ul className="rules server" aria-label={t('register.rules')}>
            {serverRules.map((d) => (
              <li key={d.reason}>{d.reason}</li>
            ))}
          </ul>
        ) : null}
        <Button type="submit" variant="primary" busy={busy}>
          {t('register.submit')}
        </Button>
      </form>
      <p className="small">
        <Link to="/">{t('register.toSignIn')}</Link>
      </p>
    </main>
  );
}

/** The master recovery key, shown once after registration when the security group requires it. */
export function RecoveryKey({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(false);
  return (
    <main className="auth card" id="main">
      <h1>{t('recovery.title')}</h1>
      <p>{t('recovery.intro')}</p>
      <p className="recovery-key">
        <code aria-label={t('recovery.title')}>{recoveryKey}</code>
      </p>
      <p className="muted small">{t('recovery.once')}</p>
      <div className="check">
        <input id="saved-it" type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <label htmlFor="saved-it">{t('recovery.saved')}</label>
      </div>
      <Button variant="primary" disabled={!saved} onClick={onDone}>
        {t('recovery.continue')}
      </Button>
    </main>
  );
}

export function SignIn({ notice, onSignedIn }: { notice?: ErrorInfo | null; onSignedIn: (c: EnclaveClient) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState(lastEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ErrorInfo | null>(notice ?? null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const e: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) e.email = t('v.email');
    if (!password) e.password = t('v.required');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email, password));
    } catch (err) {
      const info = errorInfo(err);
      // The network uses SSO: the password is the identity provider's (shown translated).
      setError(info.details?.some((d) => d.field === 'sso') ? { ...info, code: 'sso_required' } : info);
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <main className="auth card" id="main">
      <h1>{t('signin.title')}</h1>
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('field.email')} type="email" value={email} onChange={setEmail} error={errors.email} autoComplete="username" name="email" />
        <TextField label={t('field.password')} type="password" value={password} onChange={setPassword} error={errors.password} autoComplete="current-password" name="password" />
        <ErrorAlert error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('signin.submit')}
        </Button>
      </form>
      <p>
        <Link to="/sso" className="button">
          {t('signin.sso')}
        </Link>
      </p>
      <p className="muted small">{t('signin.invited')}</p>
    </main>
  );
}

/** A new device waiting for approval (account takeover protection). */
export function ApproveDevice({ client, onApproved, onCancel }: { client: EnclaveClient; onApproved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [method, setMethod] = useState<'code' | 'email' | 'recovery'>('code');
  const [value, setValue] = useState('');
  const [emailSent, setEmailSent] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  const approve = async () => {
    if (!value.trim()) {
      setError({ code: 'bad_request', message: t('v.required') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.approveDevice(method === 'recovery' ? { recoveryKey: value.trim() } : { code: value.trim() });
      onApproved();
    } catch (err) {
      setError(errorInfo(err));
      setBusy(false);
    }
  };

  return (
    <main className="auth card" id="main">
      <h1>{t('approve.title')}</h1>
      <p>{t('error.device_approval_required')}</p>
      <fieldset className="choices">
        <legend>{t('approve.how')}</legend>
        {(['code', 'email', 'recovery'] as const).map((m) => (
          <div className="check" key={m}>
            <input
              type="radio"
              id={`approve-${m}`}
              name="approve-method"
              checked={method === m}
              onChange={() => {
                setMethod(m);
                setValue('');
                setError(null);
              }}
            />
            <label htmlFor={`approve-${m}`}>{t(`approve.method.${m}`)}</label>
          </div>
        ))}
      </fieldset>
      {method === 'email' ? (
        <p>
          <Button
            onClick={() => {
              setError(null);
              void client.requestEmailCode().then(
                () => setEmailSent(true),
                (err: unknown) => setError(errorInfo(err)),
              );
            }}
          >
            {t('approve.sendEmail')}
          </Button>{' '}
          {emailSent ? <span role="status">{t('approve.emailSent')}</span> : null}
        </p>
      ) : null}
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void approve();
        }}
      >
        <TextField label={method === 'recovery' ? t('approve.recoveryKey') : t('approve.code')} value={value} onChange={setValue} autoComplete="one-time-code" name="approval" />
        <ErrorAlert error={error} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('approve.submit')}
          </Button>
          <Button onClick={onCancel}>{t('approve.cancel')}</Button>
        </div>
      </form>
    </main>
  );
}
