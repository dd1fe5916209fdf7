// Creating a security group: its name (checked as the API does); it starts with the default settings.
import { useState } from 'react';
import { call } from '../../api/admin';
import { ApiError, clientToken } from '../../api/http';
import { Button, Modal, TextField } from '../../../shared/ui';
import { ErrorBanner } from '../../components/errors';
import { useTr } from '../../hooks/use-tr';
import { useI18n } from '../../i18n';
import { groupNameProblem } from '../../lib/forms';
import type { Group } from './group';

export function CreateGroupDialog({ open, onClose, networkId, onCreated }: { open: boolean; onClose: () => void; networkId: string; onCreated: (g: Group) => void }) {
  const { t } = useI18n();
  const tr = useTr();
  const [name, setName] = useState('');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverErr, setServerErr] = useState<string | null>(null);
  const problem = groupNameProblem(name);
  const submit = async () => {
    setShown(true);
    if (problem) return;
    setBusy(true);
    setError(null);
    setServerErr(null);
    try {
      const out = await call('CreateSecurityGroup', { networkId, name: name.trim(), securityGroupSettings: {}, clientToken: clientToken() });
      setBusy(false);
      onCreated(out.securityGroup as Group);
    } catch (err) {
      if (err instanceof ApiError) setServerErr(err.reasons.find((r) => r.field === 'name')?.reason ?? null);
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={t('groups.createTitle')}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void submit()}>
            {t('groups.create')}
          </Button>
        </>
      }
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField label={t('groups.name')} value={name} onChange={setName} required hint={t('groups.nameHint')} error={(shown && problem ? tr(problem.key) : null) ?? serverErr} name="groupName" />
        <ErrorBanner error={error} title={t('groups.createFailed')} />
      </form>
    </Modal>
  );
}
