// 機器人: the network's bots (user name, display name, group, status) with their counts; create, edit,
// delete.
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, listAll, type Bot } from '../../api/admin';
import { Banner, Button, Empty, Menu, YesNo } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { useGroups } from '../../hooks/use-groups';
import { BotDialog } from './bot-dialog';


export function Bots() {
  const { t, number } = useI18n();
  const { networkId } = useNetwork();
  const groups = useGroups(networkId);
  const [version, setVersion] = useState(0);
  const bots = useLoad(() => listAll('ListBots', { networkId, sortFields: 'username', sortDirection: 'ASC' }, (o) => o.bots), [networkId, version]);
  const counts = useLoad(() => call('GetBotsCount', { networkId }), [networkId, version]);
  const [editing, setEditing] = useState<Bot | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Bot | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const groupName = (id?: string) => groups.data?.find((g) => g.id === id)?.name ?? id ?? '—';
  return (
    <div>
      <div className="toolbar">
        <Loaded state={counts}>{(c) => <p className="muted">{t('bots.counts', { total: number(c.total), active: number(c.active), pending: number(c.pending) })}</p>}</Loaded>
        <Button variant="primary" onClick={() => setEditing('new')}>
          {t('bots.create')}
        </Button>
      </div>
      {notice ? <Banner kind="success" title={notice} onDismiss={() => setNotice(null)} /> : null}
      <Loaded state={bots}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('bots.empty')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('users.tab.bots')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('bots.username')}</th>
                  <th scope="col">{t('bots.displayName')}</th>
                  <th scope="col">{t('users.group')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('bots.suspended')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((b) => (
                  <tr key={b.botId}>
                    <td>{b.username}</td>
                    <td>{b.displayName}</td>
                    <td>{groupName(b.groupId)}</td>
                    <td>{b.status === 2 ? t('users.active') : t('users.pending')}</td>
                    <td>
                      <YesNo value={b.suspended} />
                    </td>
                    <td className="row-actions">
                      <Menu
                        label={t('bots.actionsFor', { name: b.username ?? '' })}
                        items={[
                          { label: t('common.edit'), onSelect: () => setEditing(b) },
                          { label: t('common.delete'), danger: true, onSelect: () => setDeleting(b) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {editing ? (
        <BotDialog
          bot={editing === 'new' ? null : editing}
          groups={groups.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={(msg) => {
            setEditing(null);
            setNotice(msg);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          open
          onClose={() => setDeleting(null)}
          title={t('bots.deleteTitle', { name: deleting.username ?? '' })}
          body={<p>{t('bots.deleteBody')}</p>}
          confirmLabel={t('common.delete')}
          onConfirm={async () => {
            await call('DeleteBot', { networkId, botId: deleting.botId! });
            setNotice(t('bots.deleted', { name: deleting.username ?? '' }));
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </div>
  );
}
