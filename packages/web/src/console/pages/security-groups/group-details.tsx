// The details tab of a security group: name (rename), ID, default, members, created / modified.
import { useState } from 'react';
import { call } from '../../api/admin';
import { ApiError } from '../../api/http';
import { Button, DescriptionList, Empty, Section, TextField, YesNo } from '../../../shared/ui';
import { ErrorBanner, Loaded } from '../../components/errors';
import { useTr } from '../../hooks/use-tr';
import { useI18n } from '../../i18n';
import { groupNameProblem } from '../../lib/forms';
import { useLoad } from '../../hooks/use-load';
import type { Group } from './group';

export function GroupDetails({ group, networkId, onSaved }: { group: Group; networkId: string; onSaved: (g: Group) => void }) {
  const { t, dateTime, number } = useI18n();
  const tr = useTr();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(group.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nameErr, setNameErr] = useState<string | null>(null);
  const members = useLoad(() => call('ListSecurityGroupUsers', { networkId, groupId: group.id, maxResults: 100, sortFields: 'username', sortDirection: 'ASC' }), [networkId, group.id, group.modified]);
  const save = async () => {
    const p = groupNameProblem(name);
    if (p) {
      setNameErr(tr(p.key));
      return;
    }
    setBusy(true);
    setError(null);
    setNameErr(null);
    try {
      const out = await call('UpdateSecurityGroup', { networkId, groupId: group.id, name: name.trim() });
      onSaved(out.securityGroup as Group);
      setEditing(false);
    } catch (err) {
      if (err instanceof ApiError) setNameErr(err.reasons.find((r) => r.field === 'name')?.reason ?? null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Section
        title={t('sg.details')}
        actions={
          editing ? null : (
            <Button
              onClick={() => {
                setName(group.name);
                setEditing(true);
              }}
              aria-label={t('sg.editSection', { section: t('sg.details') })}
            >
              {t('common.edit')}
            </Button>
          )
        }
      >
        {editing ? (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <TextField label={t('groups.name')} value={name} onChange={setName} required error={nameErr} hint={t('groups.nameHint')} name="groupName" />
            <ErrorBanner error={error} title={t('common.saveFailed')} />
            <div className="form-actions">
              <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
              <Button type="submit" variant="primary" busy={busy}>
                {t('common.saveChanges')}
              </Button>
            </div>
          </form>
        ) : (
          <DescriptionList
            items={[
              [t('groups.name'), group.name],
              [t('groups.id'), <code key="id">{group.id}</code>],
              [t('groups.default'), <YesNo key="d" value={group.isDefault} />],
              [t('groups.members'), number(group.activeMembers)],
              [t('groups.bots'), number(group.botMembers)],
              [t('groups.modified'), dateTime(group.modified)],
            ]}
          />
        )}
      </Section>
      <Section title={t('sg.memberList')}>
        <Loaded state={members}>
          {(out) =>
            (out.users ?? []).length === 0 ? (
              <Empty title={t('sg.noMembers')} />
            ) : (
              <ul className="plain">
                {(out.users ?? []).map((u) => (
                  <li key={u.userId}>{u.username}</li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}
