// 團隊目錄: the users of the network (search, status and group filters, sort, pages), their counts,
// invite and the bulk actions, CSV export, and per user: details, edit, devices, re-invite, suspend /
// unsuspend, delete.
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, listAll, type User } from '../../api/admin';
import { ApiError, clientToken } from '../../api/http';
import { Banner, Button, Empty, Menu, Pager, SelectField, SortHeader, TextField } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { DIRECTORY_HEADERS, toCsv } from '../../lib/csv';
import { navigate } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import { useGroups } from '../../hooks/use-groups';
import { useOidc } from '../../hooks/use-oidc';
import { ssoOn } from '../../lib/sso';
import { userStatusKey } from './user-status';
import { download } from '../../lib/download';
import { UserDetailsDialog } from './user-details-dialog';
import { EditUserDialog } from './edit-user-dialog';
import { DevicesDialog } from './devices-dialog';

type Sort = { field: string; dir: 'ASC' | 'DESC' };

export function TeamDirectory() {
  const { t, number } = useI18n();
  const { networkId } = useNetwork();
  const groups = useGroups(networkId);
  const oidc = useOidc(networkId);
  const counts = useLoad(() => call('GetUsersCount', { networkId }), [networkId]);
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [status, setStatus] = useState('');
  const [groupId, setGroupId] = useState('');
  const [sort, setSort] = useState<Sort>({ field: 'username', dir: 'ASC' });
  const [pageSize, setPageSize] = useState(10);
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [version, setVersion] = useState(0);
  const page = tokens.length;
  const token = tokens[tokens.length - 1];
  const list = useLoad(
    () =>
      call('ListUsers', {
        networkId,
        maxResults: pageSize,
        sortFields: sort.field,
        sortDirection: sort.dir,
        ...(applied ? { username: applied } : {}),
        ...(status ? { status: Number(status) as 1 | 2 } : {}),
        ...(groupId ? { groupId } : {}),
        ...(token ? { nextToken: token } : {}),
      }),
    [networkId, applied, status, groupId, sort.field, sort.dir, pageSize, token, version],
  );
  const resetPages = () => setTokens([undefined]);
  const refresh = () => {
    setVersion((v) => v + 1);
    void counts.reload();
  };
  const groupName = (id?: string) => groups.data?.find((g) => g.id === id)?.name ?? id ?? '—';
  const sso = ssoOn(oidc.data);
  const [action, setAction] = useState<{ kind: 'delete' | 'suspend' | 'unsuspend' | 'reinvite' | 'edit' | 'devices' | 'details'; user: User } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>(null);

  const downloadCsv = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const users = await listAll('ListUsers', { networkId, sortFields: 'username', sortDirection: 'ASC' }, (o) => o.users);
      const rows = users.map((u) => [u.username ?? '', u.firstName ?? '', u.lastName ?? '', groupName(u.securityGroups?.[0]), t(userStatusKey(u)), u.userId ?? '', u.countryCode ?? '', u.cell ?? '']);
      download(`team-directory-${networkId}.csv`, toCsv([DIRECTORY_HEADERS, ...rows]));
    } catch (err) {
      setDownloadError(err);
    } finally {
      setDownloading(false);
    }
  };

  const runBatch = async (kind: 'delete' | 'suspend' | 'unsuspend' | 'reinvite', user: User) => {
    const userIds = [user.userId!];
    const out =
      kind === 'delete'
        ? await call('BatchDeleteUser', { networkId, userIds, clientToken: clientToken() })
        : kind === 'reinvite'
          ? await call('BatchReinviteUser', { networkId, userIds, clientToken: clientToken() })
          : await call('BatchToggleUserSuspendStatus', { networkId, userIds, suspend: kind === 'suspend', clientToken: clientToken() });
    if (out.failed && out.failed.length) throw new ApiError('BatchItemFailed', 400, out.failed.map((f) => f.reason).join('; '));
    setNotice(t(`users.done.${kind}`, { email: user.username ?? '' }));
    refresh();
  };

  return (
    <div>
      <div className="toolbar">
        <Loaded state={counts}>
          {(c) => (
            <p className="muted" aria-live="polite">
              {t('users.counts', { total: number(c.total), active: number(c.active), pending: number(c.pending) })}
            </p>
          )}
        </Loaded>
        <div className="actions">
          <Button variant="primary" onClick={() => navigate(`/networks/${networkId}/users/invite`)}>
            {t('users.invite')}
          </Button>
          <Menu
            label={t('users.manage')}
            text={t('users.manage')}
            items={[
              { label: t('bulk.invite.title'), onSelect: () => navigate(`/networks/${networkId}/users/bulk/invite`) },
              { label: t('bulk.delete.title'), disabled: sso, onSelect: () => navigate(`/networks/${networkId}/users/bulk/delete`) },
              { label: t('bulk.suspend.title'), disabled: sso, onSelect: () => navigate(`/networks/${networkId}/users/bulk/suspend`) },
              { label: t('users.downloadCsv'), onSelect: () => void downloadCsv() },
            ]}
          />
        </div>
      </div>
      {sso ? <Banner kind="info">{t('bulk.ssoDisabled')}</Banner> : null}
      {downloading ? <Banner kind="info">{t('users.downloading')}</Banner> : null}
      <ErrorBanner error={downloadError} onDismiss={() => setDownloadError(null)} />
      {notice ? <Banner kind="success" title={notice} onDismiss={() => setNotice(null)} /> : null}
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search.trim());
          resetPages();
        }}
      >
        <TextField label={t('users.search')} value={search} onChange={setSearch} hint={t('users.searchHint')} name="search" />
        <Button type="submit">{t('common.search')}</Button>
        <SelectField
          label={t('users.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            resetPages();
          }}
          options={[
            { value: '', label: t('common.all') },
            { value: '2', label: t('users.active') },
            { value: '1', label: t('users.pending') },
          ]}
          name="status"
        />
        <SelectField
          label={t('users.group')}
          value={groupId}
          onChange={(v) => {
            setGroupId(v);
            resetPages();
          }}
          options={[{ value: '', label: t('common.all') }, ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))]}
          name="groupFilter"
        />
      </form>
      <Loaded state={list}>
        {(out) =>
          (out.users ?? []).length === 0 ? (
            <Empty title={applied || status || groupId ? t('users.noMatch') : t('users.empty')} />
          ) : (
            <>
              <table className="table">
                <caption className="sr-only">{t('users.tab.directory')}</caption>
                <thead>
                  <tr>
                    <SortHeader label={t('users.firstName')} field="firstName" sort={sort} onSort={(f, d) => (setSort({ field: f, dir: d }), resetPages())} />
                    <SortHeader label={t('users.lastName')} field="lastName" sort={sort} onSort={(f, d) => (setSort({ field: f, dir: d }), resetPages())} />
                    <SortHeader label={t('users.email')} field="username" sort={sort} onSort={(f, d) => (setSort({ field: f, dir: d }), resetPages())} />
                    <SortHeader label={t('users.group')} field="groupId" sort={sort} onSort={(f, d) => (setSort({ field: f, dir: d }), resetPages())} />
                    <SortHeader label={t('users.status')} field="status" sort={sort} onSort={(f, d) => (setSort({ field: f, dir: d }), resetPages())} />
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(out.users ?? []).map((u) => (
                    <tr key={u.userId}>
                      <td>{u.firstName || '—'}</td>
                      <td>{u.lastName || '—'}</td>
                      <td>{u.username}</td>
                      <td>{groupName(u.securityGroups?.[0])}</td>
                      <td>
                        <span className={`status ${userStatusKey(u).split('.')[1]}`}>{t(userStatusKey(u))}</span>
                      </td>
                      <td className="row-actions">
                        <Menu
                          label={t('users.actionsFor', { email: u.username ?? '' })}
                          items={[
                            { label: t('users.viewDetails'), onSelect: () => setAction({ kind: 'details', user: u }) },
                            { label: t('users.viewDevices'), onSelect: () => setAction({ kind: 'devices', user: u }) },
                            { label: t('common.edit'), onSelect: () => setAction({ kind: 'edit', user: u }) },
                            u.suspended
                              ? { label: t('users.unsuspend'), onSelect: () => setAction({ kind: 'unsuspend', user: u }) }
                              : { label: t('users.suspend'), onSelect: () => setAction({ kind: 'suspend', user: u }) },
                            { label: t('users.resendInvite'), disabled: u.status !== 1, onSelect: () => setAction({ kind: 'reinvite', user: u }) },
                            { label: t('common.delete'), danger: true, onSelect: () => setAction({ kind: 'delete', user: u }) },
                          ]}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager
                page={page}
                hasPrev={page > 1}
                hasNext={!!out.nextToken}
                onPrev={() => setTokens((ts) => ts.slice(0, -1))}
                onNext={() => setTokens((ts) => [...ts, out.nextToken])}
                pageSize={pageSize}
                onPageSize={(n) => {
                  setPageSize(n);
                  resetPages();
                }}
              />
            </>
          )
        }
      </Loaded>
      {action && (action.kind === 'delete' || action.kind === 'suspend' || action.kind === 'unsuspend' || action.kind === 'reinvite') ? (
        <ConfirmDialog
          open
          onClose={() => setAction(null)}
          danger={action.kind === 'delete' || action.kind === 'suspend'}
          title={t(`users.confirm.${action.kind}.title`, { email: action.user.username ?? '' })}
          body={<p>{t(`users.confirm.${action.kind}.body`, { email: action.user.username ?? '' })}</p>}
          confirmLabel={t(`users.confirm.${action.kind}.button`)}
          onConfirm={() => runBatch(action.kind as 'delete', action.user)}
        />
      ) : null}
      {action?.kind === 'edit' ? <EditUserDialog user={action.user} groups={groups.data ?? []} onClose={() => setAction(null)} onSaved={() => (setAction(null), setNotice(t('users.done.edit', { email: action.user.username ?? '' })), refresh())} /> : null}
      {action?.kind === 'devices' ? <DevicesDialog user={action.user} onClose={() => setAction(null)} /> : null}
      {action?.kind === 'details' ? <UserDetailsDialog user={action.user} groupName={groupName(action.user.securityGroups?.[0])} onClose={() => setAction(null)} /> : null}
    </div>
  );
}
