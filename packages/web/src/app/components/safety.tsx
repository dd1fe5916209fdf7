// Safety numbers and device lists in the messenger (docs/protocol.md, "Device lists and safety
// numbers"): the safety number screen of a contact (digits and QR code, mark as verified / clear,
// compare a scanned code), the verified badge and safety link of a conversation, the notice lines a
// conversation shows when a member's devices change or identity resets, the "safety number changed"
// prompt that holds sending to a verified contact until confirmed, the prompt to approve a new
// device of the account on its existing devices, and this device's own wait for approval.
import type { Message, SafetyNotice, SafetyNumber } from '@enclave/client';
import type { Conversation } from '@enclave/protocol';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';
import { useMessenger } from '../hooks/use-messenger';
import { Link } from '../lib/router';
import { safetyOf, useSafety } from '../lib/safety';
import { dmPeer, memberName } from '../lib/names';
import { Button, Dialog } from '../../shared/ui';
import { ErrorAlert } from './error-alert';
import { TextField } from './text-field';
import '../safety.css';

/** A conversation's messages with its safety notices placed among them (a notice after the record it follows). */
export function withNotices(messages: Message[], notices: SafetyNotice[] | undefined): ({ m: Message; n?: undefined } | { n: SafetyNotice; m?: undefined })[] {
  const out: ({ m: Message; n?: undefined } | { n: SafetyNotice; m?: undefined })[] = messages.map((m) => ({ m }));
  for (const n of notices ?? []) {
    let i = out.length;
    while (i > 0 && (out[i - 1]!.m?.seq ?? out[i - 1]!.n!.seq) > n.seq) i--;
    out.splice(i, 0, { n });
  }
  return out;
}

/** The name a member is shown with (from the conversations this device knows), else the email. */
function useMemberName(messenger: Messenger, userId: number, fallback?: string): string {
  const s = useMessenger(messenger);
  for (const c of s.conversations) {
    const m = c.members.find((x) => x.userId === userId);
    if (m) return memberName(m);
  }
  return fallback ?? `#${userId}`;
}

export function SafetyNoticeLine({ messenger, n }: { messenger: Messenger; n: SafetyNotice }) {
  const { t, time } = useI18n();
  const name = useMemberName(messenger, n.userId, n.email);
  const text =
    n.kind === 'devices_changed'
      ? t('notice.devicesChanged', { name, added: n.added?.length ?? 0, removed: n.removed?.length ?? 0 })
      : n.kind === 'identity_reset'
        ? t('notice.identityReset', { name })
        : n.kind === 'verified'
          ? t('notice.verified', { name })
          : t('notice.unverified', { name });
  return (
    <li className={`system safety-notice notice-${n.kind}`} data-notice={n.kind}>
      <span aria-hidden="true" className={n.kind === 'devices_changed' ? 'notice-icon' : undefined}>{n.kind === 'identity_reset' ? '⚠' : n.kind === 'verified' ? '✓' : 'i'}</span> {text}{' '}
      <time dateTime={new Date(n.at).toISOString()}>{time(n.at)}</time>{' '}
      {n.kind === 'devices_changed' || n.kind === 'identity_reset' ? <Link to={`/safety/${n.userId}`}>{t('safety.view')}</Link> : null}
    </li>
  );
}

/** Loads the conversation's notices and its members' safety state (call where the chat is shown). */
export function useChatSafety(messenger: Messenger, conv: Conversation | undefined): SafetyNotice[] | undefined {
  const safety = useSafety(messenger);
  const id = conv?.id;
  const members = conv?.members.map((m) => m.userId).join(',');
  useEffect(() => {
    if (!id) return;
    const s = safetyOf(messenger);
    void s.loadNotices(id);
    for (const u of (members ?? '').split(',').map(Number).slice(0, 100)) if (u && u !== messenger.client.userId) void s.loadContact(u);
  }, [messenger, id, members]);
  return id ? safety.notices[id] : undefined;
}

/** The verified badge and the safety number link of a direct message. */
export function ChatSafetyHead({ messenger, conv }: { messenger: Messenger; conv: Conversation }) {
  const { t } = useI18n();
  const safety = useSafety(messenger);
  const peer = dmPeer(conv, messenger.client.userId);
  if (!peer) return null;
  const c = safety.contacts[peer.userId];
  return (
    <>
      {c?.verified ? (
        <span className="badge-verified" title={t('safety.verifiedTitle')}>
          <span aria-hidden="true">✓</span> {t('safety.verified')}
        </span>
      ) : null}
      <Link to={`/safety/${peer.userId}`} className="btn btn-normal safety-link">
        {t('safety.title')}
      </Link>
    </>
  );
}

