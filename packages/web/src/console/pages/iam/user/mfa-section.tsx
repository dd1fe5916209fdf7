// An IAM user's MFA device: enable (seed and two codes), deactivate.
import { useState, type ReactNode } from 'react';
import { iam, listMfaDevices, type MfaDevice } from '../../../api/iam';
import { Banner, Button, CopyButton, DescriptionList, Section, TextField } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../../../components/errors';
import { useI18n } from '../../../i18n';
import { useLoad } from '../../../hooks/use-load';
import { MfaStatus } from '../mfa-status';

export function MfaSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const devices = useLoad(() => listMfaDevices(userName), [userName]);
  const [pending, setPending] = useState<{ SerialNumber: string; Base32StringSeed: string; QRCodeUri: string } | null>(null);
  const [c1, setC1] = useState('');
  const [c2, setC2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<MfaDevice | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.mfa')} description={t('iam.mfaIntro')}>
      <Loaded state={devices}>
        {(list) => {
          const device = list[0];
          return (
            <>
              <DescriptionList
                items={[
                  [t('iam.mfaStatus'), <MfaStatus key="s" device={device} />],
                  ...(device ? ([[t('iam.mfaSerial'), <code key="n">{device.SerialNumber}</code>]] as [string, ReactNode][]) : []),
                ]}
              />
              {device ? (
                <Button variant="danger" busy={busy} onClick={() => setRemoving(device)}>
                  {t('iam.mfaDeactivate')}
                </Button>
              ) : pending ? (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run(async () => {
                      await iam('ConfirmMFADevice', { UserName: userName, AuthenticationCode1: c1.trim(), AuthenticationCode2: c2.trim() });
                      setPending(null);
                      setC1('');
                      setC2('');
                      setNotice(t('iam.mfaEnabled'));
                      await devices.reload();
                    });
                  }}
                >
                  <p>{t('iam.mfaPending')}</p>
                  <DescriptionList
                    items={[
                      [t('iam.mfaSerial'), <code key="s">{pending.SerialNumber}</code>],
                      [
                        t('iam.mfaSeed'),
                        <span key="k" className="copyable">
                          <code data-testid="mfa-seed">{pending.Base32StringSeed}</code> <CopyButton text={pending.Base32StringSeed} label={t('iam.mfaSeed')} />
                        </span>,
                      ],
                      [t('iam.mfaUri'), <code key="u" className="wrap">{pending.QRCodeUri}</code>],
                    ]}
                  />
                  <TextField label={t('iam.mfaCode1')} value={c1} onChange={setC1} inputMode="numeric" autoComplete="one-time-code" name="mfa1" />
                  <TextField label={t('iam.mfaCode2')} value={c2} onChange={setC2} inputMode="numeric" autoComplete="one-time-code" name="mfa2" />
                  <div className="actions">
                    <Button onClick={() => (setPending(null), setError(null))}>{t('common.cancel')}</Button>
                    <Button type="submit" variant="primary" busy={busy}>
                      {t('iam.mfaConfirm')}
                    </Button>
                  </div>
                </form>
              ) : (
                <Button busy={busy} onClick={() => void run(async () => setPending(await iam('EnableMFADevice', { UserName: userName })))}>
                  {t('iam.mfaEnable')}
                </Button>
              )}
            </>
          );
        }}
      </Loaded>
      {notice ? <Banner kind="success" title={notice} onDismiss={() => setNotice(null)} /> : null}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!removing}
        onClose={() => setRemoving(null)}
        danger
        title={t('iam.mfaRemoveTitle', { name: userName })}
        body={<p>{t('iam.mfaRemoveBody', { name: userName })}</p>}
        confirmLabel={t('iam.mfaDeactivate')}
        onConfirm={async () => {
          await iam('DeactivateMFADevice', { UserName: userName, SerialNumber: removing?.SerialNumber });
          setNotice(t('iam.mfaRemoved'));
          await devices.reload();
        }}
      />
    </Section>
  );
}
