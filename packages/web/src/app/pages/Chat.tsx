// The chat view of one conversation: messages (text, replies, edits, forwarded, files with preview and
// download, timers with a live countdown), the delivery state of this device's messages (sending,
// ✓ sent, ● read in 1:1 when the network allows receipts, failed with retry), and the composer (quick
// responses, reply, edit, expiry and burn-on-read timers capped by the security group, attachments
// with progress). Forwarding is offered only when the security group allows it.
import { mayPreview, type Message } from '@enclave/client';
import type { Conversation, Policy } from '@enclave/protocol';
import { useEffect, useRef, useState } from 'react';
import { Button, Dialog, ErrorAlert, formatBytes, useErrorText } from '../components/ui';
import { useI18n } from '../i18n';
import { errorInfo, useMessenger, type Messenger, type MessengerState, type Outgoing } from '../lib/messenger';
import { Link } from '../lib/router';
import { canStream, diskSink, DownloadError, IN_MEMORY_LIMIT, memorySink } from '../lib/download';
import { conversationTitle, dmPeer, memberName, PresenceDot } from './Messenger';

type Err = ReturnType<typeof errorInfo>;

/** The largest file previewed (decrypted in memory); larger files are only downloaded to disk. */
const PREVIEW_MAX_BYTES = 16 * 1024 * 1024;
const TTL_CHOICES = [60, 300, 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];
const BOR_CHOICES = [10, 30, 60, 300, 3600, 86_400];

/** The timer choices the security group allows (at most its maximum). */
export function timerChoices(max: number, choices: number[]): number[] {
  return choices.filter((c) => c <= max);
}

export function useDuration() {
  const { t } = useI18n();
  return (seconds: number): string => {
    if (seconds % 86_400 === 0) return t('dur.days', { n: seconds / 86_400 });
    if (seconds % 3600 === 0) return t('dur.hours', { n: seconds / 3600 });
    if (seconds % 60 === 0) return t('dur.minutes', { n: seconds / 60 });
    return t('dur.seconds', { n: seconds });
  };
}

/** A remaining time as d h / h:mm:ss / m:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/** The current time, re-rendering twice a second while a countdown is shown. */
function useNow(active: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [active]);
  return Date.now();
}

