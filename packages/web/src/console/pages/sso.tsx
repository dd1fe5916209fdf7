// 設定 SSO: the OIDC form (issuer, client ID, client secret, scopes, custom username claim, company ID,
// extra auth parameters, token refresh grace period), "test connection" (RegisterOidcConfigTest),
// then a review step before saving (RegisterOidcConfig).
import { useState } from 'react';
import { useNetwork } from '../hooks/use-network';
import { call, type RegisterOidcConfigTestResponse } from '../api/admin';
import { ApiError } from '../api/http';
import { Banner, Button, DescriptionList, RadioGroup, Section, TextField } from '../../shared/ui';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { ssoProblems, type SsoForm } from '../lib/forms';
import { prefixedCompanyId } from '../lib/company-id';
import { navigate } from '../lib/router';
import { useOidc } from '../hooks/use-oidc';

export function SsoConfigPage() {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const state = useOidc(networkId);
  return (
    <Page title={t('sso.configTitle')} back={{ to: `/networks/${networkId}/users`, label: t('users.title') }}>
      <Loaded state={state}>
        {(info) => {
          const c = info.openidConnectInfo;
          const initial: SsoForm = {
            issuer: c?.issuer ?? '',
            clientId: c?.clientId ?? c?.userId ?? '',
            clientSecret: '',
            scopes: c?.scopes || 'openid email profile offline_access',
            customUsername: c?.customUsername ?? '',
            companyId: c?.companyId ?? '',
            extraAuthParams: c?.extraAuthParams ?? '',
            ssoTokenBufferMinutes: String(c?.ssoTokenBufferMinutes ?? 0) === '30' ? '30' : String(c?.ssoTokenBufferMinutes ?? 0) === '60' ? '60' : '0',
          };
          return <SsoWizard initial={initial} redirectUrl={c?.redirectUrl ?? ''} configured={!!c?.issuer} />;
        }}
      </Loaded>
    </Page>
  );
}

