// Starting conversations and managing rooms: a direct message with someone from the team directory
// (search by name or email), a new room (name, description, members), and a room's settings (name and
// description, members and moderators for moderators, leave, delete).
import type { Member } from '@enclave/protocol';
import { useState } from 'react';
import { Button, Dialog } from '../../shared/ui';
import { ErrorAlert } from '../components/error-alert';
import { TextField } from '../components/text-field';
import { useI18n } from '../i18n';
import { errorInfo, type ErrorInfo, type Messenger } from '../lib/messenger';
import { useMessenger } from '../hooks/use-messenger';
import { navigate } from '../lib/router';
import { memberName } from '../lib/names';
import { useDirectory } from '../hooks/use-directory';

export function NewDm({ messenger }: { messenger: Messenger }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const { members, error, loading } = useDirectory(messenger, query);
  const [openError, setOpenError] = useState<ErrorInfo | null>(null);
  const start = async (m: Member) => {
    setOpenError(null);
    try {
      const conv = await messenger.client.openDm(m.userId);
      messenger.adopt(conv);
      navigate(`/c/${conv.id}`);
    } catch (err) {
      setOpenError(errorInfo(err));
    }
  };
  return (
    <div className="pane">
      <h1 tabIndex={-1}>{t('dm.title')}</h1>
      <TextField label={t('dir.search')} type="search" value={query} onChange={setQuery} name="directory-search" autoComplete="off" />
      <ErrorAlert error={error ?? openError} />
      {loading ? <p className="muted">{t('common.loading')}</p> : null}
      {!loading && members.length === 0 ? <p className="muted">{t('dir.none')}</p> : null}
      <ul className="directory" aria-label={t('dir.results')}>
        {members.map((m) => (
          <li key={m.userId}>
            <Button onClick={() => void start(m)} aria-label={t('dm.with', { name: memberName(m) })}>
              <span className="who">{memberName(m)}</span> <span className="muted small">{m.email}</span>
              {m.external ? <span className="tag">{t('dir.external')}</span> : null}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function MemberPicker({ messenger, chosen, onToggle, exclude = [] }: { messenger: Messenger; chosen: Member[]; onToggle: (m: Member) => void; exclude?: number[] }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const { members, error } = useDirectory(messenger, query);
  return (
    <fieldset className="picker">
      <legend>{t('room.members')}</legend>
      {chosen.length > 0 ? (
        <ul className="chosen" aria-label={t('room.chosen')}>
          {chosen.map((m) => (
            <li key={m.userId}>
              {memberName(m)}{' '}
              <Button variant="link" onClick={() => onToggle(m)} aria-label={t('room.unchoose', { name: memberName(m) })}>
                ✕
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <TextField label={t('dir.search')} type="search" value={query} onChange={setQuery} name="member-search" autoComplete="off" />
      <ErrorAlert error={error} />
      <ul className="directory">
        {members
          .filter((m) => !exclude.includes(m.userId))
          .map((m) => {
            const on = chosen.some((c) => c.userId === m.userId);
            return (
              <li key={m.userId} className="check">
                <input type="checkbox" id={`pick-${m.userId}`} checked={on} onChange={() => onToggle(m)} />
                <label htmlFor={`pick-${m.userId}`}>
                  {memberName(m)} <span className="muted small">{m.email}</span>
                </label>
              </li>
            );
          })}
      </ul>
    </fieldset>
  );
}

function toggle(list: Member[], m: Member): Member[] {
  return list.some((x) => x.userId === m.userId) ? list.filter((x) => x.userId !== m.userId) : [...list, m];
}

export function NewRoom({ messenger }: { messenger: Messenger }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<Member[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    const e: Record<string, string> = {};
    if (!name.trim()) e.name = t('v.required');
    else if (name.trim().length > 100) e.name = t('v.max', { n: 100 });
    if (description.length > 1000) e.description = t('v.max', { n: 1000 });
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      const conv = await messenger.client.createRoom({ name: name.trim(), description: description.trim(), members: chosen.map((m) => m.userId) });
      messenger.adopt(conv);
      navigate(`/c/${conv.id}`);
    } catch (err) {
      setError(errorInfo(err));
      setBusy(false);
    }
  };
  return (
    <div className="pane">
      <h1 tabIndex={-1}>{t('room.new')}</h1>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <TextField label={t('room.name')} value={name} onChange={setName} error={errors.name} name="room-name" autoComplete="off" />
        <TextField label={t('room.description')} value={description} onChange={setDescription} error={errors.description} name="room-description" multiline />
        <MemberPicker messenger={messenger} chosen={chosen} onToggle={(m) => setChosen((c) => toggle(c, m))} />
        <ErrorAlert error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('room.create')}
        </Button>
      </form>
    </div>
  );
}

/** A group conversation: chosen members (at least two others), and a name if the member gives one. */
export function NewGroup({ messenger }: { messenger: Messenger }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Member[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    const e: Record<string, string> = {};
    if (name.trim().length > 100) e.name = t('v.max', { n: 100 });
    if (chosen.length < 2) e.members = t('group.minMembers');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    setError(null);
    try {
      const conv = await messenger.client.createGroup(
        chosen.map((m) => m.userId),
        name.trim() || undefined,
      );
      messenger.adopt(conv);
      navigate(`/c/${conv.id}`);
    } catch (err) {
      setError(errorInfo(err));
      setBusy(false);
    }
  };
  return (
    <div className="pane">
      <h1 tabIndex={-1}>{t('group.new')}</h1>
      <p className="muted">{t('group.newHint')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <TextField label={t('group.name')} value={name} onChange={setName} error={errors.name} name="group-name" autoComplete="off" />
        <MemberPicker messenger={messenger} chosen={chosen} onToggle={(m) => setChosen((c) => toggle(c, m))} />
        {errors.members ? (
          <p className="field-error" role="alert">
            {errors.members}
          </p>
        ) : null}
        <ErrorAlert error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t('group.create')}
        </Button>
      </form>
    </div>
  );
}

export function RoomSettings({ messenger, id }: { messenger: Messenger; id: string }) {
  const { t } = useI18n();
  const s = useMessenger(messenger);
  const conv = s.conversations.find((c) => c.id === id);
  const [adding, setAdding] = useState<Member[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirm, setConfirm] = useState<'leave' | 'delete' | undefined>();
  const [name, setName] = useState(conv?.name ?? '');
  const [description, setDescription] = useState(conv?.description ?? '');
  const [saved, setSaved] = useState(false);
  if (!conv) {
    return (
      <div className="pane">
        <h1 tabIndex={-1}>{s.loaded ? t('conv.unavailable') : t('common.loading')}</h1>
      </div>
    );
  }
  const myId = messenger.client.userId;
  const me = conv.members.find((m) => m.userId === myId);
  const moderator = conv.kind === 'room' ? me?.role === 'moderator' : conv.createdBy === myId;
  const canManage = conv.kind === 'room' ? moderator : true;
  const update = async (patch: Parameters<typeof messenger.client.updateConversation>[1]) => {
    setError(null);
    setSaved(false);
    try {
      const next = await messenger.client.updateConversation(conv.id, patch);
      messenger.adopt(next);
      setSaved(true);
    } catch (err) {
      setError(errorInfo(err));
    }
  };
  return (
    <div className="pane">
      <h1 tabIndex={-1}>{t(conv.kind === 'room' ? 'room.settingsOf' : 'group.settingsOf', { name: conv.name || t('conv.unnamed') })}</h1>
      <p>
        <Button variant="link" onClick={() => navigate(`/c/${conv.id}`)}>
          ← {t('room.back')}
        </Button>
      </p>
      <ErrorAlert error={error} />
      {saved ? <p role="status">{t('common.saved')}</p> : null}
      {canManage ? (
        <form
          className="card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) return setError({ code: 'bad_request', message: t('v.required') });
            void update({ name: name.trim(), description: description.trim() });
          }}
        >
          <TextField label={t('room.name')} value={name} onChange={setName} name="room-name" />
          <TextField label={t('room.description')} value={description} onChange={setDescription} name="room-description" multiline />
          <Button type="submit">{t('common.save')}</Button>
        </form>
      ) : null}
      <section className="card" aria-labelledby="members-h">
        <h2 id="members-h">{t('room.memberList', { n: conv.members.length })}</h2>
        <ul className="members">
          {conv.members.map((m) => (
            <li key={m.userId}>
              <span className="who">{memberName(m)}</span> <span className="muted small">{m.email}</span>
              {m.role === 'moderator' ? <span className="tag">{t('room.moderator')}</span> : null}
              {moderator && m.userId !== myId ? (
                <span className="actions">
                  {conv.kind === 'room' ? (
                    m.role === 'moderator' ? (
                      <Button variant="link" onClick={() => void update({ removeModerators: [m.userId] })}>
                        {t('room.unmod', { name: memberName(m) })}
                      </Button>
                    ) : (
                      <Button variant="link" onClick={() => void update({ addModerators: [m.userId] })}>
                        {t('room.mod', { name: memberName(m) })}
                      </Button>
                    )
                  ) : null}
                  <Button variant="link" onClick={() => void update({ removeMembers: [m.userId] })}>
                    {t('room.remove', { name: memberName(m) })}
                  </Button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {canManage ? (
        <section className="card" aria-labelledby="add-h">
          <h2 id="add-h">{t('room.add')}</h2>
          <MemberPicker messenger={messenger} chosen={adding} onToggle={(m) => setAdding((c) => toggle(c, m))} exclude={conv.members.map((m) => m.userId)} />
          <Button
            disabled={adding.length === 0}
            onClick={() => {
              void update({ addMembers: adding.map((m) => m.userId) }).then(() => setAdding([]));
            }}
          >
            {t('room.addChosen')}
          </Button>
        </section>
      ) : null}
      <div className="actions">
        <Button onClick={() => setConfirm('leave')}>{t(conv.kind === 'room' ? 'room.leave' : 'group.leave')}</Button>
        {moderator ? (
          <Button variant="danger" onClick={() => setConfirm('delete')}>
            {t(conv.kind === 'room' ? 'room.delete' : 'group.delete')}
          </Button>
        ) : null}
      </div>
      {confirm ? (
        <Dialog open title={t(confirm === 'leave' ? 'room.leaveTitle' : 'room.deleteTitle')} onClose={() => setConfirm(undefined)}>
          <p>{t(confirm === 'leave' ? 'room.leaveBody' : 'room.deleteBody')}</p>
          <div className="actions">
            <Button
              variant="danger"
              onClick={() => {
                const act = confirm === 'leave' ? messenger.leave(conv.id) : messenger.remove(conv.id);
                act.then(
                  () => navigate('/'),
                  (err: unknown) => {
                    setConfirm(undefined);
                    setError(errorInfo(err));
                  },
                );
              }}
            >
              {t(confirm === 'leave' ? 'room.leaveConfirm' : 'room.deleteConfirm')}
            </Button>
            <Button onClick={() => setConfirm(undefined)}>{t('common.cancel')}</Button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
