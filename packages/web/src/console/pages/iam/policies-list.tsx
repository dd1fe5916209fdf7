// The policies tab: customer managed and AWS managed policies, and "Create policy".
import { useState } from 'react';
import { iam, type ManagedPolicy, listAllIam } from '../../api/iam';
import { ApiError } from '../../api/http';
import { Button, Empty, Modal, SelectField, TextField } from '../../../shared/ui';
import { ErrorBanner, Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { policyJsonProblem } from '../../lib/forms';
import { Link, navigate } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import { EXAMPLE_POLICY, PolicyEditor } from './policy-editor';

export function PoliciesList() {
  const { t, dateTime } = useI18n();
  const [scope, setScope] = useState('Local');
  const state = useLoad(() => listAllIam<ManagedPolicy>('ListPolicies', 'Policies', { Scope: scope }), [scope]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [doc, setDoc] = useState(EXAMPLE_POLICY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const create = async () => {
    if (policyJsonProblem(doc)) return;
    setBusy(true);
    setError(null);
    try {
      const out = await iam<{ Policy: ManagedPolicy }>('CreatePolicy', { PolicyName: name.trim(), PolicyDocument: doc, ...(description.trim() ? { Description: description.trim() } : {}) });
      setCreating(false);
      navigate(`/iam/policies/${encodeURIComponent(out.Policy.Arn)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const fieldErr = (f: string) => (error instanceof ApiError ? (error.reasons.find((r) => r.field === f)?.reason ?? null) : null);
  return (
    <>
      <div className="toolbar">
        <SelectField
          label={t('iam.scope')}
          value={scope}
          onChange={setScope}
          options={[
            { value: 'Local', label: t('iam.scopeLocal') },
            { value: 'AWS', label: t('iam.scopeAws') },
            { value: 'All', label: t('common.all') },
          ]}
          name="scope"
        />
        <Button
          variant="primary"
          onClick={() => {
            setName('');
            setDescription('');
            setDoc(EXAMPLE_POLICY);
            setError(null);
            setBusy(false);
            setCreating(true);
          }}
        >
          {t('iam.createPolicy')}
        </Button>
      </div>
      <Loaded state={state}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noPolicies')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('iam.policies')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.policyName')}</th>
                  <th scope="col">{t('iam.defaultVersion')}</th>
                  <th scope="col">{t('iam.attachments')}</th>
                  <th scope="col">{t('iam.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.Arn}>
                    <td>
                      <Link to={`/iam/policies/${encodeURIComponent(p.Arn)}`}>{p.PolicyName}</Link>
                    </td>
                    <td>{p.DefaultVersionId}</td>
                    <td>{p.AttachmentCount}</td>
                    <td>{dateTime(p.UpdateDate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Modal
        open={creating}
        wide
        onClose={() => setCreating(false)}
        title={t('iam.createPolicy')}
        footer={
          <>
            <Button onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
            <Button variant="primary" busy={busy} disabled={!!policyJsonProblem(doc) || !name.trim()} onClick={() => void create()}>
              {t('common.create')}
            </Button>
          </>
        }
      >
        <TextField label={t('iam.policyName')} value={name} onChange={setName} required error={fieldErr('PolicyName')} name="policyName" />
        <TextField label={t('iam.description')} value={description} onChange={setDescription} name="policyDescription" />
        <PolicyEditor value={doc} onChange={setDoc} serverError={fieldErr('PolicyDocument')} />
        <ErrorBanner error={error} />
      </Modal>
    </>
  );
}
