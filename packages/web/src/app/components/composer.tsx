// The composer of a conversation: text (Enter sends, Shift+Enter breaks the line), quick responses,
// reply and edit, expiry and burn-on-read timers capped by the security group (the expiry default,
// "Group maximum", sends no timer: the server gives the message the group's maximum), location, voice
// memos and attachments while the group allows them; every send into a cross-boundary conversation confirmed.
import type { Message } from '@enclave/client';
import type { Conversation, Policy } from '@enclave/protocol';
import { useEffect, useRef, useState } from 'react';
import { BoundaryConfirm } from './message-dialogs';
import { Button } from '../../shared/ui';
import { ErrorAlert } from './error-alert';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';
import { BOR_CHOICES, clock, timerChoices, TTL_CHOICES } from '../lib/timers';
import { useDuration } from '../hooks/use-duration';

export function Composer({ messenger, conv, policy, replyTo, editing, onDone }: { messenger: Messenger; conv: Conversation; policy: Policy; replyTo?: Message; editing?: Message; onDone: () => void }) {
  const { t } = useI18n();
  const duration = useDuration();
  const [text, setText] = useState(editing?.text ?? '');
  const [ttl, setTtl] = useState(0);
  const [bor, setBor] = useState(0);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const ttls = timerChoices(policy.maxTtl, TTL_CHOICES);
  const bors = timerChoices(policy.maxBor, BOR_CHOICES);
  const timers = { ...(ttl ? { ttl } : {}), ...(bor ? { bor } : {}) };
  // GovCloud cross-boundary classification: every send in such a conversation is confirmed first.
  const [confirming, setConfirming] = useState<(() => void) | undefined>();
  const guard = (act: () => void) => (conv.crossBoundary ? setConfirming(() => act) : act());

  // A policy change can lower a maximum below the chosen timer.
  useEffect(() => {
    if (ttl > policy.maxTtl) setTtl(0);
    if (bor > policy.maxBor) setBor(0);
  }, [policy.maxTtl, policy.maxBor, ttl, bor]);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    setError(null);
    if (editing) {
      try {
        await messenger.edit(conv.id, editing.id, body);
        setText('');
        onDone();
      } catch (err) {
        setError(errorInfo(err));
      }
      return;
    }
    guard(() => {
      messenger.sendText(conv.id, body, { ...timers, ...(replyTo ? { replyTo: replyTo.id } : {}) });
      setText('');
      onDone();
    });
  };

  return (
    <div className="composer">
      {policy.quickResponses.length > 0 && !editing ? (
        <div className="quick" role="group" aria-label={t('chat.quickResponses')}>
          {policy.quickResponses.map((q) => (
            <Button key={q} variant="normal" className="chip" onClick={() => guard(() => messenger.sendText(conv.id, q, timers))}>
              {q}
            </Button>
          ))}
        </div>
      ) : null}
      {replyTo || editing ? (
        <div className="replying" role="status">
          {editing ? t('chat.editing') : t('chat.replyingTo', { text: (replyTo?.text ?? replyTo?.file?.name ?? '').slice(0, 80) })}{' '}
          <Button
            variant="link"
            onClick={() => {
              if (editing) setText('');
              onDone();
            }}
          >
            {t('common.cancel')}
          </Button>
        </div>
      ) : null}
      <form
        className="compose-row"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label htmlFor="compose" className="sr-only">
          {t('chat.message')}
        </label>
        <textarea
          id="compose"
          value={text}
          rows={2}
          placeholder={t('chat.placeholder')}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <Button type="submit" variant="primary">
          {editing ? t('chat.saveEdit') : t('chat.send')}
        </Button>
      </form>
      {editing ? null : (
        <div className="compose-options">
          {ttls.length > 0 ? <TimerSelect label={t('chat.ttl')} value={ttl} onChange={setTtl} offLabel={t('chat.ttlDefault', { time: duration(policy.maxTtl) })} choices={ttls} /> : null}
          {bors.length > 0 ? <TimerSelect label={t('chat.bor')} value={bor} onChange={setBor} offLabel={t('chat.borOff')} choices={bors} /> : null}
          {policy.locationEnabled ? <ShareLocation onShare={(lat, lon, accuracy) => guard(() => messenger.sendLocation(conv.id, lat, lon, { accuracy, ...timers }))} /> : null}
          {policy.filesEnabled ? <VoiceMemo onRecorded={(file) => guard(() => messenger.sendFile(conv.id, file, timers))} /> : null}
          {policy.filesEnabled ? (
            <label className="attach">
              {t('chat.attach')}{' '}
              <input
                ref={fileRef}
                type="file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) guard(() => messenger.sendFile(conv.id, f, timers));
                  if (fileRef.current) fileRef.current.value = '';
                }}
              />
            </label>
          ) : null}
        </div>
      )}
      <ErrorAlert error={error} />
      {confirming ? <BoundaryConfirm onConfirm={confirming} onClose={() => setConfirming(undefined)} /> : null}
    </div>
  );
}

