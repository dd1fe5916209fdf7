// The SSO section of 使用者管理: status, endpoint, redirect URI and, when on, the configuration.
import { useNetwork } from '../../hooks/use-network';
import { Button, DescriptionList, Section } from '../../../shared/ui';
import { Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { navigate } from '../../lib/router';
import { prefixedCompanyId } from '../../lib/company-id';
import { useOidc } from '../../hooks/use-oidc';
import { ssoOn } from '../../lib/sso';

export function SsoSection() {
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
