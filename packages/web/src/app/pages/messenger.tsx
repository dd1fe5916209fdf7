// The signed-in messenger: header (network, connection, settings, sign out), the data retention
// notice, the conversation list (direct messages, groups, rooms with unread counts and last activity)
// and the routes: a conversation, a new direct message, a new room, room settings, settings, the
// safety number of a contact (with the device-list prompts of components/Safety.tsx).
import type { Conversation } from '@enclave/protocol';
import { useEffect, useRef } from 'react';
import { AccountSafetyBanners, SafetyNumberView } from '../components/safety';
import { Button } from '../../shared/ui';
import { LanguageSwitch } from '../components/language-switch';
import { useI18n } from '../i18n';
import { useMessenger } from '../hooks/use-messenger';
import type { Messenger, MessengerState } from '../lib/messenger';
import { Link, match, navigate, useLocation } from '../lib/router';
import { ChatView } from './chat';
import { NewDm, NewGroup, NewRoom, RoomSettings } from './conversations';
import { SettingsView } from './settings';
import { conversationTitle, dmPeer } from '../lib/names';
import { PresenceDot } from '../components/presence-dot';

export function MessengerView({ messenger, onSignOut }: { messenger: Messenger; onSignOut: () => void }) {
  const { t } = useI18n();
  const s = useMessenger(messenger);
  const { path } = useLocation();
  const convMatch = match('/c/:id', path);
  const roomMatch = match('/c/:id/settings', path);
  const safetyMatch = match('/safety/:userId', path);
  const openId = convMatch?.id;

  useEffect(() => {
    messenger.setOpen(openId);
    return () => messenger.setOpen(undefined);
  }, [messenger, openId]);

  // Focus the main heading after navigation.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);

  let main;
  if (roomMatch?.id) main = <RoomSettings messenger={messenger} id={roomMatch.id} />;
  else if (openId) main = <ChatView key={openId} messenger={messenger} id={openId} />;
  else if (path === '/new/dm') main = <NewDm messenger={messenger} />;
  else if (path === '/new/room') main = <NewRoom messenger={messenger} />;
  else if (path === '/new/group') main = <NewGroup messenger={messenger} />;
  else if (path === '/settings') main = <SettingsView messenger={messenger} />;
  else if (safetyMatch?.userId) main = <SafetyNumberView key={safetyMatch.userId} messenger={messenger} userId={Number(safetyMatch.userId)} />;
  else
    main = (
      <div className="empty-main">
        <h1 tabIndex={-1}>{t('home.title', { network: s.policy.networkName })}</h1>
        <p className="muted">{s.conversations.length === 0 ? t('home.empty') : t('home.pick')}</p>
      </div>
    );

  const me = messenger.client.me.member;
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          {t('app.brand')}
        </Link>
        <span className="network">{s.policy.networkName}</span>
        <span className={`conn conn-${s.connection}`} role="status">
          {t(`conn.${s.connection}`)}
        </span>
        <div className="top-right">
          <span className="me">{me.email}</span>
          <LanguageSwitch />
          <Link to="/settings" className="btn btn-normal">
            {t('nav.settings')}
          </Link>
          <Button onClick={onSignOut}>{t('app.signOut')}</Button>
        </div>
      </header>
      {s.policy.dataRetention ? (
        <div className="banner banner-info" role="note">
          {t('retention.notice')}
        </div>
      ) : null}
      <AccountSafetyBanners messenger={messenger} />
      {s.notice ? (
        <div className="banner banner-error" role="alert">
          {s.notice.message}{' '}
          <Button variant="link" onClick={() => messenger.dismissNotice()}>
            {t('common.dismiss')}
          </Button>
        </div>
      ) : null}
      <div className="layout">
        <nav className="side" aria-label={t('nav.conversations')}>
          <div className="side-actions">
            <Link to="/new/dm" className="btn btn-primary">
              {t('nav.newDm')}
            </Link>
            <Link to="/new/group" className="btn btn-normal">
              {t('nav.newGroup')}
            </Link>
            <Link to="/new/room" className="btn btn-normal">
              {t('nav.newRoom')}
            </Link>
          </div>
          <ConversationList s={s} myId={messenger.client.userId} openId={openId ?? roomMatch?.id} />
        </nav>
        <main id="main">{main}</main>
      </div>
    </>
  );
}

function ConversationList({ s, myId, openId }: { s: MessengerState; myId: number; openId: string | undefined }) {
  const { t, dateTime, time } = useI18n();
  const groups: { kind: Conversation['kind']; title: string }[] = [
    { kind: 'dm', title: t('list.dms') },
    { kind: 'group', title: t('list.groups') },
    { kind: 'room', title: t('list.rooms') },
  ];
  if (!s.loaded) return <p className="muted pad">{t('common.loading')}</p>;
  if (s.conversations.length === 0) return <p className="muted pad">{t('list.none')}</p>;
  const today = new Date().toDateString();
  return (
    <>
      {groups.map((g) => {
        const list = s.conversations.filter((c) => c.kind === g.kind).sort((a, b) => (s.lastActivity[b.id] ?? 0) - (s.lastActivity[a.id] ?? 0));
        if (list.length === 0) return null;
        return (
          <section key={g.kind} aria-label={g.title}>
            <h2 className="side-title">{g.title}</h2>
            <ul className="convs">
              {list.map((c) => {
                const title = conversationTitle(c, myId, t);
                const unread = s.unread[c.id] ?? 0;
                const at = s.lastActivity[c.id];
                const peer = dmPeer(c, myId);
                return (
                  <li key={c.id}>
                    <Link to={`/c/${c.id}`} aria-current={openId === c.id ? 'page' : undefined} className={unread ? 'has-unread' : undefined}>
                      {peer && s.policy.presenceEnabled ? <PresenceDot state={s.presence[peer.userId]} /> : null}
                      <span className="conv-title">{title}</span>
                      {c.crossBoundary ? (
                        <span className="tag-u" title={t('boundary.tagLabel')}>
                          <span aria-hidden="true">{t('boundary.tag')}</span>
                          <span className="sr-only">{t('boundary.tagLabel')}</span>
                        </span>
                      ) : null}
                      {unread > 0 ? (
                        <span className="unread" aria-label={t('list.unread', { n: unread })}>
                          {unread}
                        </span>
                      ) : null}
                      {at ? <span className="when">{new Date(at).toDateString() === today ? time(at) : dateTime(at)}</span> : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
      {s.removedFrom ? (
        <RemovedNotice onDone={() => navigate('/')} />
      ) : null}
    </>
  );
}

function RemovedNotice({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    onDone();
  }, [onDone]);
  return (
    <p className="pad" role="status">
      {t('conv.removed')}
    </p>
  );
}
