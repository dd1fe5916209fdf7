// 邀請使用者: email address and security group are required; first and last name, country code (國碼)
// and phone number (電話號碼) are optional. The server's reason for a refused invite is shown next to the
// field it names (BatchCreateUser reports a per-item `field`).
import { useEffect, useState } from 'react';
import { useNetwork } from '../hooks/use-network';
import { call } from '../api/admin';
import { ApiError, clientToken } from '../api/http';
import { Banner, Button, Section, SelectField, TextField } from '../../shared/ui';
import { ErrorBanner } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { inviteProblems, normalizeCell, normalizeCountryCode, type InviteForm } from '../lib/forms';
import { navigate } from '../lib/router';
import { useGroups } from '../hooks/use-groups';

/** The form field a BatchCreateUser reason names (`username`, `users[0].cell`, `securityGroupIds` …). */
export function fieldOf(apiField: string): keyof InviteForm {
  const last = apiField.replace(/^.*[.\]]/, '');
  if (last === 'countryCode' || last === 'cell' || last === 'firstName' || last === 'lastName') return last;
  if (/securityGroup/.test(apiField)) return 'groupId';
  return 'email';
}

export function InviteUserPage() {
  const { t } = useI18n();
  const tr = useTr();
  const { networkId } = useNetwork();
  const groups = useGroups(networkId);
  const [form, setForm] = useState<InviteForm>({ email: '', groupId: '', firstName: '', lastName: '', countryCode: '', cell: '' });
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
  const set = (patch: Partial<InviteForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    // A server reason belongs to the value it was given for: editing the field clears it.
    setServerErr((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };
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
            ...(normalizeCountryCode(form.countryCode) ? { countryCode: normalizeCountryCode(form.countryCode) } : {}),
            ...(normalizeCell(form.cell) ? { cell: normalizeCell(form.cell) } : {}),
          },
        ],
      });
      const failed = out.failed?.[0];
      if (failed) {
        const field = fieldOf(failed.field ?? '');
        setServerErr({ [field]: failed.reason ?? '' });
        setError(new ApiError('InviteFailed', 400, failed.reason ?? ''));
      } else {
        setDone(form.email.trim());
        setForm((f) => ({ ...f, email: '', firstName: '', lastName: '', countryCode: '', cell: '' }));
        setShown(false);
      }
    } catch (e) {
      if (e instanceof ApiError) {
        const f: Record<string, string> = {};
        for (const r of e.reasons) f[fieldOf(r.field)] = r.reason;
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
          <div className="field-row">
            <TextField label={t('users.countryCode')} type="tel" value={form.countryCode} onChange={(v) => set({ countryCode: v })} hint={t('users.countryCodeHint')} error={err('countryCode')} inputMode="tel" autoComplete="tel-country-code" name="countryCode" />
            <TextField label={t('users.cell')} type="tel" value={form.cell} onChange={(v) => set({ cell: v })} hint={t('users.cellHint')} error={err('cell')} inputMode="tel" autoComplete="tel-national" name="cell" />
          </div>
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