function SsoWizard({ initial, redirectUrl, configured }: { initial: SsoForm; redirectUrl: string; configured: boolean }) {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId, network } = useNetwork();
  const [form, setForm] = useState<SsoForm>(initial);
  const [step, setStep] = useState<'form' | 'review'>('form');
  const [shown, setShown] = useState(false);
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<RegisterOidcConfigTestResponse | null>(null);
  const [testError, setTestError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverErr, setServerErr] = useState<Record<string, string>>({});
  const problems = ssoProblems(form);
  const set = (patch: Partial<SsoForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTestResult(null);
  };
  const err = (k: keyof SsoForm) => (shown && problems[k] ? tr(problems[k]!.key, problems[k]!.params) : null) ?? serverErr[k] ?? null;
  const mapReasons = (e: unknown) => {
    if (!(e instanceof ApiError)) return;
    const f: Record<string, string> = {};
    for (const r of e.reasons) f[r.field === 'userId' ? 'clientId' : r.field === 'secret' ? 'clientSecret' : r.field] = r.reason;
    setServerErr(f);
  };
  const test = async () => {
    setShown(true);
    setTestResult(null);
    setTestError(null);
    if (problems.issuer || problems.scopes) return;
    setTesting(true);
    try {
      setTestResult(await call('RegisterOidcConfigTest', { networkId, issuer: form.issuer.trim(), scopes: form.scopes, ...(form.extraAuthParams.trim() ? { extraAuthParams: form.extraAuthParams.trim() } : {}) }));
    } catch (e) {
      mapReasons(e);
      setTestError(e);
    } finally {
      setTesting(false);
    }
  };
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await call('RegisterOidcConfig', {
        networkId,
        issuer: form.issuer.trim(),
        userId: form.clientId.trim(),
        scopes: form.scopes,
        companyId: form.companyId.trim(),
        ssoTokenBufferMinutes: Number(form.ssoTokenBufferMinutes),
        ...(form.clientSecret ? { secret: form.clientSecret } : {}),
        ...(form.customUsername.trim() ? { customUsername: form.customUsername.trim() } : {}),
        ...(form.extraAuthParams.trim() ? { extraAuthParams: form.extraAuthParams.trim() } : {}),
      });
      navigate(`/networks/${networkId}/users`);
    } catch (e) {
      mapReasons(e);
      setError(e);
      setSaving(false);
      if (e instanceof ApiError && e.reasons.length) setStep('form');
    }
  };

  if (step === 'review')
    return (
      <>
        <Section title={t('sso.review')} description={t('sso.reviewIntro')}>
          <DescriptionList
            items={[
              [t('sso.issuer'), form.issuer.trim()],
              [t('sso.clientId'), form.clientId.trim()],
              [t('sso.clientSecret'), form.clientSecret ? t('sso.secretNew') : configured ? t('sso.secretKept') : t('common.none')],
              [t('sso.scopes'), form.scopes],
              [t('sso.customUsername'), form.customUsername.trim()],
              [t('sso.companyId'), <code key="c">{form.companyId.trim()}</code>],
              [t('sso.companyIdMembers'), <code key="cm">{prefixedCompanyId(form.companyId.trim(), network.networkArn)}</code>],
              [t('sso.extraAuthParams'), form.extraAuthParams.trim()],
              [t('sso.grace'), form.ssoTokenBufferMinutes === '0' ? t('sso.graceNone') : t('sso.graceMinutes', { n: form.ssoTokenBufferMinutes })],
              [t('sso.redirectUri'), <code key="r">{redirectUrl}</code>],
            ]}
          />
          <Banner kind="warning">{t('sso.signOutWarning')}</Banner>
        </Section>
        <ErrorBanner error={error} title={t('common.saveFailed')} />
        <div className="form-actions">
          <Button onClick={() => setStep('form')}>{t('common.back')}</Button>
          <Button variant="primary" busy={saving} onClick={() => void save()}>
            {t('common.saveChanges')}
          </Button>
        </div>
      </>
    );

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setShown(true);
        if (Object.keys(problems).length === 0) setStep('review');
      }}
    >
      <Section title={t('sso.redirectUri')} description={t('sso.redirectIntro')}>
        <p>
          <code>{redirectUrl}</code>
        </p>
      </Section>
      <Section title={t('sso.provider')}>
        <TextField label={t('sso.issuer')} value={form.issuer} onChange={(v) => set({ issuer: v })} required hint={t('sso.issuerHint')} error={err('issuer')} name="issuer" />
        <TextField label={t('sso.clientId')} value={form.clientId} onChange={(v) => set({ clientId: v })} required error={err('clientId')} name="clientId" />
        <TextField label={t('sso.clientSecret')} type="password" value={form.clientSecret} onChange={(v) => set({ clientSecret: v })} hint={configured ? t('sso.secretHintKept') : t('sso.secretHint')} error={err('clientSecret')} autoComplete="new-password" name="clientSecret" />
        <TextField label={t('sso.scopes')} value={form.scopes} onChange={(v) => set({ scopes: v })} required hint={t('sso.scopesHint')} error={err('scopes')} name="scopes" />
        <TextField label={t('sso.customUsername')} value={form.customUsername} onChange={(v) => set({ customUsername: v })} hint={t('sso.customUsernameHint')} error={err('customUsername')} name="customUsername" />
        <TextField label={t('sso.companyId')} value={form.companyId} onChange={(v) => set({ companyId: v })} required hint={t('sso.companyIdHint')} error={err('companyId')} name="companyId" />
        <TextField label={t('sso.extraAuthParams')} value={form.extraAuthParams} onChange={(v) => set({ extraAuthParams: v })} hint={t('sso.extraAuthParamsHint')} error={err('extraAuthParams')} name="extraAuthParams" />
        <RadioGroup
          legend={t('sso.grace')}
          value={form.ssoTokenBufferMinutes}
          onChange={(v) => set({ ssoTokenBufferMinutes: v as SsoForm['ssoTokenBufferMinutes'] })}
          options={[
            { value: '0', label: t('sso.graceNone'), hint: t('sso.graceNoneHint') },
            { value: '30', label: t('sso.graceMinutes', { n: 30 }), hint: t('sso.graceHint', { n: 30 }) },
            { value: '60', label: t('sso.graceMinutes', { n: 60 }), hint: t('sso.graceHint', { n: 60 }) },
          ]}
          error={serverErr.ssoTokenBufferMinutes}
        />
      </Section>
      <Section title={t('sso.test')} description={t('sso.testIntro')}>
        <Button onClick={() => void test()} busy={testing}>
          {t('sso.testButton')}
        </Button>
        {testResult ? (
          <Banner kind="success" title={t('sso.testOk')}>
            <DescriptionList
              items={[
                [t('sso.issuer'), testResult.issuer],
                [t('sso.authEndpoint'), testResult.authorizationEndpoint],
                [t('sso.tokenEndpoint'), testResult.tokenEndpoint],
                [t('sso.userinfoEndpoint'), testResult.userinfoEndpoint],
              ]}
            />
          </Banner>
        ) : null}
        <ErrorBanner error={testError} title={t('sso.testFailed')} />
      </Section>
      <ErrorBanner error={error} title={t('common.saveFailed')} />
      <div className="form-actions">
        <Button onClick={() => navigate(`/networks/${networkId}/users`)}>{t('common.cancel')}</Button>
        <Button type="submit" variant="primary">
          {t('common.next')}
        </Button>
      </div>
    </form>
  );
}
