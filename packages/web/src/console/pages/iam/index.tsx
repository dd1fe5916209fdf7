// 存取與稽核 → IAM: the page with its two tabs, IAM users and customer managed policies.
import { Tabs } from '../../../shared/ui';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n';
import { setQueryParam, useLocation } from '../../lib/router';
import { UsersList } from './users-list';
import { PoliciesList } from './policies-list';

export function IamPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const tab = query.get('tab') === 'policies' ? 'policies' : 'users';
  return (
    <Page title={t('iam.title')}>
      <p className="muted">{t('iam.intro')}</p>
      <Tabs
        label={t('iam.title')}
        tabs={[
          { id: 'users', label: t('iam.users') },
          { id: 'policies', label: t('iam.policies') },
        ]}
        active={tab}
        onChange={(id) => setQueryParam('tab', id === 'users' ? undefined : id)}
      >
        {tab === 'users' ? <UsersList /> : <PoliciesList />}
      </Tabs>
    </Page>
  );
}
