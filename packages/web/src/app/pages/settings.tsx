// Settings: profile, devices (this one and others; sign another device out), language, about (the
// client version) and the support log export (the SDK's log: IDs, counts and codes, never content).
import { useCallback, useEffect, useState } from 'react';
import { Button, Dialog } from '../../shared/ui';
import { ErrorAlert } from '../components/error-alert';
import { TextField } from '../components/text-field';
import { LanguageSwitch } from '../components/language-switch';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';
import { useMessenger } from '../hooks/use-messenger';
import { APP_VERSION, CLIENT_NAME, saveBlob, supportLog } from '../lib/session';

type Device = Awaited<ReturnType<Messenger['client']['devices']>>[number];

export function SettingsView({ messenger }: { messenger: Messenger }) {
  const { t, dateTime } = useI18n();
  const s = useMessenger(messenger);
  const me = messenger.client.me.member;
  const [devices, setDevices] = useState<Device[] | undefined>();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [signingOut, setSigningOut] = useState<Device | undefined>();
  // Bumped when the name is saved: me (read above) is the SDK's, updated by updateProfile.
  const [, setProfileVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      setDevices(await messenger.client.devices());
    } catch (err) {
      setError(errorInfo(err));
    }
  }, [messenger]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="pane">
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <section className="card" aria-labelledby="profile-h">
        <h2 id="profile-h">{t('settings.profile')}</h2>
        <dl className="kv">
          <dt>{t('settings.name')}</dt>
          <dd>{`${me.firstName} ${me.lastName}`.trim() || '—'}</dd>
          <dt>{t('field.email')}</dt>
          <dd>{me.email}</dd>
          <dt>{t('settings.network')}</dt>
          <dd>{s.policy.networkName}</dd>
        </dl>
        <ProfileForm messenger={messenger} onSaved={() => setProfileVersion((v) => v + 1)} />
      </section>
      <section className="card" aria-labelledby="devices-h">
        <h2 id="devices-h">{t('settings.devices')}</h2>
        <ErrorAlert error={error} />
        {!devices ? <p className="muted">{t('common.loading')}</p> : null}
        <ul className="devices">
          {(devices ?? [])
            .filter((d) => d.status !== 'RESET')
            .map((d) => (
              <li key={d.deviceId}>
                <span className="who">{d.client}</span> <span className="muted small">({d.type})</span>{' '}
                <span className="muted small device-id">{t('settings.deviceId', { id: d.deviceId.slice(0, 8) })}</span>{' '}
                {d.deviceId === messenger.client.deviceId ? <span className="tag">{t('settings.thisDevice')}</span> : null}
                {d.status === 'PENDING_APPROVAL' ? <span className="tag">{t('settings.pending')}</span> : null}
                <span className="muted small"> · {t('settings.lastLogin', { time: d.lastLogin ? dateTime(d.lastLogin) : '—' })}</span>
                {d.deviceId !== messenger.client.deviceId ? (
                  <Button variant="link" onClick={() => setSigningOut(d)}>
                    {t('settings.signOutDevice')}
                  </Button>
                ) : null}
              </li>
            ))}
        </ul>
        <ApprovalCode messenger={messenger} />
        {signingOut ? (
          <Dialog open title={t('settings.signOutDeviceTitle')} onClose={() => setSigningOut(undefined)}>
            <p>{t('settings.signOutDeviceBody', { name: signingOut.client })}</p>
            <div className="actions">
              <Button
                variant="danger"
                onClick={() => {
                  messenger.client.resetDevice(signingOut.deviceId).then(
                    () => {
                      setSigningOut(undefined);
                      void load();
                    },
                    (err: unknown) => {
                      setSigningOut(undefined);
                      setError(errorInfo(err));
                    },
                  );
                }}
              >
                {t('settings.signOutDevice')}
              </Button>
              <Button onClick={() => setSigningOut(undefined)}>{t('common.cancel')}</Button>
            </div>
          </Dialog>
        ) : null}
      </section>
      <section className="card" aria-labelledby="lang-h">
        <h2 id="lang-h">{t('app.language')}</h2>
        <LanguageSwitch />
      </section>
      <section className="card" aria-labelledby="about-h">
        <h2 id="about-h">{t('settings.about')}</h2>
        <p>{t('settings.version', { version: APP_VERSION })}</p>
        <p className="muted small">{CLIENT_NAME}</p>
      </section>
      <section className="card" aria-labelledby="support-h">
        <h2 id="support-h">{t('settings.support')}</h2>
        <p className="muted">{t('settings.supportBody')}</p>
        <Button onClick={() => saveBlob(new Blob([supportLog()], { type: 'application/x-ndjson' }), `enclave-web-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.jsonl`)}>
          {t('settings.exportLog')}
        </Button>
      </section>
    </div>
  );
}

/** A code that approves a new device of this account (account takeover protection), valid 10 minutes. */
function ApprovalCode({ messenger }: { messenger: Messenger }) {
  const { t, time } = useI18n();
  const [code, setCode] = useState<{ code: string; expiresAt: number } | undefined>();
  const [error, setError] = useState<ErrorInfo | null>(null);
  return (
    <div className="approval-code">
      <Button
        onClick={() => {
          setError(null);
          messenger.client.createApprovalCode().then(setCode, (err: unknown) => setError(errorInfo(err)));
        }}
      >
        {t('settings.approvalCreate')}
      </Button>
      {code ? (
        <p role="status">
          {t('settings.approvalCode', { time: time(code.expiresAt) })} <code className="approval">{code.code}</code>
        </p>
      ) : null}
      <ErrorAlert error={error} />
    </div>
  );
}

/** The member's own first and last name (PATCH /v1/me through the SDK's updateProfile). */
function ProfileForm({ messenger, onSaved }: { messenger: Messenger; onSaved: () => void }) {
  const { t } = useI18n();
  const me = messenger.client.me.member;
  const [firstName, setFirstName] = useState(me.firstName);
  const [lastName, setLastName] = useState(me.lastName);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  return (
    <form
      className="profile-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        setError(null);
        if (!firstName.trim()) {
          setMissing(true);
          return;
        }
        setMissing(false);
        setBusy(true);
        messenger.client.updateProfile({ firstName: firstName.trim(), lastName: lastName.trim() }).then(
          (m) => {
            setFirstName(m.firstName);
            setLastName(m.lastName);
            setBusy(false);
            setSaved(true);
            onSaved();
          },
          (err: unknown) => {
            setBusy(false);
            setError(errorInfo(err));
          },
        );
      }}
    >
      <TextField label={t('field.firstName')} value={firstName} onChange={setFirstName} name="firstName" autoComplete="given-name" maxLength={100} error={missing ? t('settings.firstNameRequired') : null} />
      <TextField label={t('field.lastName')} value={lastName} onChange={setLastName} name="lastName" autoComplete="family-name" maxLength={100} />
      <ErrorAlert error={error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('settings.saveProfile')}
        </Button>
      </div>
      <p role="status" className="muted small">
        {saved ? t('settings.profileSaved') : ''}
      </p>
    </form>
  );
}
