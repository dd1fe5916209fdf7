// The side navigation: networks, IAM and the audit log; inside a network, its pages.
import { useI18n } from '../i18n';
import { Link, useLocation } from '../lib/router';

export function GlobalNav() {
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

export function NetworkNav({ networkId, name }: { networkId: string; name: string }) {
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
