// 網路: the list (name, ID, plan, user count), an information page when there are none, create
// network (name, plan with the free trial's limits, optional tags), and the ⋮ menu: view details,
// delete network (type "confirm"; retained data is not deleted).
import { useState } from 'react';
import { call, type Network } from '../api/admin';
import { ApiError } from '../api/http';
import { Button, Empty, Menu, Section, TextField } from '../../shared/ui';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { networkNameProblem, tagProblems, type TagRow } from '../lib/forms';
import { Link, navigate } from '../lib/router';
import { useLoad } from '../hooks/use-load';
import { TagRowsEditor } from '../components/tag-rows-editor';
import { PlanLabel, type PlanChoice, PlanRadios } from '../components/plan';
import { DeleteNetworkDialog } from '../components/delete-network-dialog';

interface Row extends Network {
  users?: number;
}

export function NetworksPage() {
  const { t, number } = useI18n();
  const state = useLoad(async () => {
    const networks: Row[] = [];
    let nextToken: string | undefined;
    do {
      const out = await call('ListNetworks', { maxResults: 100, sortFields: 'networkName', sortDirection: 'ASC', ...(nextToken ? { nextToken } : {}) });
      networks.push(...out.networks);
      nextToken = out.nextToken;
    } while (nextToken);
    const counts = await Promise.all(networks.map((n) => call('GetUsersCount', { networkId: n.networkId }).then((c) => c.total, () => undefined)));
    return networks.map((n, i) => ({ ...n, users: counts[i] }));
  }, []);
  const [deleting, setDeleting] = useState<Row | null>(null);

  return (
    <Page
      title={t('networks.title')}
      actions={
        <Button variant="primary" onClick={() => navigate('/networks/new')}>
          {t('networks.create')}
        </Button>
      }
    >
      <Loaded state={state}>
        {(rows) =>
          rows.length === 0 ? (
            <Empty title={t('networks.emptyTitle')}>
              <p>{t('networks.emptyIntro')}</p>
              <ul className="plain">
                <li>{t('plan.standardHint')}</li>
                <li>{t('plan.premiumHint')}</li>
                <li>{t('plan.trialHint')}</li>
              </ul>
              <Button variant="primary" onClick={() => navigate('/networks/new')}>
                {t('networks.create')}
              </Button>
            </Empty>
          ) : (
            <table className="table">
              <caption className="sr-only">{t('networks.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('networks.name')}</th>
                  <th scope="col">{t('networks.id')}</th>
                  <th scope="col">{t('networks.plan')}</th>
                  <th scope="col">{t('networks.users')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <tr key={n.networkId}>
                    <td>
                      <Link to={`/networks/${n.networkId}`}>{n.networkName}</Link>
                    </td>
                    <td>
                      <code>{n.networkId}</code>
                    </td>
                    <td>
                      <PlanLabel n={n} />
                    </td>
                    <td>{n.users === undefined ? '—' : number(n.users)}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('networks.actionsFor', { name: n.networkName })}
                        items={[
                          { label: t('networks.viewDetails'), onSelect: () => navigate(`/networks/${n.networkId}`) },
                          { label: t('networks.delete'), danger: true, onSelect: () => setDeleting(n) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {deleting ? (
        <DeleteNetworkDialog
          network={deleting}
          open
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            const id = deleting.networkId;
            state.setData((rows) => (rows ?? []).filter((r) => r.networkId !== id));
          }}
        />
      ) : null}
    </Page>
  );
}

export function CreateNetworkPage() {
  const { t } = useI18n();
  const tr = useTr();
  const [name, setName] = useState('');
  const [plan, setPlan] = useState<PlanChoice>('STANDARD');
  const [tags, setTags] = useState<TagRow[]>([]);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverField, setServerField] = useState<Record<string, string>>({});
  const nameProblem = networkNameProblem(name);
  const tagErrs = tagProblems(tags);

  const submit = async () => {
    setShown(true);
    if (nameProblem || Object.keys(tagErrs).length) return;
    setBusy(true);
    setError(null);
    setServerField({});
    try {
      const created = await call('CreateNetwork', {
        networkName: name,
        accessLevel: plan === 'STANDARD' ? 'STANDARD' : 'PREMIUM',
        ...(plan === 'TRIAL' ? { enablePremiumFreeTrial: true } : {}),
      });
      const networkId = created.networkId!;
      if (tags.length) {
        const n = await call('GetNetwork', { networkId });
        await call('TagResource', { resourceArn: n.networkArn, tags: Object.fromEntries(tags.map((r) => [r.key, r.value])) });
      }
      navigate('/');
    } catch (err) {
      if (err instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of err.reasons) if (r.field === 'networkName') f.networkName = r.reason;
        setServerField(f);
      }
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Page title={t('networks.createTitle')} back={{ to: '/', label: t('nav.networks') }}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Section title={t('networks.details')}>
          <TextField
            label={t('networks.name')}
            value={name}
            onChange={setName}
            required
            hint={t('networks.nameHint')}
            error={(shown && nameProblem ? tr(nameProblem.key, nameProblem.params) : null) ?? serverField.networkName}
            name="networkName"
          />
          <PlanRadios value={plan} onChange={setPlan} />
        </Section>
        <Section title={t('tags.title')} description={t('tags.intro')}>
          <TagRowsEditor rows={tags} onChange={setTags} errors={shown ? tagErrs : {}} />
        </Section>
        <ErrorBanner error={error} title={t('networks.createFailed')} />
        <div className="form-actions">
          <Button onClick={() => navigate('/')}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('networks.create')}
          </Button>
        </div>
      </form>
    </Page>
  );
}
