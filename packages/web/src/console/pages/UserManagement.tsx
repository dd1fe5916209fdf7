// 使用者管理: the SSO section, then tabs for 團隊目錄 (team directory), 訪客使用者 (guest users) and
// 機器人 (bots).
import { useEffect, useState } from 'react';
import { useNetwork } from '../hooks/use-network';
import { call, listAll, type Bot, type SecurityGroup, type User } from '../api/admin';
import { ApiError, clientToken } from '../api/http';
import { Banner, Button, DescriptionList, Empty, Menu, Modal, Pager, Section, SelectField, SortHeader, Tabs, TextField, YesNo } from '../../shared/ui';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { DIRECTORY_HEADERS, toCsv } from '../lib/csv';
import { botProblems, normalizeCell, normalizeCountryCode, phoneProblems, type BotForm } from '../lib/forms';
import { navigate, setQueryParam, useLocation } from '../lib/router';
import { prefixedCompanyId } from '../lib/companyId';
import { useLoad } from '../hooks/use-load';

export function useGroups(networkId: string) {
  return useLoad(() => listAll('ListSecurityGroups', { networkId }, (o) => o.securityGroups as SecurityGroup[]), [networkId]);
}

export function useOidc(networkId: string) {
  return useLoad(() => call('GetOidcInfo', { networkId }), [networkId]);
}

export function ssoOn(info: { openidConnectInfo?: { issuer?: string } } | undefined): boolean {
  return !!info?.openidConnectInfo?.issuer;
}

