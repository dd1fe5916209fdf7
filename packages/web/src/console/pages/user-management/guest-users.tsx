// 訪客使用者: guest usage per month (GetGuestUserHistoryCount), the guests of a billing period or the
// blocked ones, and block / unblock.
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, listAll } from '../../api/admin';
import { ApiError } from '../../api/http';
import { Banner, Empty, Menu, Section, SelectField } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { useLoad } from '../../hooks/use-load';


export function GuestUsers() {
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