export function ChatView({ messenger, id }: { messenger: Messenger; id: string }) {
  const { t, lang } = useI18n();
  const s = useMessenger(messenger);
  const conv = s.conversations.find((c) => c.id === id);
  const [replyTo, setReplyTo] = useState<Message | undefined>();
  const [editing, setEditing] = useState<Message | undefined>();
  const [forwarding, setForwarding] = useState<Message | undefined>();
  const [deleting, setDeleting] = useState<Message | undefined>();
  const listRef = useRef<HTMLOListElement>(null);
  const messages = s.messages[id] ?? [];
  const pending = s.pending[id] ?? [];
  const now = useNow(messages.some((m) => m.burnAt !== undefined || m.expiresAt !== undefined));

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, pending.length]);

  if (!conv) {
    return (
      <div className="empty-main">
        <h1 tabIndex={-1}>{s.loaded ? t('conv.unavailable') : t('common.loading')}</h1>
      </div>
    );
  }
  const myId = messenger.client.userId;
  const peer = dmPeer(conv, myId);
  const title = conversationTitle(conv, myId, t);
  const receipts = conv.kind === 'dm' && s.policy.readReceipts !== 'DISABLED';

  return (
    <div className="chat">
      {conv.crossBoundary ? (
        <div className="banner banner-unclassified" role="note">
          <strong>{t('boundary.banner')}</strong> {t('boundary.bannerDetail')}
        </div>
      ) : null}
      {conv.federationRefused ? (
        <div className="alert alert-error federation-refused" role="note">
          <p>{lang === 'en' ? conv.federationRefused : t('conv.federationRefused')}</p>
        </div>
      ) : null}
      <div className="chat-head">
        <h1 tabIndex={-1}>
          {peer && s.policy.presenceEnabled ? <PresenceDot state={s.presence[peer.userId]} /> : null}
          {title}
        </h1>
        <span className="muted small">
          {t(`kind.${conv.kind}`)} · {t('conv.members', { n: conv.members.length })}
        </span>
        {conv.kind !== 'dm' ? (
          <Link to={`/c/${conv.id}/settings`} className="btn btn-normal">
            {t(conv.kind === 'room' ? 'room.settings' : 'group.settings')}
          </Link>
        ) : null}
      </div>
      {conv.description ? <p className="muted desc">{conv.description}</p> : null}
      <ol className="messages" ref={listRef} aria-label={t('chat.messages')} tabIndex={0}>
        {messages.length === 0 && pending.length === 0 ? <li className="muted system">{t('chat.empty')}</li> : null}
        {messages.map((m) => (
          <MessageItem
            key={m.id}
            m={m}
            conv={conv}
            all={messages}
            s={s}
            now={now}
            myId={myId}
            receipts={receipts}
            messenger={messenger}
            onReply={() => {
              setEditing(undefined);
              setReplyTo(m);
            }}
            onEdit={() => {
              setReplyTo(undefined);
              setEditing(m);
            }}
            onForward={() => setForwarding(m)}
            onDelete={() => setDeleting(m)}
          />
        ))}
        {pending.map((p) => (
          <PendingItem key={p.key} p={p} messenger={messenger} />
        ))}
      </ol>
      <Composer
        key={editing?.id ?? 'new'}
        messenger={messenger}
        conv={conv}
        policy={s.policy}
        replyTo={replyTo}
        editing={editing}
        onDone={() => {
          setReplyTo(undefined);
          setEditing(undefined);
        }}
      />
      {forwarding ? <ForwardDialog messenger={messenger} s={s} message={forwarding} onClose={() => setForwarding(undefined)} /> : null}
      {deleting ? <DeleteDialog messenger={messenger} message={deleting} onClose={() => setDeleting(undefined)} /> : null}
    </div>
  );
}

function MessageItem({
  m,
  conv,
  all,
  s,
  now,
  myId,
  receipts,
  messenger,
  onReply,
  onEdit,
  onForward,
  onDelete,
}: {
  m: Message;
  conv: Conversation;
  all: Message[];
  s: MessengerState;
  now: number;
  myId: number;
  receipts: boolean;
  messenger: Messenger;
  onReply: () => void;
  onEdit: () => void;
  onForward: () => void;
  onDelete: () => void;
}) {
  const { t, time } = useI18n();
  const duration = useDuration();
  const mine = m.sender.userId === myId;
  const sender = conv.members.find((x) => x.userId === m.sender.userId);
  const who = mine ? t('chat.you') : sender ? memberName(sender) : (m.sender.email ?? t('chat.formerMember'));
  const quoted = m.replyTo ? all.find((x) => x.id === m.replyTo) : undefined;
  const burnLeft = m.burnAt !== undefined ? m.burnAt - now : undefined;
  const expiryLeft = m.expiresAt !== undefined ? m.expiresAt - now : undefined;
  return (
    <li className={`msg ${mine ? 'out' : 'in'}`} data-message-id={m.id}>
      <div className="meta">
        <span className="who">{who}</span> <time dateTime={new Date(m.sentAt).toISOString()}>{time(m.sentAt)}</time>
        {m.forwarded ? <span className="tag">{t('chat.forwarded')}</span> : null}
        {m.edited ? <span className="tag">{t('chat.edited')}</span> : null}
      </div>
      {m.replyTo ? <blockquote className="quote">{quoted ? (quoted.text ?? quoted.file?.name ?? '') : t('chat.replyGone')}</blockquote> : null}
      {m.text ? <p className="text">{m.text}</p> : null}
      {m.file ? <FileBlock messenger={messenger} policy={s.policy} m={m} /> : null}
      {m.location ? <LocationBlock location={m.location} maps={s.policy.locationAllowMaps} /> : null}
      <div className="status">
        {burnLeft !== undefined ? (
          <span className="timer burn" role="timer" aria-label={t('chat.burnsIn', { time: clock(burnLeft) })}>
            🔥 {t('chat.burnsIn', { time: clock(burnLeft) })}
          </span>
        ) : m.bor ? (
          <span className="timer">🔥 {t('chat.burnAfterRead', { time: duration(m.bor) })}</span>
        ) : null}
        {expiryLeft !== undefined ? (
          <span className="timer" role="timer" aria-label={t('chat.expiresIn', { time: clock(expiryLeft) })}>
            ⏱ {t('chat.expiresIn', { time: clock(expiryLeft) })}
          </span>
        ) : null}
        {mine && m.outgoing ? (
          receipts && s.readBy[m.id] ? (
            <span className="delivery read">● {t('chat.read')}</span>
          ) : (
            <span className="delivery sent">✓ {t('chat.sent')}</span>
          )
        ) : null}
      </div>
      <div className="msg-actions" role="group" aria-label={t('chat.actions')}>
        <Button variant="link" onClick={onReply}>
          {t('chat.reply')}
        </Button>
        {mine && m.text !== undefined && !m.file && !m.location ? (
          <Button variant="link" onClick={onEdit}>
            {t('chat.edit')}
          </Button>
        ) : null}
        {s.policy.messageForwardingEnabled ? (
          <Button variant="link" onClick={onForward}>
            {t('chat.forward')}
          </Button>
        ) : null}
        {mine ? (
          <Button variant="link" onClick={onDelete}>
            {t('chat.delete')}
          </Button>
        ) : null}
      </div>
    </li>
  );
}