/** Status text of a user: suspended wins over pending / active. */
export function userStatusKey(u: Pick<User, 'status' | 'suspended'>): 'users.suspended' | 'users.pending' | 'users.active' {
  if (u.suspended) return 'users.suspended';
  return u.status === 2 ? 'users.active' : 'users.pending';
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
export { download };

function SsoSection() {
  const { t } = useI18n();
  const { networkId, network } = useNetwork();
  const state = useOidc(networkId);
  return (
    <Section
      title={t('sso.title')}
      actions={
        <Button variant="primary" onClick={() => navigate(`/networks/${networkId}/users/sso`)}>
          {t('sso.configure')}
        </Button>
      }
    >
      <Loaded state={state}>
        {(info) => {
          const c = info.openidConnectInfo;
          return (
            <>
              <p className="muted">{t('sso.intro')}</p>
              <DescriptionList
                items={[
                  [t('sso.status'), ssoOn(info) ? t('sso.on') : t('sso.off')],
                  [t('sso.endpoint'), <code key="e">{window.location.origin}</code>],
                  [t('sso.redirectUri'), c?.redirectUrl ? <code key="r">{c.redirectUrl}</code> : '—'],
                  ...(ssoOn(info)
                    ? ([
                        [t('sso.issuer'), c?.issuer],
                        [t('sso.clientId'), c?.clientId ?? c?.userId],
                        [t('sso.scopes'), c?.scopes],
                        [t('sso.companyId'), <code key="c">{c?.companyId}</code>],
                        [t('sso.companyIdMembers'), <code key="cm">{prefixedCompanyId(c?.companyId ?? '', network.networkArn)}</code>],
                        [t('sso.customUsername'), c?.customUsername],
                        [t('sso.grace'), c?.ssoTokenBufferMinutes ? t('sso.graceMinutes', { n: c.ssoTokenBufferMinutes }) : t('sso.graceNone')],
                      ] as [string, string | undefined][])
                    : []),
                ]}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

export function UserManagementPage() {
  const { t } = useI18n();
  const { network, networkId } = useNetwork();
  const { query } = useLocation();
  const tab = (['directory', 'guests', 'bots'] as const).find((x) => x === query.get('tab')) ?? 'directory';
  return (
    <Page title={t('users.title')} back={{ to: `/networks/${networkId}`, label: network.networkName }}>
      <SsoSection />
      <Tabs
        label={t('users.tabsLabel')}
        tabs={[
          { id: 'directory', label: t('users.tab.directory') },
          { id: 'guests', label: t('users.tab.guests') },
          { id: 'bots', label: t('users.tab.bots') },
        ]}
        active={tab}
        onChange={(id) => setQueryParam('tab', id === 'directory' ? undefined : id)}
      >
        {tab === 'directory' ? <TeamDirectory /> : tab === 'guests' ? <GuestUsers /> : <Bots />}
      </Tabs>
    </Page>
  );
}

type Sort = { field: string; dir: 'ASC' | 'DESC' };

function TeamDirectory() {
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

function UserDetailsDialog({ user, groupName, onClose }: { user: User; groupName: string; onClose: () => void }) {
  const { t } = useI18n();
  const notSet = <span className="muted">{t('users.notSet')}</span>;
  return (
    <Modal open onClose={onClose} title={t('users.detailsTitle', { email: user.username ?? '' })} footer={<Button onClick={onClose}>{t('common.close')}</Button>}>
      <DescriptionList
        items={[
          [t('users.firstName'), user.firstName || notSet],
          [t('users.lastName'), user.lastName || notSet],
          [t('users.email'), user.username],
          [t('users.group'), groupName],
          [t('users.status'), t(userStatusKey(user))],
          [t('users.countryCode'), user.countryCode ? `+${user.countryCode}` : notSet],
          [t('users.cell'), user.cell || notSet],
          [t('users.userId'), <code key="id">{user.userId}</code>],
        ]}
      />
    </Modal>
  );
}

function EditUserDialog({ user, groups, onClose, onSaved }: { user: User; groups: SecurityGroup[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const [firstName, setFirst] = useState(user.firstName ?? '');
  const [lastName, setLast] = useState(user.lastName ?? '');
  const [username, setUsername] = useState(user.username ?? '');
  const [groupId, setGroupId] = useState(user.securityGroups?.[0] ?? '');
  const [countryCode, setCountryCode] = useState(user.countryCode ?? '');
  const [cell, setCell] = useState(user.cell ?? '');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const problems = phoneProblems({ countryCode, cell });
  const err = (k: string) => (shown && problems[k] ? tr(problems[k]!.key) : null) ?? fieldErr[k] ?? null;
  const clearErr = (k: string) => setFieldErr((e) => Object.fromEntries(Object.entries(e).filter(([f]) => f !== k)));
  const save = async () => {
    setShown(true);
    if (Object.keys(problems).length) return;
    const details: Record<string, unknown> = {};
    if (firstName !== (user.firstName ?? '')) details.firstName = firstName;
    if (lastName !== (user.lastName ?? '')) details.lastName = lastName;
    if (username.trim() !== (user.username ?? '')) details.username = username.trim();
    if (groupId !== (user.securityGroups?.[0] ?? '')) details.securityGroupIds = [groupId];
    // Sent as the server stores them; '' clears a stored value.
    const cc = normalizeCountryCode(countryCode) ?? '';
    const phone = normalizeCell(cell) ?? '';
    if (cc !== (user.countryCode ?? '')) details.countryCode = cc;
    if (phone !== (user.cell ?? '')) details.cell = phone;
    if (!Object.keys(details).length) return onClose();
    setBusy(true);
    setError(null);
    setFieldErr({});
    try {
      await call('UpdateUser', { networkId, userId: user.userId!, userDetails: details });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of err.reasons) f[r.field.replace(/^userDetails\./, '')] = r.reason;
        setFieldErr(f);
      }
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={t('users.editTitle', { email: user.username ?? '' })}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            {t('common.saveChanges')}
          </Button>
        </>
      }
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <TextField label={t('users.firstName')} value={firstName} onChange={setFirst} error={fieldErr.firstName} name="firstName" />
        <TextField label={t('users.lastName')} value={lastName} onChange={setLast} error={fieldErr.lastName} name="lastName" />
        <TextField label={t('users.email')} value={username} onChange={setUsername} error={fieldErr.username} type="email" name="email" />
        <SelectField label={t('users.group')} value={groupId} onChange={setGroupId} options={groups.map((g) => ({ value: g.id, label: g.name }))} error={fieldErr.securityGroupIds} name="group" />
        <div className="field-row">
          <TextField label={t('users.countryCode')} type="tel" inputMode="tel" value={countryCode} onChange={(v) => (setCountryCode(v), clearErr('countryCode'))} hint={t('users.countryCodeHint')} error={err('countryCode')} name="countryCode" />
          <TextField label={t('users.cell')} type="tel" inputMode="tel" value={cell} onChange={(v) => (setCell(v), clearErr('cell'))} hint={t('users.cellHint')} error={err('cell')} name="cell" />
        </div>
        <ErrorBanner error={error} title={t('common.saveFailed')} />
      </form>
    </Modal>
  );
}

function DevicesDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const state = useLoad(() => listAll('ListDevicesForUser', { networkId, userId: user.userId! }, (o) => o.devices), [networkId, user.userId]);
  const [resetting, setResetting] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Modal open onClose={onClose} wide title={t('users.devicesTitle', { email: user.username ?? '' })} footer={<Button onClick={onClose}>{t('common.close')}</Button>}>
      {notice ? <Banner kind="success" title={notice} /> : null}
      <Loaded state={state}>
        {(devices) =>
          devices.length === 0 ? (
            <Empty title={t('users.noDevices')} />
          ) : (
            <>
              <table className="table compact">
                <caption className="sr-only">{t('users.devices')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('users.deviceId')}</th>
                    <th scope="col">{t('users.deviceType')}</th>
                    <th scope="col">{t('users.deviceCreated')}</th>
                    <th scope="col">{t('users.deviceLastLogin')}</th>
                    <th scope="col">{t('users.status')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {devices.map((d) => (
                    <tr key={d.appId}>
                      <td>
                        <code>{d.appId}</code>
                      </td>
                      <td>{d.type}</td>
                      <td>{d.created}</td>
                      <td>{d.lastLogin ?? '—'}</td>
                      <td>{d.statusText}</td>
                      <td>
                        <Button onClick={() => setResetting([d.appId!])} aria-label={t('users.resetDeviceNamed', { id: d.appId ?? '' })}>
                          {t('users.resetDevice')}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Button variant="danger" onClick={() => setResetting(devices.map((d) => d.appId!))}>
                {t('users.resetAll')}
              </Button>
            </>
          )
        }
      </Loaded>
      {resetting ? (
        <ConfirmDialog
          open
          onClose={() => setResetting(null)}
          title={t('users.resetTitle')}
          body={<p>{t('users.resetBody', { n: resetting.length })}</p>}
          confirmLabel={t('users.resetDevice')}
          onConfirm={async () => {
            const out = await call('BatchResetDevicesForUser', { networkId, userId: user.userId!, appIds: resetting.slice(0, 50), clientToken: clientToken() });
            if (out.failed?.length) throw new ApiError('BatchItemFailed', 400, out.failed.map((f) => `${f.appId}: ${f.reason}`).join('; '));
            setNotice(t('users.resetDone'));
            await state.reload();
          }}
        />
      ) : null}
    </Modal>
  );
}

// ---- guest users ------------------------------------------------------------------------------

function GuestUsers() {
  const { t, number } = useI18n();
  const { networkId } = useNetwork();
  const [statusFilter, setStatusFilter] = useState<'active' | 'blocked'>('active');
  const [period, setPeriod] = useState('');
  const history = useLoad(() => call('GetGuestUserHistoryCount', { networkId }), [networkId]);
  const [version, setVersion] = useState(0);
  const list = useLoad(async () => {
    const blocked = await listAll('ListBlockedGuestUsers', { networkId }, (o) => o.blocklist);
    const guests = statusFilter === 'active' ? await listAll('ListGuestUsers', { networkId, ...(period ? { billingPeriod: period } : {}) }, (o) => o.guestlist) : [];
    return { blocked, guests };
  }, [networkId, statusFilter, period, version]);
  const [target, setTarget] = useState<{ username: string; usernameHash: string; block: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const thisMonth = new Date().toISOString().slice(0, 7).replace('-', '_');

  if (history.error instanceof ApiError && history.error.type === 'BadRequestError') {
    return <Banner kind="info" title={t('guests.unavailable')}>{history.error.message}</Banner>;
  }
  return (
    <div>
      <Section title={t('guests.usage')} description={t('guests.usageIntro')}>
        <Loaded state={history}>
          {(h) => (
            <>
              <p className="stat">
                {t('guests.count')}: <strong>{number(Number(h.history.find((x) => x.month === thisMonth)?.count ?? 0))}</strong>
              </p>
              {h.history.length === 0 ? (
                <Empty title={t('guests.noUsage')} />
              ) : (
                <table className="table compact">
                  <caption className="sr-only">{t('guests.usage')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('guests.period')}</th>
                      <th scope="col">{t('guests.guests')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.history.map((x) => (
                      <tr key={x.month}>
                        <td>{x.month.replace('_', '-')}</td>
                        <td>{number(Number(x.count))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </Loaded>
      </Section>
      <Section title={t('guests.title')}>
        <div className="filters">
          <SelectField
            label={t('guests.status')}
            value={statusFilter}
            onChange={(v) => setStatusFilter(v as 'active' | 'blocked')}
            options={[
              { value: 'active', label: t('guests.active') },
              { value: 'blocked', label: t('guests.blocked') },
            ]}
            name="guestStatus"
          />
          {statusFilter === 'active' ? (
            <SelectField
              label={t('guests.period')}
              value={period}
              onChange={setPeriod}
              options={[{ value: '', label: t('common.all') }, ...(history.data?.history ?? []).map((x) => ({ value: x.month.replace('_', '-'), label: x.month.replace('_', '-') }))]}
              name="period"
            />
          ) : null}
        </div>
        {notice ? <Banner kind="success" title={notice} onDismiss={() => setNotice(null)} /> : null}
        <Loaded state={list}>
          {({ blocked, guests }) => {
            const blockedSet = new Set(blocked.map((b) => b.usernameHash));
            if (statusFilter === 'blocked')
              return blocked.length === 0 ? (
                <Empty title={t('guests.noneBlocked')} />
              ) : (
                <table className="table">
                  <caption className="sr-only">{t('guests.blocked')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('guests.username')}</th>
                      <th scope="col">{t('guests.blockedBy')}</th>
                      <th scope="col">{t('guests.blockedAt')}</th>
                      <th scope="col">
                        <span className="sr-only">{t('common.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {blocked.map((b) => (
                      <tr key={b.usernameHash}>
                        <td>{b.username}</td>
                        <td>
                          <code>{b.admin}</code>
                        </td>
                        <td>{b.modified} UTC</td>
                        <td className="row-actions">
                          <Menu label={t('guests.actionsFor', { name: b.username })} items={[{ label: t('guests.unblock'), onSelect: () => setTarget({ username: b.username, usernameHash: b.usernameHash, block: false }) }]} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              );
            return guests.length === 0 ? (
              <Empty title={t('guests.none')} />
            ) : (
              <table className="table">
                <caption className="sr-only">{t('guests.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('guests.username')}</th>
                    <th scope="col">{t('guests.period')}</th>
                    <th scope="col">{t('guests.status')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {guests.map((g) => {
                    const isBlocked = blockedSet.has(g.usernameHash);
                    return (
                      <tr key={`${g.billingPeriod}-${g.usernameHash}`}>
                        <td>{g.username}</td>
                        <td>{g.billingPeriod}</td>
                        <td>{isBlocked ? t('guests.blocked') : t('guests.active')}</td>
                        <td className="row-actions">
                          <Menu
                            label={t('guests.actionsFor', { name: g.username })}
                            items={[
                              isBlocked
                                ? { label: t('guests.unblock'), onSelect: () => setTarget({ username: g.username, usernameHash: g.usernameHash, block: false }) }
                                : { label: t('guests.block'), danger: true, onSelect: () => setTarget({ username: g.username, usernameHash: g.usernameHash, block: true }) },
                            ]}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            );
          }}
        </Loaded>
      </Section>
      {target ? (
        <ConfirmDialog
          open
          onClose={() => setTarget(null)}
          danger={target.block}
          title={t(target.block ? 'guests.blockTitle' : 'guests.unblockTitle', { name: target.username })}
          body={<p>{t(target.block ? 'guests.blockBody' : 'guests.unblockBody', { name: target.username })}</p>}
          confirmLabel={t(target.block ? 'guests.blockButton' : 'guests.unblockButton')}
          onConfirm={async () => {
            await call('UpdateGuestUser', { networkId, usernameHash: target.usernameHash, block: target.block });
            setNotice(t(target.block ? 'guests.blockedDone' : 'guests.unblockedDone', { name: target.username }));
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </div>
  );
}

// ---- bots -------------------------------------------------------------------------------------

function Bots() {
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

function BotDialog({ bot, groups, onClose, onSaved }: { bot: Bot | null; groups: SecurityGroup[]; onClose: () => void; onSaved: (msg: string) => void }) {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const creating = !bot;
  const [form, setForm] = useState<BotForm>({ username: bot?.username ?? '', displayName: bot?.displayName ?? '', groupId: bot?.groupId ?? groups.find((g) => g.isDefault)?.id ?? '', password: '' });
  const [suspend, setSuspend] = useState(bot?.suspended ?? false);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverErr, setServerErr] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!form.groupId && groups.length) setForm((f) => ({ ...f, groupId: groups.find((g) => g.isDefault)?.id ?? groups[0]!.id }));
  }, [groups, form.groupId]);
  const problems = botProblems(form, creating);
  const err = (k: string) => (shown && problems[k] ? tr(problems[k]!.key) : null) ?? serverErr[k === 'password' ? 'challenge' : k] ?? null;
  const set = (patch: Partial<BotForm>) => setForm((f) => ({ ...f, ...patch }));
  const save = async () => {
    setShown(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    setServerErr({});
    try {
      if (creating) {
        await call('CreateBot', { networkId, username: form.username, groupId: form.groupId, challenge: form.password, ...(form.displayName ? { displayName: form.displayName } : {}) });
        onSaved(t('bots.created', { name: form.username.toLowerCase() }));
      } else {
        await call('UpdateBot', {
          networkId,
          botId: bot.botId!,
          ...(form.displayName && form.displayName !== bot.displayName ? { displayName: form.displayName } : {}),
          ...(form.groupId !== bot.groupId ? { groupId: form.groupId } : {}),
          ...(form.password ? { challenge: form.password } : {}),
          ...(suspend !== (bot.suspended ?? false) ? { suspend } : {}),
        });
        onSaved(t('bots.updated', { name: bot.username ?? '' }));
      }
    } catch (e) {
      if (e instanceof ApiError) setServerErr(Object.fromEntries(e.reasons.map((r) => [r.field, r.reason])));
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={creating ? t('bots.createTitle') : t('bots.editTitle', { name: bot.username ?? '' })}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            {creating ? t('bots.create') : t('common.saveChanges')}
          </Button>
        </>
      }
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <TextField label={t('bots.username')} value={form.username} onChange={(v) => set({ username: v })} required={creating} readOnly={!creating} hint={t('bots.usernameHint')} error={err('username')} name="botUsername" />
        <TextField label={t('bots.displayName')} value={form.displayName} onChange={(v) => set({ displayName: v })} error={err('displayName')} name="botDisplayName" />
        <SelectField label={t('users.group')} value={form.groupId} onChange={(v) => set({ groupId: v })} options={groups.map((g) => ({ value: g.id, label: g.name }))} required error={err('groupId')} name="botGroup" />
        <TextField
          label={creating ? t('bots.password') : t('bots.newPassword')}
          type="password"
          value={form.password}
          onChange={(v) => set({ password: v })}
          required={creating}
          hint={creating ? t('bots.passwordHint') : t('bots.newPasswordHint')}
          error={err('password')}
          autoComplete="new-password"
          name="botPassword"
        />
        {!creating ? <SelectField label={t('bots.suspended')} value={suspend ? 'yes' : 'no'} onChange={(v) => setSuspend(v === 'yes')} options={[{ value: 'no', label: t('common.no') }, { value: 'yes', label: t('common.yes') }]} name="botSuspend" /> : null}
        <ErrorBanner error={error} title={t('common.saveFailed')} />
      </form>
    </Modal>
  );
}
