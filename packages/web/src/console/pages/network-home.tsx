// 網路首頁: network details (name, ID, plan; edit → rename and change plan, with the free trial's
// rules), the tags section and its manage tags page, and the delete network button.
import { useState } from 'react';
import { trialRunning } from '@enclave/admin-api';
import { useNetwork } from '../hooks/use-network';
import { call } from '../api/admin';
import { ApiError, clientToken } from '../api/http';
import { Banner, Button, DescriptionList, Empty, Section, TextField } from '../../shared/ui';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { networkNameProblem, tagDiff, tagProblems, type TagRow } from '../lib/forms';
import { navigate } from '../lib/router';
import { useLoad } from '../hooks/use-load';
import { DeleteNetworkDialog } from '../components/delete-network-dialog';
import { PlanLabel, PlanRadios, type PlanChoice } from '../components/plan';
import { TagRowsEditor } from '../components/tag-rows-editor';

export function NetworkHome() {
  const { t, dateTime } = useI18n();
  const { network, networkId } = useNetwork();
  const tags = useLoad(() => call('ListTagsForResource', { resourceArn: network.networkArn }), [network.networkArn]);
  const [deleting, setDeleting] = useState(false);
  return (
    <Page
      title={network.networkName}
      back={{ to: '/', label: t('nav.networks') }}
      actions={
        <Button variant="danger" onClick={() => setDeleting(true)}>
          {t('networks.delete')}
        </Button>
      }
    >
      <Section
        title={t('networks.details')}
        actions={
          <Button onClick={() => navigate(`/networks/${networkId}/edit`)} aria-label={t('networks.editDetails')}>
            {t('common.edit')}
          </Button>
        }
      >
        <DescriptionList
          items={[
            [t('networks.name'), network.networkName],
            [t('networks.id'), <code key="id">{network.networkId}</code>],
            [t('networks.plan'), <PlanLabel key="plan" n={network} />],
            [t('networks.arn'), <code key="arn">{network.networkArn}</code>],
            ...(network.freeTrialExpiration ? ([[t('plan.trialEnds'), dateTime(network.freeTrialExpiration)]] as [string, string][]) : []),
          ]}
        />
      </Section>
      <Section
        title={t('tags.title')}
        actions={
          <Button onClick={() => navigate(`/networks/${networkId}/tags`)} aria-label={t('tags.manage')}>
            {t('tags.manage')}
          </Button>
        }
      >
        <Loaded state={tags}>
          {(out) =>
            Object.keys(out.tags).length === 0 ? (
              <Empty title={t('tags.none')}>
                <Button onClick={() => navigate(`/networks/${networkId}/tags`)}>{t('tags.add')}</Button>
              </Empty>
            ) : (
              <table className="table compact">
                <caption className="sr-only">{t('tags.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tags.key')}</th>
                    <th scope="col">{t('tags.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(out.tags)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([k, v]) => (
                      <tr key={k}>
                        <td>{k}</td>
                        <td>{v}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </Section>
      <DeleteNetworkDialog network={network} open={deleting} onClose={() => setDeleting(false)} onDeleted={() => navigate('/', { replace: true })} />
    </Page>
  );
}

export function EditNetworkPage() {
  const { t } = useI18n();
  const tr = useTr();
  const { network, networkId, setNetwork } = useNetwork();
  const current: PlanChoice = trialRunning(network) ? 'TRIAL' : network.accessLevel;
  const [name, setName] = useState(network.networkName);
  const [plan, setPlan] = useState<PlanChoice>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const facts = useLoad(async () => {
    const [count, settings] = await Promise.all([call('GetUsersCount', { networkId }), call('GetNetworkSettings', { networkId })]);
    const retention = settings.settings.find((s) => s.optionName === 'dataRetention')?.value === 'true';
    return { users: count.total, retention };
  }, [networkId]);
  const problem = networkNameProblem(name);
  const disabled: Partial<Record<PlanChoice, boolean>> = {};
  const reasons: Partial<Record<PlanChoice, string>> = {};
  if (current !== 'TRIAL') {
    if (network.freeTrialExpiration) {
      disabled.TRIAL = true;
      reasons.TRIAL = t('plan.trialUsed');
    } else if ((facts.data?.users ?? 0) > 30) {
      disabled.TRIAL = true;
      reasons.TRIAL = t('plan.trialTooMany', { n: facts.data?.users ?? 0 });
    }
  }
  if (facts.data?.retention && current !== 'STANDARD') {
    disabled.STANDARD = true;
    reasons.STANDARD = t('plan.standardRetention');
  }

  const save = async () => {
    if (problem) return;
    setBusy(true);
    setError(null);
    setFieldErr({});
    try {
      const planChange =
        plan === current ? {} : plan === 'TRIAL' ? { accessLevel: 'PREMIUM' as const, enablePremiumFreeTrial: true } : { accessLevel: plan as 'STANDARD' | 'PREMIUM' };
      await call('UpdateNetwork', { networkId, networkName: name, clientToken: clientToken(), ...planChange });
      setNetwork(await call('GetNetwork', { networkId }));
      navigate(`/networks/${networkId}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of err.reasons) f[r.field] = r.reason;
        setFieldErr(f);
      }
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Page title={t('networks.editTitle')} back={{ to: `/networks/${networkId}`, label: network.networkName }}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Section title={t('networks.details')}>
          <TextField label={t('networks.name')} value={name} onChange={setName} required hint={t('networks.nameHint')} error={(problem ? tr(problem.key, problem.params) : null) ?? fieldErr.networkName} name="networkName" />
          {current === 'TRIAL' ? <Banner kind="info">{t('plan.trialLeave')}</Banner> : null}
          <PlanRadios value={plan} onChange={setPlan} disabled={disabled} reasons={reasons} />
          {fieldErr.accessLevel || fieldErr.enablePremiumFreeTrial ? (
            <p className="field-error" role="alert">
              {fieldErr.accessLevel ?? fieldErr.enablePremiumFreeTrial}
            </p>
          ) : null}
        </Section>
        <ErrorBanner error={error} title={t('common.saveFailed')} />
        <div className="form-actions">
          <Button onClick={() => navigate(`/networks/${networkId}`)}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Page>
  );
}

export function ManageTagsPage() {
  const { t } = useI18n();
  const { network, networkId } = useNetwork();
  const state = useLoad(() => call('ListTagsForResource', { resourceArn: network.networkArn }), [network.networkArn]);
  return (
    <Page title={t('tags.manage')} back={{ to: `/networks/${networkId}`, label: network.networkName }}>
      <Loaded state={state}>{(out) => <TagsForm before={out.tags} arn={network.networkArn} onSaved={() => navigate(`/networks/${networkId}`)} />}</Loaded>
    </Page>
  );
}

function TagsForm({ before, arn, onSaved }: { before: Record<string, string>; arn: string; onSaved: () => void }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<TagRow[]>(() =>
    Object.entries(before)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value, existing: true })),
  );
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = tagProblems(rows);
  const save = async () => {
    setShown(true);
    if (Object.keys(errors).length) return;
    const diff = tagDiff(before, rows);
    setBusy(true);
    setError(null);
    try {
      if (Object.keys(diff.set).length) await call('TagResource', { resourceArn: arn, tags: diff.set });
      if (diff.remove.length) await call('UntagResource', { resourceArn: arn, tagKeys: diff.remove });
      onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Section title={t('tags.title')} description={t('tags.intro')}>
        <TagRowsEditor rows={rows} onChange={setRows} errors={shown ? errors : {}} />
      </Section>
      <ErrorBanner error={error} title={t('common.saveFailed')} />
      <div className="form-actions">
        <Button onClick={onSaved}>{t('common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('common.saveChanges')}
        </Button>
      </div>
    </form>
  );
}
