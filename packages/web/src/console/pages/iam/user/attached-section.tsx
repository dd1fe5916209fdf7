// The managed policies attached to an IAM user: attach, detach.
import { useState } from 'react';
import { iam, type AttachedPolicy, type ManagedPolicy, listAllIam } from '../../../api/iam';
import { Button, Empty, Section, SelectField } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../../components/errors';
import { useI18n } from '../../../i18n';
import { Link } from '../../../lib/router';
import { useLoad } from '../../../hooks/use-load';

export function AttachedSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const attached = useLoad(() => listAllIam<AttachedPolicy>('ListAttachedUserPolicies', 'AttachedPolicies', { UserName: userName }), [userName]);
  const all = useLoad(() => listAllIam<ManagedPolicy>('ListPolicies', 'Policies', { Scope: 'All' }), []);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [detaching, setDetaching] = useState<AttachedPolicy | null>(null);
  const attachedArns = new Set((attached.data ?? []).map((p) => p.PolicyArn));
  const options = (all.data ?? []).filter((p) => !attachedArns.has(p.Arn));
  return (
    <Section title={t('iam.attached')} description={t('iam.attachedIntro')}>
      <Loaded state={attached}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noAttached')} />
          ) : (
            <ul className="plain">
              {list.map((p) => (
                <li key={p.PolicyArn} className="row">
                  <Link to={`/iam/policies/${encodeURIComponent(p.PolicyArn)}`}>{p.PolicyName}</Link> <code className="small">{p.PolicyArn}</code>{' '}
                  <Button onClick={() => setDetaching(p)} aria-label={t('iam.detachNamed', { name: p.PolicyName })}>
                    {t('iam.detach')}
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!choice) return;
          setBusy(true);
          setError(null);
          void iam('AttachUserPolicy', { UserName: userName, PolicyArn: choice })
            .then(() => (setChoice(''), attached.reload()))
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        <SelectField label={t('iam.attachPolicy')} value={choice} onChange={setChoice} options={[{ value: '', label: t('iam.choosePolicy') }, ...options.map((p) => ({ value: p.Arn, label: `${p.PolicyName} (${p.Arn.includes(':aws:policy') ? 'AWS' : t('iam.customer')})` }))]} name="attachPolicy" />
        <Button type="submit" busy={busy} disabled={!choice}>
          {t('iam.attach')}
        </Button>
      </form>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!detaching}
        onClose={() => setDetaching(null)}
        title={t('iam.detachTitle', { name: detaching?.PolicyName ?? '' })}
        body={<p>{t('iam.detachBody', { user: userName })}</p>}
        confirmLabel={t('iam.detach')}
        onConfirm={async () => {
          await iam('DetachUserPolicy', { UserName: userName, PolicyArn: detaching!.PolicyArn });
          await attached.reload();
        }}
      />
    </Section>
  );
}
