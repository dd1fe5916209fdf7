// 邀請使用者: email address and security group are required; first and last name are optional.
import { useEffect, useState } from 'react';
import { useNetwork } from '../App';
import { call } from '../api/admin';
import { ApiError, clientToken } from '../api/http';
import { Banner, Button, ErrorBanner, Page, Section, SelectField, TextField, useTr } from '../components/ui';
import { useI18n } from '../i18n';
import { inviteProblems, type InviteForm } from '../lib/forms';
import { navigate } from '../lib/router';
import { useGroups } from './UserManagement';

export function InviteUserPage() {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const groups = useGroups(networkId);
  const [form, setForm] = useState<InviteForm>({ email: '', groupId: '', firstName: '', lastName: '' });
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverErr, setServerErr] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (!form.groupId && groups.data?.length) setForm((f) => ({ ...f, groupId: groups.data!.find((g) => g.isDefault)?.id ?? groups.data![0]!.id }));
  }, [groups.data, form.groupId]);
  const problems = inviteProblems(form);
  const err = (k: keyof InviteForm) => (shown && problems[k] ? tr(problems[k]!.key) : null) ?? serverErr[k] ?? null;
  const set = (patch: Partial<InviteForm>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async () => {
    setShown(true);
    setDone(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    setServerErr({});
    try {
      const out = await call('BatchCreateUser', {
        networkId,
        clientToken: clientToken(),
        users: [
          {
            username: form.email.trim(),
            securityGroupIds: [form.groupId],
            ...(form.firstName.trim() ? { firstName: form.firstName.trim() } : {}),
            ...(form.lastName.trim() ? { lastName: form.lastName.trim() } : {}),
          },
        ],
      });
      const failed = out.failed?.[0];
      if (failed) {
        const field = failed.field === 'securityGroupIds' ? 'groupId' : 'email';
        setServerErr({ [field]: failed.reason ?? '' });
        setError(new ApiError('InviteFailed', 400, failed.reason ?? ''));
      } else {
        setDone(form.email.trim());
        setForm((f) => ({ ...f, email: '', firstName: '', lastName: '' }));
        setShown(false);
      }
    } catch (e) {
      if (e instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of e.reasons) f[/username/.test(r.field) ? 'email' : /securityGroup/.test(r.field) ? 'groupId' : r.field] = r.reason;
        setServerErr(f);
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('invite.title')} back={{ to: `/networks/${networkId}/users`, label: t('users.title') }}>
      {done ? (
        <Banner kind="success" title={t('invite.sent', { email: done })}>
          <Button variant="link" onClick={() => navigate(`/networks/${networkId}/users`)}>
            {t('invite.backToDirectory')}
          </Button>
        </Banner>
      ) : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Section title={t('invite.details')} description={t('invite.intro')}>
          <TextField label={t('users.email')} type="email" value={form.email} onChange={(v) => set({ email: v })} required error={err('email')} autoComplete="off" name="email" />
          <SelectField
            label={t('users.group')}
            value={form.groupId}
            onChange={(v) => set({ groupId: v })}
            required
            options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
            error={err('groupId') ?? (groups.error ? String((groups.error as Error).message) : null)}
            name="group"
          />
          <TextField label={t('users.firstName')} value={form.firstName} onChange={(v) => set({ firstName: v })} name="firstName" />
          <TextField label={t('users.lastName')} value={form.lastName} onChange={(v) => set({ lastName: v })} name="lastName" />
          <p className="muted small">{t('invite.phoneUnsupported')}</p>
        </Section>
        <ErrorBanner error={error} title={t('invite.failed')} />
        <div className="form-actions">
          <Button onClick={() => navigate(`/networks/${networkId}/users`)}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('invite.submit')}
          </Button>
        </div>
      </form>
    </Page>
  );
}
