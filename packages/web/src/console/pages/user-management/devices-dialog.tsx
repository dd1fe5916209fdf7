// A user's devices (type, created, last login, status): sign one or all of them out (reset).
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, listAll, type User } from '../../api/admin';
import { ApiError, clientToken } from '../../api/http';
import { Banner, Button, Empty, Modal } from '../../../shared/ui';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { useLoad } from '../../hooks/use-load';

export function DevicesDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const { networkId } = useNetwork();
  const state = useLoad(() => listAll('ListDevicesForUser', { networkId, userId: user.userId! }, (o) => o.devices), [networkId, user.userId]);
  const [resetting, setResetting] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Modal open onClose={onClose} wide title={t('users.devicesTitle', { email: user.username ?? '' })} footer={<Button onClick={onClose}>{t('common.close')}</Button>}>
      {notice ? <Banner kind="success" title={notice} /> : null}
      <Loaded state={state}>
        {(devices) =>
          devices.length === 0 ? (
            <Empty title={t('users.noDevices')} />
          ) : (
            <>
              <table className="table compact">
                <caption className="sr-only">{t('users.devices')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('users.deviceId')}</th>
                    <th scope="col">{t('users.deviceType')}</th>
                    <th scope="col">{t('users.deviceCreated')}</th>
                    <th scope="col">{t('users.deviceLastLogin')}</th>
                    <th scope="col">{t('users.status')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {devices.map((d) => (
                    <tr key={d.appId}>
                      <td>
                        <code>{d.appId}</code>
                      </td>
                      <td>{d.type}</td>
                      <td>{d.created}</td>
                      <td>{d.lastLogin ?? '—'}</td>
                      <td>{d.statusText}</td>
                      <td>
                        <Button onClick={() => setResetting([d.appId!])} aria-label={t('users.resetDeviceNamed', { id: d.appId ?? '' })}>
                          {t('users.resetDevice')}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Button variant="danger" onClick={() => setResetting(devices.map((d) => d.appId!))}>
                {t('users.resetAll')}
              </Button>
            </>
          )
        }
      </Loaded>
      {resetting ? (
        <ConfirmDialog
          open
          onClose={() => setResetting(null)}
          title={t('users.resetTitle')}
          body={<p>{t('users.resetBody', { n: resetting.length })}</p>}
          confirmLabel={t('users.resetDevice')}
          onConfirm={async () => {
            const out = await call('BatchResetDevicesForUser', { networkId, userId: user.userId!, appIds: resetting.slice(0, 50), clientToken: clientToken() });
            if (out.failed?.length) throw new ApiError('BatchItemFailed', 400, out.failed.map((f) => `${f.appId}: ${f.reason}`).join('; '));
            setNotice(t('users.resetDone'));
            await state.reload();
          }}
        />
      ) : null}
    </Modal>
  );
}
