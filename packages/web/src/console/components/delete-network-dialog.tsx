// Deleting a network (刪除網路): type "confirm"; its users, groups and settings go with it.
import { call } from '../api/admin';
import { clientToken } from '../api/http';
import { ConfirmDialog } from './confirm-dialog';
import { useI18n } from '../i18n';

export function DeleteNetworkDialog({ network, open, onClose, onDeleted }: { network: { networkId: string; networkName: string }; open: boolean; onClose: () => void; onDeleted: () => void }) {
  const { t } = useI18n();
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={t('networks.deleteTitle', { name: network.networkName })}
      requireText={t('common.confirmWord')}
      confirmLabel={t('common.delete')}
      body={
        <>
          <p>{t('networks.deleteBody', { name: network.networkName, id: network.networkId })}</p>
          <p>{t('networks.deleteRetention')}</p>
        </>
      }
      onConfirm={async () => {
        await call('DeleteNetwork', { networkId: network.networkId, clientToken: clientToken() });
        onDeleted();
      }}
    />
  );
}
