// 使用者管理: the SSO section, then tabs for 團隊目錄 (team directory), 訪客使用者 (guest users) and
// 機器人 (bots).
import { useNetwork } from '../../hooks/use-network';
import { Tabs } from '../../../shared/ui';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n';
import { setQueryParam, useLocation } from '../../lib/router';
import { SsoSection } from './sso-section';
import { TeamDirectory } from './team-directory';
import { GuestUsers } from './guest-users';
import { Bots } from './bots';

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
