// 安全群組: the list of a network's security groups (default first), create, and delete (type
// "confirm"; members move to the default group).
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call } from '../../api/admin';
import { Button, Empty, Menu } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Loaded } from '../../components/errors';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import type { Group } from './group';
import { CreateGroupDialog } from './create-group-dialog';

export function SecurityGroupsPage() {
  const { t, dateTime, number } = useI18n();
  const { networkId, network } = useNetwork();
  const state = useLoad(async () => {
    const all: Group[] = [];
    let nextToken: string | undefined;
    do {
      const out = await call('ListSecurityGroups', { networkId, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
      all.push(...((out.securityGroups ?? []) as Group[]));
      nextToken = out.nextToken;
    } while (nextToken);
    return all.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
  }, [networkId]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Group | null>(null);

  return (
    <Page
      title={t('groups.title')}
      back={{ to: `/networks/${networkId}`, label: network.networkName }}
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('groups.create')}
        </Button>
      }
    >
      <p className="muted">{t('groups.intro')}</p>
      <Loaded state={state}>
        {(groups) =>
          groups.length === 0 ? (
            <Empty title={t('groups.empty')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('groups.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('groups.name')}</th>
                  <th scope="col">{t('groups.id')}</th>
                  <th scope="col">{t('groups.members')}</th>
                  <th scope="col">{t('groups.bots')}</th>
                  <th scope="col">{t('groups.modified')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.id}>
                    <td>
                      <Link to={`/networks/${networkId}/security-groups/${g.id}`}>{g.name}</Link>
                      {g.isDefault ? <span className="badge">{t('groups.default')}</span> : null}
                    </td>
                    <td>
                      <code>{g.id}</code>
                    </td>
                    <td>{number(g.activeMembers)}</td>
                    <td>{number(g.botMembers)}</td>
                    <td>{dateTime(g.modified)}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('groups.actionsFor', { name: g.name })}
                        items={[
                          { label: t('groups.view'), onSelect: () => navigate(`/networks/${networkId}/security-groups/${g.id}`) },
                          { label: t('common.delete'), danger: true, disabled: g.isDefault, onSelect: () => setDeleting(g) },
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
      <CreateGroupDialog open={creating} onClose={() => setCreating(false)} networkId={networkId} onCreated={(g) => navigate(`/networks/${networkId}/security-groups/${g.id}`)} />
      {deleting ? (
        <ConfirmDialog
          open
          onClose={() => setDeleting(null)}
          title={t('groups.deleteTitle', { name: deleting.name })}
          requireText={t('common.confirmWord')}
          confirmLabel={t('common.delete')}
          body={<p>{t('groups.deleteBody', { n: deleting.activeMembers + deleting.botMembers })}</p>}
          onConfirm={async () => {
            await call('DeleteSecurityGroup', { networkId, groupId: deleting.id });
            const id = deleting.id;
            state.setData((gs) => (gs ?? []).filter((g) => g.id !== id));
            void state.reload();
          }}
        />
      ) : null}
    </Page>
  );
}