function PendingItem({ p, messenger }: { p: Outgoing; messenger: Messenger }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  return (
    <li className={`msg out pending ${p.state}`}>
      {p.text ? <p className="text">{p.text}</p> : null}
      {p.location ? <LocationBlock location={p.location} maps={false} /> : null}
      {p.file ? (
        <p className="file">
          <span aria-hidden="true">📎</span> {p.file.name} ({formatBytes(p.file.size)})
          {p.state === 'sending' ? <progress max={p.file.size || 1} value={p.progress ?? 0} aria-label={t('chat.uploading', { name: p.file.name })} /> : null}
        </p>
      ) : null}
      <div className="status">
        {p.state === 'sending' ? (
          <span className="delivery sending" role="status">
            {t('chat.sending')}
          </span>
        ) : (
          <span className="delivery failed" role="alert">
            {t('chat.failed')}: {errorText(p.error)}{' '}
            <Button variant="link" onClick={() => messenger.retry(p)}>
              {t('chat.retry')}
            </Button>
            <Button variant="link" onClick={() => messenger.discard(p)}>
              {t('chat.discard')}
            </Button>
          </span>
        )}
      </div>
    </li>
  );
}

function FileBlock({ messenger, policy, m }: { messenger: Messenger; policy: Policy; m: Message }) {
  const { t } = useI18n();
  const file = m.file!;
  const [preview, setPreview] = useState<string | undefined>();
  const [error, setError] = useState<Err | null>(null);
  const [progress, setProgress] = useState<number | undefined>();
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);
  // Previews are decrypted in memory: only within the group's auto-download size and PREVIEW_MAX_BYTES.
  const canPreview = mayPreview(policy, file) && file.size <= PREVIEW_MAX_BYTES;
  const showPreview = async () => {
    setError(null);
    try {
      const bytes = await messenger.client.previewFile(file);
      setPreview(URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: file.mime })));
    } catch (err) {
      setError(errorInfo(err));
    }
  };
  // Saved to disk chunk by chunk through the download worker (a tampered chunk or file fails the
  // browser's download and shows why); in memory only where the browser has no service worker.
  const download = async () => {
    setError(null);
    setProgress(0);
    try {
      // A worker that does not start (blocked by the browser's settings) falls back to memory for
      // files that fit there; a download that started is never restarted another way.
      const streamed = canStream()
        ? await diskSink(file).catch((err: unknown) => {
            if (err instanceof DownloadError && err.code === 'download_unavailable' && file.size <= IN_MEMORY_LIMIT) return undefined;
            throw err;
          })
        : undefined;
      if (streamed) {
        await messenger.client.downloadFile(file, streamed, { onProgress: (p) => setProgress(p.bytes) });
      } else {
        const sink = memorySink(file);
        await messenger.client.downloadFile(file, sink, { onProgress: (p) => setProgress(p.bytes) });
        sink.save();
      }
    } catch (err) {
      const info = errorInfo(err);
      if (info.code === 'integrity') setError({ code: 'file_tampered', message: t('file.tampered', { name: file.name }) });
      else if (err instanceof DownloadError) setError({ code: err.code, message: t(err.code === 'too_large' ? 'file.tooLargeHere' : err.code === 'download_cancelled' ? 'file.cancelled' : 'file.streamUnavailable') });
      else setError(info);
    } finally {
      setProgress(undefined);
    }
  };
  const voice = isVoiceMemo(file);
  return (
    <div className={`file${voice ? ' voice-memo' : ''}`}>
      <p>
        <span aria-hidden="true">{voice ? '🎤' : '📎'}</span> {voice ? <span className="tag">{t('voice.memo')}</span> : null} <span className="file-name">{file.name}</span>{' '}
        <span className="muted">({formatBytes(file.size)})</span>
      </p>
      <div className="actions">
        {canPreview && !preview ? <Button onClick={() => void showPreview()}>{voice ? t('voice.play') : t('file.preview')}</Button> : null}
        {policy.enableFileDownload ? (
          <Button onClick={() => void download()} busy={progress !== undefined}>
            {t('file.download')}
          </Button>
        ) : (
          <span className="muted small preview-only">{t('file.previewOnly')}</span>
        )}
        {progress !== undefined ? <progress max={file.size || 1} value={progress} aria-label={t('file.downloading', { name: file.name })} /> : null}
      </div>
      {preview ? (
        file.mime.startsWith('image/') ? (
          <img className="preview" src={preview} alt={t('file.previewOf', { name: file.name })} />
        ) : file.mime.startsWith('video/') ? (
          <video className="preview" src={preview} controls aria-label={t('file.previewOf', { name: file.name })} />
        ) : voice ? (
          <audio className="voice-player" src={preview} controls autoPlay aria-label={t('voice.player', { name: file.name })} />
        ) : file.mime.startsWith('audio/') ? (
          <audio src={preview} controls aria-label={t('file.previewOf', { name: file.name })} />
        ) : (
          <iframe className="preview" src={preview} title={t('file.previewOf', { name: file.name })} />
        )
      ) : null}
      <ErrorAlert error={error} />
    </div>
  );
}

