// An IAM user's console password: set, change, remove.
import { useState } from 'react';
import { iam } from '../../../api/iam';
import { ApiError } from '../../../api/http';
import { Banner, Button, Section, TextField } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../../components/errors';
import { useI18n } from '../../../i18n';
import { useLoad } from '../../../hooks/use-load';

export function PasswordSection({ userName }: { userName: string }) {
  const { t, dateTime } = useI18n();
  const profile = useLoad(
    () =>
      iam<{ LoginProfile: { CreateDate: string } }>('GetLoginProfile', { UserName: userName }).then(
        (o) => o.LoginProfile as { CreateDate: string } | null,
        (e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        },
      ),
    [userName],
  );
  const [pw, setPw] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = async (exists: boolean) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await iam(exists ? 'UpdateLoginProfile' : 'CreateLoginProfile', { UserName: userName, Password: pw });
      setPw('');
      setSaved(true);
      await profile.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.password')} description={t('iam.passwordIntro')}>
      <Loaded state={profile}>
        {(p) => (
          <>
            <p>{p ? t('iam.passwordSet', { date: dateTime(p.CreateDate) }) : t('iam.passwordNone')}</p>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void save(!!p);
              }}
            >
              <TextField label={p ? t('iam.newPassword') : t('iam.password')} type="password" value={pw} onChange={setPw} autoComplete="new-password" hint={t('iam.passwordRules')} error={error instanceof ApiError ? (error.reasons.map((r) => r.reason).join('; ') || null) : null} name="iamPassword" />
              <div className="actions">
                <Button type="submit" variant="primary" busy={busy} disabled={!pw}>
                  {p ? t('iam.changePassword') : t('iam.setPassword')}
                </Button>
                {p ? (
                  <Button variant="danger" onClick={() => setRemoving(true)}>
                    {t('iam.removePassword')}
                  </Button>
                ) : null}
              </div>
            </form>
            {saved ? <Banner kind="success" title={t('common.saved')} /> : null}
            <ErrorBanner error={error} />
            <ConfirmDialog
              open={removing}
              onClose={() => setRemoving(false)}
              title={t('iam.removePassword')}
              body={<p>{t('iam.removePasswordBody')}</p>}
              confirmLabel={t('iam.removePassword')}
              onConfirm={async () => {
                await iam('DeleteLoginProfile', { UserName: userName });
                await profile.reload();
              }}
            />
          </>
        )}
      </Loaded>
    </Section>
  );
}
