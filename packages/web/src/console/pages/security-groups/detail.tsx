// A security group's page (安全群組 → the group): one tab per settings area, its sections, and details.
import { isPremium } from '@enclave/admin-api';
import { useNetwork } from '../../hooks/use-network';
import { call } from '../../api/admin';
import { Tabs } from '../../../shared/ui';
import { Loaded } from '../../components/errors';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n';
import { setQueryParam, useLocation } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import type { Group } from './group';
import { SettingsSection } from './settings-section';
import { TABS, CLIENT_SECTION } from './tabs';
import { GroupDetails } from './group-details';

export function SecurityGroupDetail({ groupId }: { groupId: string }) {
  const { t } = useI18n();
  const { networkId, network } = useNetwork();
  const { query } = useLocation();
  const state = useLoad(() => call('GetSecurityGroup', { networkId, groupId }).then((o) => o.securityGroup as Group), [networkId, groupId]);
  const tabIds = ['details', ...TABS.map((x) => x.id)];
  const active = tabIds.includes(query.get('tab') ?? '') ? query.get('tab')! : 'details';
  const premium = isPremium(network);
  return (
    <Loaded state={state}>
      {(group) => (
        <Page title={group.name} back={{ to: `/networks/${networkId}/security-groups`, label: t('groups.title') }}>
          <Tabs
            label={t('sg.tabsLabel')}
            tabs={[{ id: 'details', label: t('sg.tab.details') }, ...TABS.map((x) => ({ id: x.id, label: t(x.label) }))]}
            active={active}
            onChange={(id) => setQueryParam('tab', id === 'details' ? undefined : id)}
          >
            {active === 'details' ? (
              <>
                <GroupDetails group={group} networkId={networkId} onSaved={(g) => state.setData(g)} />
                <SettingsSection def={CLIENT_SECTION} group={group} networkId={networkId} premium={premium} onSaved={(g) => state.setData(g)} />
              </>
            ) : (
              TABS.find((x) => x.id === active)!.sections.map((def) => <SettingsSection key={def.id} def={def} group={group} networkId={networkId} premium={premium} onSaved={(g) => state.setData(g)} />)
            )}
          </Tabs>
        </Page>
      )}
    </Loaded>
  );
}
