// The console shell: sign-in gate, header (language, user, sign out), navigation and routes.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { call } from './api/admin';
import type { GetNetworkResponse } from './api/admin';
import { ApiError, setUnauthorizedHandler } from './api/http';
import { signOut, whoAmI, type WhoAmI } from './api/session';
import { Banner, Button, Loading } from '../shared/ui';
import { Loaded } from './components/errors';
import { LANGS, useI18n, type Lang } from './i18n';
import { useLoad, type Loaded as LoadedState } from './lib/useLoad';
import { Link, match, navigate, useFocusHeading, useLocation } from './lib/router';
import { SignIn } from './pages/SignIn';
import { NetworksPage, CreateNetworkPage } from './pages/Networks';
import { NetworkHome, EditNetworkPage, ManageTagsPage } from './pages/NetworkHome';
import { SecurityGroupsPage, SecurityGroupDetail } from './pages/SecurityGroups';
import { UserManagementPage } from './pages/UserManagement';
import { InviteUserPage } from './pages/InviteUser';
import { BulkPage } from './pages/Bulk';
import { SsoConfigPage } from './pages/Sso';
import { NetworkPoliciesPage } from './pages/Policies';
import { IamPage, IamUserPage, IamPolicyPage } from './pages/Iam';
import { AuditPage } from './pages/Audit';
import type { BulkKind } from './lib/csv';

interface NetworkCtx {
  networkId: string;
  state: LoadedState<GetNetworkResponse>;
}
const NetworkContext = createContext<NetworkCtx | null>(null);

export function useNetwork(): { networkId: string; network: GetNetworkResponse; reload: () => Promise<void>; setNetwork: (n: GetNetworkResponse) => void } {
  const ctx = useContext(NetworkContext);
  if (!ctx || !ctx.state.data) throw new Error('useNetwork outside a loaded network');
  return { networkId: ctx.networkId, network: ctx.state.data, reload: ctx.state.reload, setNetwork: ctx.state.setData };
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span className="sr-only">{t('app.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('app.language')}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : '繁體中文'}
          </option>
        ))}
      </select>
    </label>
  );
}

function Header({ me, onSignOut }: { me?: WhoAmI; onSignOut?: () => void }) {
  const { t } = useI18n();
  return (
    <header className="top">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <Link to="/" className="brand">
        {t('app.brand')}
      </Link>
      <div className="top-right">
        <LanguageSwitch />
        {me ? (
          <>
            <span className="me" title={me.userArn}>
              {me.userName} · {me.accountId}
            </span>
            <Button onClick={onSignOut}>{t('app.signOut')}</Button>
          </>
        ) : null}
      </div>
    </header>
  );
}

function GlobalNav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const item = (to: string, label: string, active: boolean) => (
    <li>
      <Link to={to} aria-current={active ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav className="side" aria-label={t('nav.main')}>
      <ul>
        {item('/', t('nav.networks'), path === '/' || path.startsWith('/networks'))}
        {item('/iam', t('nav.iam'), path.startsWith('/iam'))}
        {item('/audit', t('nav.audit'), path.startsWith('/audit'))}
      </ul>
    </nav>
  );
}

function NetworkNav({ networkId, name }: { networkId: string; name: string }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const base = `/networks/${networkId}`;
  const item = (to: string, label: string, active: boolean) => (
    <li>
      <Link to={to} aria-current={active ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav className="side sub" aria-label={t('nav.network', { name })}>
      <p className="side-title">{name}</p>
      <ul>
        {item(base, t('nav.home'), path === base || path === `${base}/edit` || path === `${base}/tags`)}
        {item(`${base}/security-groups`, t('nav.securityGroups'), path.startsWith(`${base}/security-groups`))}
        {item(`${base}/users`, t('nav.userManagement'), path.startsWith(`${base}/users`))}
        {item(`${base}/policies`, t('nav.policies'), path.startsWith(`${base}/policies`))}
      </ul>
    </nav>
  );
}

function NetworkLayout({ networkId, children }: { networkId: string; children: ReactNode }) {
  const state = useLoad(() => call('GetNetwork', { networkId }), [networkId]);
  const { t } = useI18n();
  if (state.error instanceof ApiError && state.error.status === 404 && !state.data) {
    return (
      <Banner kind="error" title={t('network.notFound')}>
        <Link to="/">{t('network.backToNetworks')}</Link>
      </Banner>
    );
  }
  return (
    <NetworkContext.Provider value={{ networkId, state }}>
      <Loaded state={state}>
        {(n) => (
          <div className="with-subnav">
            <NetworkNav networkId={networkId} name={n.networkName} />
            <div className="content">{children}</div>
          </div>
        )}
      </Loaded>
    </NetworkContext.Provider>
  );
}

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
