// The console shell: sign-in gate, header (language, user, sign out), navigation and routes.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler } from './api/http';
import { signOut, whoAmI, type WhoAmI } from './api/session';
import { Banner, Loading } from '../shared/ui';
import { useI18n } from './i18n';
import { Link, match, navigate, useLocation } from './lib/router';
import { useFocusHeading } from './hooks/use-focus-heading';
import { SignIn } from './pages/sign-in';
import { NetworksPage, CreateNetworkPage } from './pages/networks';
import { NetworkHome, EditNetworkPage, ManageTagsPage } from './pages/network-home';
import { SecurityGroupsPage } from './pages/security-groups';
import { SecurityGroupDetail } from './pages/security-groups/detail';
import { UserManagementPage } from './pages/user-management';
import { InviteUserPage } from './pages/invite-user';
import { BulkPage } from './pages/bulk';
import { SsoConfigPage } from './pages/sso';
import { NetworkPoliciesPage } from './pages/policies';
import { IamPage } from './pages/iam';
import { IamUserPage } from './pages/iam/user';
import { IamPolicyPage } from './pages/iam/policy-page';
import { AuditPage } from './pages/audit';
import type { BulkKind } from './lib/csv';
import { Header } from './components/header';
import { GlobalNav } from './components/nav';
import { NetworkLayout } from './components/network-layout';

function Routes() {
  const { path } = useLocation();
  const { t } = useI18n();
  useFocusHeading(path);
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <NetworksPage />;
  if (path === '/networks/new') return <CreateNetworkPage />;
  if (path === '/iam') return <IamPage />;
  if ((m = match('/iam/users/:name', path))) return <IamUserPage userName={m.name!} />;
  if ((m = match('/iam/policies/:arn', path))) return <IamPolicyPage arn={m.arn!} />;
  if (path === '/audit') return <AuditPage />;
  const net = path.match(/^\/networks\/(\d{8})(\/.*)?$/);
  if (net) {
    const networkId = net[1]!;
    const rest = net[2] ?? '';
    let page: ReactNode = null;
    if (rest === '' || rest === '/') page = <NetworkHome />;
    else if (rest === '/edit') page = <EditNetworkPage />;
    else if (rest === '/tags') page = <ManageTagsPage />;
    else if (rest === '/security-groups') page = <SecurityGroupsPage />;
    else if ((m = match('/security-groups/:groupId', rest))) page = <SecurityGroupDetail groupId={m.groupId!} />;
    else if (rest === '/users') page = <UserManagementPage />;
    else if (rest === '/users/invite') page = <InviteUserPage />;
    else if ((m = match('/users/bulk/:kind', rest)) && ['invite', 'delete', 'suspend'].includes(m.kind!)) page = <BulkPage kind={m.kind as BulkKind} />;
    else if (rest === '/users/sso') page = <SsoConfigPage />;
    else if (rest === '/policies') page = <NetworkPoliciesPage />;
    if (page)
      return (
        <NetworkLayout networkId={networkId} key={networkId}>
          {page}
        </NetworkLayout>
      );
  }
  return (
    <Banner kind="error" title={t('app.notFound')}>
      <Link to="/">{t('network.backToNetworks')}</Link>
    </Banner>
  );
}

export function App() {
  const { t } = useI18n();
  const [me, setMe] = useState<WhoAmI | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  const check = useCallback(async () => {
    try {
      setMe(await whoAmI());
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void check();
    setUnauthorizedHandler(() => {
      setExpired(true);
      setMe(null);
    });
    return () => setUnauthorizedHandler(undefined);
  }, [check]);

  if (me === undefined)
    return (
      <>
        <Header />
        <main id="main">
          <Loading />
        </main>
      </>
    );
  if (me === null)
    return (
      <>
        <Header />
        <main id="main" className="signin-main">
          {expired ? <Banner kind="warning" title={t('signin.expired')} /> : null}
          <SignIn
            onSignedIn={() => {
              setExpired(false);
              void check();
            }}
          />
        </main>
      </>
    );
  return (
    <>
      <Header
        me={me}
        onSignOut={() => {
          void signOut().finally(() => {
            setMe(null);
            navigate('/', { replace: true });
          });
        }}
      />
      <div className="layout">
        <GlobalNav />
        <main id="main">
          <Routes />
        </main>
      </div>
    </>
  );
}
