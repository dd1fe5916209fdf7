// A managed policy: summary, versions (view, set default, delete, create), delete.
import { useState } from 'react';
import { iam, type ManagedPolicy, type PolicyVersion } from '../../api/iam';
import { ApiError } from '../../api/http';
import { Button, DescriptionList, Menu, Modal, Section, SelectField } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../components/errors';
import { Page } from '../../components/page';
import { useI18n } from '../../i18n';
import { policyJsonProblem } from '../../lib/forms';
import { navigate } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import { EXAMPLE_POLICY, PolicyEditor } from './policy-editor';

export function IamPolicyPage({ arn }: { arn: string }) {
  const { t, dateTime } = useI18n();
  const policy = useLoad(() => iam<{ Policy: ManagedPolicy }>('GetPolicy', { PolicyArn: arn }).then((o) => o.Policy), [arn]);
  const [version, setVersion] = useState(0);
  const versions = useLoad(() => iam<{ Versions: PolicyVersion[] }>('ListPolicyVersions', { PolicyArn: arn }).then((o) => o.Versions), [arn, version]);
  const [viewing, setViewing] = useState<string | null>(null);
  const doc = useLoad(
    () =>
      viewing
        ? iam<{ PolicyVersion: PolicyVersion }>('GetPolicyVersion', { PolicyArn: arn, VersionId: viewing }).then((o) => {
            const d = o.PolicyVersion.Document ?? '';
            try {
              return JSON.stringify(JSON.parse(decodeURIComponent(d)), null, 2);
            } catch {
              return d;
            }
          })
        : Promise.resolve(''),
    [arn, viewing],
  );
  const [newDoc, setNewDoc] = useState<string | null>(null);
  const [setDefault, setSetDefault] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<'policy' | string | null>(null);
  const aws = arn.includes(':aws:policy/');
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setVersion((v) => v + 1);
      await policy.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page
      title={policy.data?.PolicyName ?? arn}
      back={{ to: '/iam?tab=policies', label: t('iam.policies') }}
      actions={
        aws ? null : (
          <Button variant="danger" onClick={() => setDeleting('policy')}>
            {t('iam.deletePolicy')}
          </Button>
        )
      }
    >
      <Loaded state={policy}>
        {(p) => (
          <Section title={t('iam.summary')}>
            <DescriptionList
              items={[
                [t('iam.policyName'), p.PolicyName],
                [t('iam.arn'), <code key="a">{p.Arn}</code>],
                [t('iam.description'), p.Description],
                [t('iam.defaultVersion'), p.DefaultVersionId],
                [t('iam.attachments'), String(p.AttachmentCount)],
                [t('iam.updated'), dateTime(p.UpdateDate)],
              ]}
            />
          </Section>
        )}
      </Loaded>
      <Section
        title={t('iam.versions')}
        actions={
          aws ? null : (
            <Button
              onClick={() => {
                setNewDoc(doc.data || EXAMPLE_POLICY);
                setError(null);
              }}
            >
              {t('iam.newVersion')}
            </Button>
          )
        }
      >
        <Loaded state={versions}>
          {(list) => (
            <table className="table compact">
              <caption className="sr-only">{t('iam.versions')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.version')}</th>
                  <th scope="col">{t('iam.isDefault')}</th>
                  <th scope="col">{t('iam.created')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.VersionId}>
                    <td>{v.VersionId}</td>
                    <td>{v.IsDefaultVersion ? t('common.yes') : t('common.no')}</td>
                    <td>{dateTime(v.CreateDate)}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('iam.versionActions', { id: v.VersionId })}
                        items={[
                          { label: t('iam.viewDocument'), onSelect: () => setViewing(v.VersionId) },
                          { label: t('iam.makeDefault'), disabled: v.IsDefaultVersion || aws, onSelect: () => void run(() => iam('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: v.VersionId })) },
                          { label: t('common.delete'), danger: true, disabled: v.IsDefaultVersion || aws, onSelect: () => setDeleting(v.VersionId) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loaded>
        {viewing ? (
          <Loaded state={doc}>
            {(text) => (
              <div>
                <h3>{t('iam.documentOf', { id: viewing })}</h3>
                <pre className="json" tabIndex={0}>
                  {text}
                </pre>
              </div>
            )}
          </Loaded>
        ) : null}
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
      </Section>
      {newDoc !== null ? (
        <Modal
          open
          wide
          onClose={() => setNewDoc(null)}
          title={t('iam.newVersion')}
          footer={
            <>
              <Button onClick={() => setNewDoc(null)}>{t('common.cancel')}</Button>
              <Button
                variant="primary"
                busy={busy}
                disabled={!!policyJsonProblem(newDoc)}
                onClick={() =>
                  void run(async () => {
                    await iam('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: newDoc, SetAsDefault: setDefault });
                    setNewDoc(null);
                  })
                }
              >
                {t('common.save')}
              </Button>
            </>
          }
        >
          <PolicyEditor value={newDoc} onChange={setNewDoc} serverError={error instanceof ApiError ? (error.reasons.find((r) => r.field === 'PolicyDocument')?.reason ?? null) : null} />
          <SelectField label={t('iam.setAsDefault')} value={setDefault ? 'yes' : 'no'} onChange={(v) => setSetDefault(v === 'yes')} options={[{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]} name="setDefault" />
          <ErrorBanner error={error} />
        </Modal>
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={deleting === 'policy' ? t('iam.deletePolicy') : t('iam.deleteVersion', { id: deleting ?? '' })}
        body={<p>{deleting === 'policy' ? t('iam.deletePolicyBody') : t('iam.deleteVersionBody')}</p>}
        requireText={deleting === 'policy' ? t('common.confirmWord') : undefined}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          if (deleting === 'policy') {
            await iam('DeletePolicy', { PolicyArn: arn });
            navigate('/iam?tab=policies', { replace: true });
          } else {
            await iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: deleting });
            setVersion((v) => v + 1);
          }
        }}
      />
    </Page>
  );
}
