// A user's details: name, email, security group, status, phone and user ID.
import type { User } from '../../api/admin';
import { Button, DescriptionList, Modal } from '../../../shared/ui';
import { useI18n } from '../../i18n';
import { userStatusKey } from './user-status';

export function UserDetailsDialog({ user, groupName, onClose }: { user: User; groupName: string; onClose: () => void }) {
  const { t } = useI18n();
  const notSet = <span className="muted">{t('users.notSet')}</span>;
  return (
    <Modal open onClose={onClose} title={t('users.detailsTitle', { email: user.username ?? '' })} footer={<Button onClick={onClose}>{t('common.close')}</Button>}>
      <DescriptionList
        items={[
          [t('users.firstName'), user.firstName || notSet],
          [t('users.lastName'), user.lastName || notSet],
          [t('users.email'), user.username],
          [t('users.group'), groupName],
          [t('users.status'), t(userStatusKey(user))],
          [t('users.countryCode'), user.countryCode ? `+${user.countryCode}` : notSet],
          [t('users.cell'), user.cell || notSet],
          [t('users.userId'), <code key="id">{user.userId}</code>],
        ]}
      />
    </Modal>
  );
}
