// Editing a user (UpdateUser): first and last name, phone (country code and number), security group.
import { useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, type SecurityGroup, type User } from '../../api/admin';
import { ApiError } from '../../api/http';
import { Button, Modal, SelectField, TextField } from '../../../shared/ui';
import { ErrorBanner } from '../../components/errors';
import { useTr } from '../../hooks/use-tr';
import { useI18n } from '../../i18n';
import { normalizeCell, normalizeCountryCode, phoneProblems } from '../../lib/forms';

export function EditUserDialog({ user, groups, onClose, onSaved }: { user: User; groups: SecurityGroup[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const [firstName, setFirst] = useState(user.firstName ?? '');
  const [lastName, setLast] = useState(user.lastName ?? '');
  const [username, setUsername] = useState(user.username ?? '');
  const [groupId, setGroupId] = useState(user.securityGroups?.[0] ?? '');
  const [countryCode, setCountryCode] = useState(user.countryCode ?? '');
  const [cell, setCell] = useState(user.cell ?? '');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const problems = phoneProblems({ countryCode, cell });
  const err = (k: string) => (shown && problems[k] ? tr(problems[k]!.key) : null) ?? fieldErr[k] ?? null;
  const clearErr = (k: string) => setFieldErr((e) => Object.fromEntries(Object.entries(e).filter(([f]) => f !== k)));
  const save = async () => {
    setShown(true);
    if (Object.keys(problems).length) return;
    const details: Record<string, unknown> = {};
    if (firstName !== (user.firstName ?? '')) details.firstName = firstName;
    if (lastName !== (user.lastName ?? '')) details.lastName = lastName;
    if (username.trim() !== (user.username ?? '')) details.username = username.trim();
    if (groupId !== (user.securityGroups?.[0] ?? '')) details.securityGroupIds = [groupId];
    // Sent as the server stores them; '' clears a stored value.
    const cc = normalizeCountryCode(countryCode) ?? '';
    const phone = normalizeCell(cell) ?? '';
    if (cc !== (user.countryCode ?? '')) details.countryCode = cc;
    if (phone !== (user.cell ?? '')) details.cell = phone;
    if (!Object.keys(details).length) return onClose();
    setBusy(true);
    setError(null);
    setFieldErr({});
    try {
      await call('UpdateUser', { networkId, userId: user.userId!, userDetails: details });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of err.reasons) f[r.field.replace(/^userDetails\./, '')] = r.reason;
        setFieldErr(f);
      }
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={t('users.editTitle', { email: user.username ?? '' })}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            {t('common.saveChanges')}
          </Button>
        </>
      }
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <TextField label={t('users.firstName')} value={firstName} onChange={setFirst} error={fieldErr.firstName} name="firstName" />
        <TextField label={t('users.lastName')} value={lastName} onChange={setLast} error={fieldErr.lastName} name="lastName" />
        <TextField label={t('users.email')} value={username} onChange={setUsername} error={fieldErr.username} type="email" name="email" />
        <SelectField label={t('users.group')} value={groupId} onChange={setGroupId} options={groups.map((g) => ({ value: g.id, label: g.name }))} error={fieldErr.securityGroupIds} name="group" />
        <div className="field-row">
          <TextField label={t('users.countryCode')} type="tel" inputMode="tel" value={countryCode} onChange={(v) => (setCountryCode(v), clearErr('countryCode'))} hint={t('users.countryCodeHint')} error={err('countryCode')} name="countryCode" />
          <TextField label={t('users.cell')} type="tel" inputMode="tel" value={cell} onChange={(v) => (setCell(v), clearErr('cell'))} hint={t('users.cellHint')} error={err('cell')} name="cell" />
        </div>
        <ErrorBanner error={error} title={t('common.saveFailed')} />
      </form>
    </Modal>
  );
}
