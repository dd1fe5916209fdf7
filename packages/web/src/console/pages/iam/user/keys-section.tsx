// An IAM user's access keys: create (the secret shown once), activate / deactivate, delete.
import { useState } from 'react';
import { iam, type AccessKeyMeta, listAllIam } from '../../../api/iam';
import { Banner, Button, CopyButton, DescriptionList, Empty, Menu, Section } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../../components/errors';
import { useI18n } from '../../../i18n';
import { useLoad } from '../../../hooks/use-load';

export function KeysSection({ userName }: { userName: string }) {
  const { t, dateTime } = useI18n();
  const keys = useLoad(() => listAllIam<AccessKeyMeta & { LastUsedDate?: string }>('ListAccessKeys', 'AccessKeyMetadata', { UserName: userName }), [userName]);
  const [created, setCreated] = useState<{ AccessKeyId: string; SecretAccessKey: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section
      title={t('iam.keys')}
      description={t('iam.keysIntro')}
      actions={
        <Button busy={busy} onClick={() => void run(async () => setCreated((await iam<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>('CreateAccessKey', { UserName: userName })).AccessKey))}>
          {t('iam.createKey')}
        </Button>
      }
    >
      {created ? (
        <Banner kind="warning" title={t('iam.keyCreated')} onDismiss={() => setCreated(null)}>
          <DescriptionList
            items={[
              [t('iam.accessKeyId'), <code key="i">{created.AccessKeyId}</code>],
              [
                t('iam.secretKey'),
                <span key="s" className="copyable">
                  <code data-testid="secret-key">{created.SecretAccessKey}</code> <CopyButton text={created.SecretAccessKey} label={t('iam.secretKey')} />
                </span>,
              ],
            ]}
          />
        </Banner>
      ) : null}
      <Loaded state={keys}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noKeys')} />
          ) : (
            <table className="table compact">
              <caption className="sr-only">{t('iam.keys')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.accessKeyId')}</th>
                  <th scope="col">{t('iam.status')}</th>
                  <th scope="col">{t('iam.created')}</th>
                  <th scope="col">{t('iam.lastUsed')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((k) => (
                  <tr key={k.AccessKeyId}>
                    <td>
                      <code>{k.AccessKeyId}</code>
                    </td>
                    <td>{k.Status === 'Active' ? t('iam.active') : t('iam.inactive')}</td>
                    <td>{dateTime(k.CreateDate)}</td>
                    <td>{k.LastUsedDate ? dateTime(k.LastUsedDate) : '—'}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('iam.keyActions', { id: k.AccessKeyId })}
                        items={[
                          {
                            label: k.Status === 'Active' ? t('iam.deactivate') : t('iam.activate'),
                            onSelect: () => void run(() => iam('UpdateAccessKey', { UserName: userName, AccessKeyId: k.AccessKeyId, Status: k.Status === 'Active' ? 'Inactive' : 'Active' }).then(() => undefined)),
                          },
                          { label: t('common.delete'), danger: true, onSelect: () => setDeleting(k.AccessKeyId) },
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
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('iam.deleteKeyTitle', { id: deleting ?? '' })}
        body={<p>{t('iam.deleteKeyBody')}</p>}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          await iam('DeleteAccessKey', { UserName: userName, AccessKeyId: deleting });
          await keys.reload();
        }}
      />
    </Section>
  );
}