/** A timer choice (expiry or burn-on-read): 0 is the off / default entry, then the allowed durations. */
function TimerSelect({ label, value, onChange, offLabel, choices }: { label: string; value: number; onChange: (v: number) => void; offLabel: string; choices: number[] }) {
  const duration = useDuration();
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        <option value={0}>{offLabel}</option>
        {choices.map((v) => (
          <option key={v} value={v}>
            {duration(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Shares this device's position (the browser asks the member for permission). */
function ShareLocation({ onShare }: { onShare: (latitude: number, longitude: number, accuracy: number) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  return (
    <span className="share-location">
      <Button
        busy={busy}
        onClick={() => {
          setError(null);
          if (!('geolocation' in navigator)) return setError({ code: 'location_unavailable', message: t('location.unavailable') });
          setBusy(true);
          navigator.geolocation.getCurrentPosition(
            (pos) => {
              setBusy(false);
              onShare(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy);
            },
            (err) => {
              setBusy(false);
              setError({ code: 'location_unavailable', message: t(err.code === err.PERMISSION_DENIED ? 'location.denied' : 'location.unavailable') });
            },
            { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
          );
        }}
      >
        {t('location.share')}
      </Button>
      <ErrorAlert error={error} />
    </span>
  );
}

/** The longest voice memo: recording stops (and the memo is sent) after five minutes. */
const VOICE_MAX_MS = 5 * 60_000;
const VOICE_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

/**
 * Records a voice memo with the microphone (MediaRecorder) and hands it over as an audio file, sent
 * like any attachment (encrypted in the browser, only while files are allowed). Cancel sends nothing.
 */
function VoiceMemo({ onRecorded }: { onRecorded: (file: File) => void }) {
  const { t } = useI18n();
  const [rec, setRec] = useState<{ recorder: MediaRecorder; stream: MediaStream; started: number } | undefined>();
  const [now, setNow] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const cancelled = useRef(false);
  const recRef = useRef(rec);
  recRef.current = rec;
  useEffect(() => {
    if (!rec) return;
    const id = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at - rec.started >= VOICE_MAX_MS && rec.recorder.state === 'recording') rec.recorder.stop();
    }, 250);
    return () => clearInterval(id);
  }, [rec]);
  // Leaving the conversation while recording: nothing is sent and the microphone is released.
  useEffect(
    () => () => {
      const r = recRef.current;
      if (!r) return;
      cancelled.current = true;
      if (r.recorder.state !== 'inactive') r.recorder.stop();
      for (const track of r.stream.getTracks()) track.stop();
    },
    [],
  );

  const start = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') return setError({ code: 'voice_unavailable', message: t('voice.unavailable') });
    setBusy(true);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mime = VOICE_TYPES.find((m) => MediaRecorder.isTypeSupported(m));
      const recorder = new MediaRecorder(stream, mime ? { mimeType: mime } : undefined);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => {
        if (e.data.size > 0) chunks.push(e.data);
      };
      recorder.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        setRec(undefined);
        if (cancelled.current || chunks.length === 0) return;
        const type = (recorder.mimeType || mime || 'audio/webm').split(';')[0]!;
        const ext = type === 'audio/ogg' ? 'ogg' : type === 'audio/mp4' ? 'm4a' : 'webm';
        const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
        onRecorded(new File(chunks, `voice-memo-${stamp}.${ext}`, { type }));
      };
      cancelled.current = false;
      recorder.start(250);
      const started = Date.now();
      setNow(started);
      setRec({ recorder, stream, started });
    } catch (err) {
      setError({ code: 'voice_unavailable', message: t((err as Error).name === 'NotAllowedError' ? 'voice.denied' : 'voice.unavailable') });
    } finally {
      setBusy(false);
    }
  };
  const stop = (cancel: boolean) => {
    if (!rec) return;
    cancelled.current = cancel;
    if (rec.recorder.state !== 'inactive') rec.recorder.stop();
  };

  return (
    <span className="voice-record">
      {rec ? (
        <>
          <span className="recording" role="timer" aria-label={t('voice.recording', { time: clock(now - rec.started) })}>
            <span aria-hidden="true">● </span>
            {t('voice.recording', { time: clock(now - rec.started) })}
          </span>{' '}
          <Button variant="primary" onClick={() => stop(false)}>
            {t('voice.stop')}
          </Button>{' '}
          <Button onClick={() => stop(true)}>{t('common.cancel')}</Button>
        </>
      ) : (
        <Button busy={busy} onClick={() => void start()}>
          {t('voice.record')}
        </Button>
      )}
      <ErrorAlert error={error} />
    </span>
  );
}
