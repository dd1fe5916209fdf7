// An IAM user's inline policies: add, edit, delete.
import { useState } from 'react';
import { iam, listAllIam } from '../../../api/iam';
import { ApiError } from '../../../api/http';
import { Button, Empty, Modal, Section, TextField } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../../components/errors';
import { useI18n } from '../../../i18n';
import { policyJsonProblem } from '../../../lib/forms';
import { useLoad } from '../../../hooks/use-load';
import { EXAMPLE_POLICY, PolicyEditor } from '../policy-editor';

export function InlineSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const names = useLoad(() => listAllIam<string>('ListUserPolicies', 'PolicyNames', { UserName: userName }), [userName]);
  const [editing, setEditing] = useState<{ name: string; doc: string; isNew: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const open = async (name: string) => {
    setError(null);
    try {
      const out = await iam<{ PolicyDocument: string }>('GetUserPolicy', { UserName: userName, PolicyName: name });
      let doc = out.PolicyDocument;
      try {
        doc = JSON.stringify(JSON.parse(decodeURIComponent(doc)), null, 2);
      } catch {
        // shown as stored
      }
      setEditing({ name, doc, isNew: false });
    } catch (e) {
      setError(e);
    }
  };
  const save = async () => {
    if (!editing || policyJsonProblem(editing.doc)) return;
    setBusy(true);
    setError(null);
    try {
      await iam('PutUserPolicy', { UserName: userName, PolicyName: editing.name.trim(), PolicyDocument: editing.doc });
      setEditing(null);
      await names.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.inline')} description={t('iam.inlineIntro')} actions={<Button onClick={() => setEditing({ name: '', doc: EXAMPLE_POLICY, isNew: true })}>{t('iam.addInline')}</Button>}>
      <Loaded state={names}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noInline')} />
          ) : (
            <ul className="plain">
              {list.map((n) => (
                <li key={n} className="row">
                  <strong>{n}</strong> <Button onClick={() => void open(n)}>{t('common.edit')}</Button>{' '}
                  <Button variant="danger" onClick={() => setDeleting(n)} aria-label={t('iam.deleteInlineNamed', { name: n })}>
                    {t('common.delete')}
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {editing ? (
        <Modal
          open
          wide
          onClose={() => setEditing(null)}
          title={editing.isNew ? t('iam.addInline') : t('iam.editInline', { name: editing.name })}
          footer={
            <>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
              <Button variant="primary" busy={busy} onClick={() => void save()} disabled={!!policyJsonProblem(editing.doc) || !editing.name.trim()}>
                {t('common.save')}
              </Button>
            </>
          }
        >
          {editing.isNew ? <TextField label={t('iam.policyName')} value={editing.name} onChange={(v) => setEditing({ ...editing, name: v })} required name="inlineName" /> : null}
          <PolicyEditor value={editing.doc} onChange={(v) => setEditing({ ...editing, doc: v })} serverError={error instanceof ApiError ? (error.reasons.find((r) => r.field === 'PolicyDocument')?.reason ?? null) : null} />
          <ErrorBanner error={error} />
        </Modal>
      ) : (
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
      )}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('iam.deleteInlineNamed', { name: deleting ?? '' })}
        body={<p>{t('iam.deleteInlineBody')}</p>}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          await iam('DeleteUserPolicy', { UserName: userName, PolicyName: deleting });
          await names.reload();
        }}
      />
    </Section>
  );
}
