// Creating or editing a bot: user name, display name, security group, password, suspended.
import { useEffect, useState } from 'react';
import { useNetwork } from '../../hooks/use-network';
import { call, type Bot, type SecurityGroup } from '../../api/admin';
import { ApiError } from '../../api/http';
import { Button, Modal, SelectField, TextField } from '../../../shared/ui';
import { ErrorBanner } from '../../components/errors';
import { useTr } from '../../hooks/use-tr';
import { useI18n } from '../../i18n';
import { botProblems, type BotForm } from '../../lib/forms';

export function BotDialog({ bot, groups, onClose, onSaved }: { bot: Bot | null; groups: SecurityGroup[]; onClose: () => void; onSaved: (msg: string) => void }) {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const creating = !bot;
  const [form, setForm] = useState<BotForm>({ username: bot?.username ?? '', displayName: bot?.displayName ?? '', groupId: bot?.groupId ?? groups.find((g) => g.isDefault)?.id ?? '', password: '' });
  const [suspend, setSuspend] = useState(bot?.suspended ?? false);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverErr, setServerErr] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!form.groupId && groups.length) setForm((f) => ({ ...f, groupId: groups.find((g) => g.isDefault)?.id ?? groups[0]!.id }));
  }, [groups, form.groupId]);
  const problems = botProblems(form, creating);
  const err = (k: string) => (shown && problems[k] ? tr(problems[k]!.key) : null) ?? serverErr[k === 'password' ? 'challenge' : k] ?? null;
  const set = (patch: Partial<BotForm>) => setForm((f) => ({ ...f, ...patch }));
  const save = async () => {
    setShown(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    setServerErr({});
    try {
      if (creating) {
        await call('CreateBot', { networkId, username: form.username, groupId: form.groupId, challenge: form.password, ...(form.displayName ? { displayName: form.displayName } : {}) });
        onSaved(t('bots.created', { name: form.username.toLowerCase() }));
      } else {
        await call('UpdateBot', {
          networkId,
          botId: bot.botId!,
          ...(form.displayName && form.displayName !== bot.displayName ? { displayName: form.displayName } : {}),
          ...(form.groupId !== bot.groupId ? { groupId: form.groupId } : {}),
          ...(form.password ? { challenge: form.password } : {}),
          ...(suspend !== (bot.suspended ?? false) ? { suspend } : {}),
        });
        onSaved(t('bots.updated', { name: bot.username ?? '' }));
      }
    } catch (e) {
      if (e instanceof ApiError) setServerErr(Object.fromEntries(e.reasons.map((r) => [r.field, r.reason])));
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={creating ? t('bots.createTitle') : t('bots.editTitle', { name: bot.username ?? '' })}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            {creating ? t('bots.create') : t('common.saveChanges')}
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
        <TextField label={t('bots.username')} value={form.username} onChange={(v) => set({ username: v })} required={creating} readOnly={!creating} hint={t('bots.usernameHint')} error={err('username')} name="botUsername" />
        <TextField label={t('bots.displayName')} value={form.displayName} onChange={(v) => set({ displayName: v })} error={err('displayName')} name="botDisplayName" />
        <SelectField label={t('users.group')} value={form.groupId} onChange={(v) => set({ groupId: v })} options={groups.map((g) => ({ value: g.id, label: g.name }))} required error={err('groupId')} name="botGroup" />
        <TextField
          label={creating ? t('bots.password') : t('bots.newPassword')}
          type="password"
          value={form.password}
          onChange={(v) => set({ password: v })}
          required={creating}
          hint={creating ? t('bots.passwordHint') : t('bots.newPasswordHint')}
          error={err('password')}
          autoComplete="new-password"
          name="botPassword"
        />
        {!creating ? <SelectField label={t('bots.suspended')} value={suspend ? 'yes' : 'no'} onChange={(v) => setSuspend(v === 'yes')} options={[{ value: 'no', label: t('common.no') }, { value: 'yes', label: t('common.yes') }]} name="botSuspend" /> : null}
        <ErrorBanner error={error} title={t('common.saveFailed')} />
      </form>
    </Modal>
  );
}