/** Sending to a verified member whose safety number changed is held until the user decides. */
export function IdentityChangedPrompt({ messenger, conv }: { messenger: Messenger; conv: Conversation }) {
  const { t } = useI18n();
  const safety = useSafety(messenger);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const changed = conv.members.filter((m) => m.userId !== messenger.client.userId && safety.contacts[m.userId]?.confirmRequired);
  if (changed.length === 0) return null;
  return (
    <div className="alert alert-warn identity-changed" role="alert">
      {changed.map((m) => (
        <div key={m.userId}>
          <p>
            <strong>{t('safety.changedTitle', { name: memberName(m) })}</strong> {t('safety.changedBody')}
          </p>
          <div className="actions">
            <Link to={`/safety/${m.userId}`} className="btn btn-primary">
              {t('safety.compareNew')}
            </Link>
            <Button onClick={() => safetyOf(messenger).confirm(m.userId).then(() => setError(null), (err: unknown) => setError(errorInfo(err)))}>{t('safety.accept')}</Button>
          </div>
        </div>
      ))}
      <ErrorAlert error={error} />
    </div>
  );
}

/** This device waiting for approval, and new devices of the account waiting for this one's. */
export function AccountSafetyBanners({ messenger }: { messenger: Messenger }) {
  const { t, dateTime } = useI18n();
  const safety = useSafety(messenger);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState<string | undefined>();
  const [confirmReset, setConfirmReset] = useState(false);
  const s = safetyOf(messenger);
  const pending = safety.deviceList === 'pending';
  // While this device waits, look again now and then (the approving device may be offline from here).
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void s.checkAgain().catch(() => undefined), 5000);
    return () => clearInterval(timer);
  }, [pending, s]);
  const act = (key: string, p: Promise<unknown>) => {
    setBusy(key);
    setError(null);
    p.then(
      () => setBusy(undefined),
      (err: unknown) => {
        setBusy(undefined);
        setError(errorInfo(err));
      },
    );
  };
  return (
    <>
      {pending ? (
        <section className="banner banner-warn device-wait" aria-labelledby="device-wait-h">
          <h2 id="device-wait-h">{t('listPending.title')}</h2>
          <p>{t('listPending.body')}</p>
          <p>
            <code className="fingerprint">{safety.fingerprint}</code>
          </p>
          <div className="actions">
            <Button busy={busy === 'check'} onClick={() => act('check', s.checkAgain())}>
              {t('listPending.check')}
            </Button>
            <Button variant="danger" onClick={() => setConfirmReset(true)}>
              {t('listPending.reset')}
            </Button>
          </div>
        </section>
      ) : null}
      {safety.pendingDevices.map((d) => (
        <section key={d.deviceId} className="banner banner-warn new-device" aria-labelledby={`nd-${d.deviceId}`}>
          <h2 id={`nd-${d.deviceId}`}>{t('newDevice.title')}</h2>
          <p>{t('newDevice.body', { client: d.client, type: d.type, time: dateTime(d.created) })}</p>
          <p>
            <code className="fingerprint">{d.fingerprint}</code>
          </p>
          <div className="actions">
            <Button variant="primary" busy={busy === `a${d.deviceId}`} onClick={() => act(`a${d.deviceId}`, s.approve(d.deviceId))}>
              {t('newDevice.approve')}
            </Button>
            <Button variant="danger" busy={busy === `r${d.deviceId}`} onClick={() => act(`r${d.deviceId}`, s.reject(d.deviceId))}>
              {t('newDevice.reject')}
            </Button>
          </div>
        </section>
      ))}
      {error ? (
        <div className="pad">
          <ErrorAlert error={error} />
        </div>
      ) : null}
      {confirmReset ? (
        <Dialog open title={t('listPending.resetTitle')} onClose={() => setConfirmReset(false)}>
          <p>{t('listPending.resetBody')}</p>
          <div className="actions">
            <Button
              variant="danger"
              onClick={() => {
                setConfirmReset(false);
                act('reset', s.resetIdentity());
              }}
            >
              {t('listPending.resetConfirm')}
            </Button>
            <Button onClick={() => setConfirmReset(false)}>{t('common.cancel')}</Button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}

/** 60 digits as three rows of four groups. */
function Digits({ digits }: { digits: string }) {
  const groups = digits.split(' ');
  return (
    <div className="sn-digits" aria-label={groups.join(' ')} role="group">
      {groups.map((g, i) => (
        <span key={i} aria-hidden="true">
          {g}
        </span>
      ))}
    </div>
  );
}

export function SafetyNumberView({ messenger, userId }: { messenger: Messenger; userId: number }) {
  const { t } = useI18n();
  const [sn, setSn] = useState<SafetyNumber | undefined>();
  const [qr, setQr] = useState<string | undefined>();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [compared, setCompared] = useState('');
  const [result, setResult] = useState<'match' | 'mismatch' | undefined>();
  const [busy, setBusy] = useState(false);
  const name = useMemberName(messenger, userId, sn?.email);
  const s = safetyOf(messenger);
  const dm = useMessenger(messenger).conversations.find((c) => c.kind === 'dm' && c.members.some((m) => m.userId === userId));

  useEffect(() => {
    let live = true;
    s.safetyNumber(userId).then(
      (v) => {
        if (!live) return;
        setSn(v);
        void QRCode.toDataURL(v.qr, { errorCorrectionLevel: 'M', margin: 2, width: 232 }).then((url) => live && setQr(url));
      },
      (err: unknown) => live && setError(errorInfo(err)),
    );
    return () => {
      live = false;
    };
  }, [s, userId]);

  const run = (p: Promise<SafetyNumber | void>) => {
    setBusy(true);
    setError(null);
    p.then(
      (v) => {
        setBusy(false);
        if (v) setSn(v);
        else void s.safetyNumber(userId).then(setSn);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorInfo(err));
      },
    );
  };

  return (
    <div className="pane safety-number">
      {dm ? (
        <Link to={`/c/${dm.id}`} className="back">
          <span aria-hidden="true">←</span> {t('safety.back', { name })}
        </Link>
      ) : null}
      <h1 tabIndex={-1}>{t('safety.with', { name })}</h1>
      <ErrorAlert error={error} />
      {!sn && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {sn ? (
        <>
          <p className={`sn-state ${sn.verified ? 'ok' : ''}`} role="status">
            {sn.verified ? (
              <>
                <span aria-hidden="true">✓</span> {t('safety.isVerified', { name })}
              </>
            ) : sn.confirmRequired ? (
              t('safety.changedTitle', { name })
            ) : (
              t('safety.notVerified', { name })
            )}
          </p>
          <div className="sn-box card">
            <Digits digits={sn.digits} />
            {qr ? <img className="sn-qr" src={qr} alt={t('safety.qrAlt')} width={232} height={232} /> : <div className="sn-qr" />}
          </div>
          <p>{t('safety.explain', { name })}</p>
          <div className="actions">
            {sn.verified ? (
              <Button busy={busy} onClick={() => run(s.clearVerification(userId))}>
                {t('safety.clear')}
              </Button>
            ) : (
              <Button variant="primary" busy={busy} onClick={() => run(s.markVerified(userId))}>
                {t('safety.mark')}
              </Button>
            )}
            {sn.confirmRequired ? (
              <Button busy={busy} onClick={() => run(s.confirm(userId))}>
                {t('safety.accept')}
              </Button>
            ) : null}
          </div>
          <form
            className="card sn-compare"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const digits = compared.replace(/\s+/g, '');
              const ok = compared.trim().toUpperCase() === sn.qr || digits === sn.digits.replace(/\s+/g, '');
              setResult(ok ? 'match' : 'mismatch');
            }}
          >
            <h2>{t('safety.compareTitle')}</h2>
            <TextField label={t('safety.compareLabel', { name })} hint={t('safety.compareHint')} value={compared} onChange={(v) => {
              setCompared(v);
              setResult(undefined);
            }} name="compare" autoComplete="off" />
            <div className="actions">
              <Button type="submit">{t('safety.compare')}</Button>
              {result === 'match' && !sn.verified ? (
                <Button variant="primary" busy={busy} onClick={() => run(s.markVerified(userId, compared))}>
                  {t('safety.mark')}
                </Button>
              ) : null}
            </div>
            {result ? (
              <p className={`sn-result ${result}`} role={result === 'match' ? 'status' : 'alert'}>
                {t(result === 'match' ? 'safety.match' : 'safety.mismatch')}
              </p>
            ) : null}
          </form>
        </>
      ) : null}
    </div>
  );
}
