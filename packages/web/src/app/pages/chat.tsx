// The chat view of one conversation: messages (text, replies, edits, forwarded, files with preview and
// download, timers with a live countdown), the delivery state of this device's messages (sending,
// ✓ sent, ● read in 1:1 when the network allows receipts, failed with retry), the composer
// (components/composer.tsx) and the message dialogs (components/message-dialogs.tsx), with the safety
// notices, badge and prompts of components/safety.tsx. Forwarding is offered only when the security
// group allows it.
import type { Message } from '@enclave/client';
import type { Conversation } from '@enclave/protocol';
import { useEffect, useRef, useState } from 'react';
import { FileBlock, LocationBlock } from '../components/attachments';
import { Composer } from '../components/composer';
import { DeleteDialog, ForwardDialog } from '../components/message-dialogs';
import { ChatSafetyHead, IdentityChangedPrompt, SafetyNoticeLine, useChatSafety, withNotices } from '../components/safety';
import { Button } from '../../shared/ui';
import { formatBytes } from '../lib/format-bytes';
import { useErrorText } from '../hooks/use-error-text';
import { useI18n } from '../i18n';
import { useMessenger } from '../hooks/use-messenger';
import type { Messenger, MessengerState, Outgoing } from '../lib/messenger';
import { Link } from '../lib/router';
import { clock, soonestTimer } from '../lib/timers';
import { useDuration } from '../hooks/use-duration';
import { useNow } from '../hooks/use-now';
import { conversationTitle, dmPeer, memberName } from '../lib/names';
import { PresenceDot } from '../components/presence-dot';

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
  const now = useNow(soonestTimer(messages));
  const notices = useChatSafety(messenger, conv);

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, pending.length, notices?.length]);

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
        <ChatSafetyHead messenger={messenger} conv={conv} />
        {conv.kind !== 'dm' ? (
          <Link to={`/c/${conv.id}/settings`} className="btn btn-normal">
            {t(conv.kind === 'room' ? 'room.settings' : 'group.settings')}
          </Link>
        ) : null}
      </div>
      {conv.description ? <p className="muted desc">{conv.description}</p> : null}
      <ol className="messages" ref={listRef} aria-label={t('chat.messages')} tabIndex={0}>
        {messages.length === 0 && pending.length === 0 ? <li className="muted system">{t('chat.empty')}</li> : null}
        {withNotices(messages, notices).map(({ m, n }) => n ? <SafetyNoticeLine key={n.id} messenger={messenger} n={n} /> : (
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
      <IdentityChangedPrompt messenger={messenger} conv={conv} />
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