function Composer({ messenger, conv, policy, replyTo, editing, onDone }: { messenger: Messenger; conv: Conversation; policy: Policy; replyTo?: Message; editing?: Message; onDone: () => void }) {
  const { t } = useI18n();
  const duration = useDuration();
  const [text, setText] = useState(editing?.text ?? '');
  const [ttl, setTtl] = useState(0);
  const [bor, setBor] = useState(0);
  const [error, setError] = useState<Err | null>(null);
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
          {ttls.length > 0 ? (
            <label>
              {t('chat.ttl')}{' '}
              <select value={ttl} onChange={(e) => setTtl(Number(e.target.value))}>
                <option value={0}>{t('chat.ttlDefault', { time: duration(policy.maxTtl) })}</option>
                {ttls.map((v) => (
                  <option key={v} value={v}>
                    {duration(v)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {bors.length > 0 ? (
            <label>
              {t('chat.bor')}{' '}
              <select value={bor} onChange={(e) => setBor(Number(e.target.value))}>
                <option value={0}>{t('chat.borOff')}</option>
                {bors.map((v) => (
                  <option key={v} value={v}>
                    {duration(v)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
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
      {confirming ? (
        <Dialog open title={t('boundary.confirmTitle')} onClose={() => setConfirming(undefined)}>
          <p>{t('boundary.confirmBody')}</p>
          <div className="actions">
            <Button
              variant="primary"
              onClick={() => {
                confirming();
                setConfirming(undefined);
              }}
            >
              {t('boundary.confirmSend')}
            </Button>
            <Button onClick={() => setConfirming(undefined)}>{t('common.cancel')}</Button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}

function ForwardDialog({ messenger, s, message, onClose }: { messenger: Messenger; s: MessengerState; message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<Err | null>(null);
  const [done, setDone] = useState<string | undefined>();
  // A conversation across the GovCloud classification boundary: the forward is confirmed like any send.
  const [confirming, setConfirming] = useState<MessengerState['conversations'][number] | undefined>();
  const myId = messenger.client.userId;
  const forward = (c: MessengerState['conversations'][number]) => {
    setError(null);
    messenger.forward(c.id, message).then(
      () => setDone(conversationTitle(c, myId, t)),
      (err: unknown) => setError(errorInfo(err)),
    );
  };
  if (confirming) {
    return (
      <Dialog open title={t('boundary.confirmTitle')} onClose={() => setConfirming(undefined)}>
        <p>{t('boundary.confirmBody')}</p>
        <p className="muted">{t('forward.to', { name: conversationTitle(confirming, myId, t) })}</p>
        <div className="actions">
          <Button
            variant="primary"
            onClick={() => {
              forward(confirming);
              setConfirming(undefined);
            }}
          >
            {t('boundary.confirmSend')}
          </Button>
          <Button onClick={() => setConfirming(undefined)}>{t('common.cancel')}</Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog open title={t('forward.title')} onClose={onClose}>
      <p className="muted">{t('forward.pick')}</p>
      <ul className="pick">
        {s.conversations.map((c) => (
          <li key={c.id}>
            <Button onClick={() => (c.crossBoundary ? setConfirming(c) : forward(c))}>{conversationTitle(c, myId, t)}</Button>
          </li>
        ))}
      </ul>
      {done ? <p role="status">{t('forward.done', { name: done })}</p> : null}
      <ErrorAlert error={error} />
      <div className="actions">
        <Button onClick={onClose}>{t('common.close')}</Button>
      </div>
    </Dialog>
  );
}

function DeleteDialog({ messenger, message, onClose }: { messenger: Messenger; message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<Err | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open title={t('delete.title')} onClose={onClose}>
      <p>{t('delete.body')}</p>
      <ErrorAlert error={error} />
      <div className="actions">
        <Button
          variant="danger"
          busy={busy}
          onClick={() => {
            setBusy(true);
            messenger.deleteForEveryone(message.conv, message.id).then(onClose, (err: unknown) => {
              setError(errorInfo(err));
              setBusy(false);
            });
          }}
        >
          {t('delete.confirm')}
        </Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </Dialog>
  );
}

/** A shared position: its coordinates, and a link to a map only while the security group allows maps. */
function LocationBlock({ location, maps }: { location: { latitude: number; longitude: number; accuracy?: number }; maps: boolean }) {
  const { t } = useI18n();
  const lat = location.latitude.toFixed(5);
  const lon = location.longitude.toFixed(5);
  return (
    <p className="text location">
      <span aria-hidden="true">📍</span> {t('chat.location')}: <span className="coords">{`${lat}, ${lon}`}</span>
      {location.accuracy !== undefined ? <span className="muted small"> {t('location.accuracy', { m: Math.round(location.accuracy) })}</span> : null}
      {maps ? (
        <>
          {' '}
          <a href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`} target="_blank" rel="noopener noreferrer">
            {t('location.map')}
          </a>
        </>
      ) : null}
    </p>
  );
}

/** Shares this device's position (the browser asks the member for permission). */
function ShareLocation({ onShare }: { onShare: (latitude: number, longitude: number, accuracy: number) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Err | null>(null);
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

/** A voice memo is an audio file the messenger recorded (its name starts with voice-memo-). */
export function isVoiceMemo(file: { name: string; mime: string }): boolean {
  return file.mime.startsWith('audio/') && file.name.startsWith('voice-memo-');
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
  const [error, setError] = useState<Err | null>(null);
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
