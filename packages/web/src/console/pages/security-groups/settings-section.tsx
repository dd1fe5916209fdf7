// One section of a security group's settings: shown, then edited and saved on its own (UpdateSecurityGroup
// with that section's settings). The API's reasons appear next to their fields; a failed save leaves
// the shown settings as they were. Premium-only sections say so on other plans.
import { useState, type ReactNode } from 'react';
import { call } from '../../api/admin';
import { ApiError } from '../../api/http';
import { Banner, Button, CheckboxField, DescriptionList, RadioGroup, Section, SelectField, TextAreaField, TextField } from '../../../shared/ui';
import { ErrorBanner } from '../../components/errors';
import { useI18n } from '../../i18n';
import { reasonsByField } from '../../lib/forms';
import type { GroupSettings, Group } from './group';
import { ATAK, checkForm, fromForm, toForm, type FieldDef, type Form, type FormValue, type SectionDef } from './settings-form';
import { ViewValue } from './view-value';

export function SettingsSection({ def, group, networkId, onSaved, premium }: { def: SectionDef; group: Group; networkId: string; onSaved: (g: Group) => void; premium: boolean }) {
  const { t } = useI18n();
  const s = group.securityGroupSettings;
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<Form>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const paths = def.fields.map((d) => d.path);
  const visible = (d: FieldDef) => !def.visible || def.visible(d.path, form);

  const start = () => {
    setForm(toForm(def.fields, s));
    setFieldErrors({});
    setError(null);
    setSaved(false);
    setEditing(true);
  };
  const save = async () => {
    const local = { ...checkForm(def.fields.filter(visible), form, t), ...(def.check?.(form, t) ?? {}) };
    setFieldErrors(local);
    if (Object.keys(local).length) return;
    const patch = fromForm(def.fields, form, s);
    def.adjust?.(patch, s);
    setBusy(true);
    setError(null);
    try {
      const out = await call('UpdateSecurityGroup', { networkId, groupId: group.id, securityGroupSettings: patch as GroupSettings });
      onSaved(out.securityGroup as Group);
      setEditing(false);
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError) {
        const { byField, rest } = reasonsByField(err.reasons, paths, ['securityGroupSettings']);
        setFieldErrors(byField);
        setError(rest.length || !Object.keys(byField).length ? err : new ApiError(err.type, err.status, err.message));
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const set = (path: string, v: FormValue) => setForm((f) => ({ ...f, [path]: v }));

  const field = (d: FieldDef): ReactNode => {
    const err = fieldErrors[d.path];
    const hint = 'hint' in d && d.hint ? t(d.hint) : undefined;
    switch (d.kind) {
      case 'bool':
        return <CheckboxField key={d.path} name={d.path} label={t(d.label)} checked={form[d.path] === true} onChange={(v) => set(d.path, v)} hint={hint} error={err} />;
      case 'int':
        return <TextField key={d.path} name={d.path} label={t(d.label)} value={String(form[d.path] ?? '')} onChange={(v) => set(d.path, v)} inputMode="numeric" hint={hint ?? t('v.rangeHint', { min: d.min, max: d.max })} error={err} />;
      case 'select':
        return <SelectField key={d.path} name={d.path} label={t(d.label)} value={String(form[d.path] ?? '')} onChange={(v) => set(d.path, v)} options={d.options.map((o) => ({ value: o.value, label: t(o.label) }))} hint={hint} error={err} />;
      case 'radio':
        return (
          <RadioGroup
            key={d.path}
            name={d.path}
            legend={t(d.label)}
            value={String(form[d.path] ?? '')}
            onChange={(v) => set(d.path, v)}
            options={d.options.map((o) => ({ value: o.value, label: t(o.label), hint: o.hint ? t(o.hint) : undefined }))}
            error={err}
          />
        );
      case 'lines':
      case 'pairs':
        return <TextAreaField key={d.path} name={d.path} label={t(d.label)} value={String(form[d.path] ?? '')} onChange={(v) => set(d.path, v)} hint={t(d.hint)} error={err} rows={4} mono={d.kind === 'pairs'} />;
      case 'atak':
        return (
          <fieldset key={d.path} className="field">
            <legend>{t(d.label)}</legend>
            {ATAK.map((pkg) => (
              <CheckboxField key={pkg} name={pkg} label={pkg} checked={form[`${d.path}:${pkg}`] === true} onChange={(v) => set(`${d.path}:${pkg}`, v)} hint={t(pkg.endsWith('civ') ? 'sg.atakCiv' : 'sg.atakMil')} />
            ))}
            {err ? (
              <div className="field-error" role="alert">
                {err}
              </div>
            ) : null}
          </fieldset>
        );
    }
  };

  return (
    <Section
      title={t(def.title)}
      id={`section-${def.id}`}
      description={def.intro ? t(def.intro) : undefined}
      actions={
        editing ? null : (
          <Button onClick={start} aria-label={t('sg.editSection', { section: t(def.title) })}>
            {t('common.edit')}
          </Button>
        )
      }
    >
      {def.premium && !premium ? <Banner kind="info">{t('sg.premiumOnly')}</Banner> : null}
      {saved ? <Banner kind="success" title={t('common.saved')} onDismiss={() => setSaved(false)} /> : null}
      {editing ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {def.fields.filter(visible).map(field)}
          <ErrorBanner error={error} title={t('common.saveFailed')} />
          <div className="form-actions">
            <Button onClick={() => setEditing(false)} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="primary" busy={busy}>
              {t('common.saveChanges')}
            </Button>
          </div>
        </form>
      ) : (
        <DescriptionList items={def.fields.map((d) => [d.kind === 'atak' || d.kind === 'radio' ? t(d.label) : t(d.label), <ViewValue key={d.path} d={d} s={s} />])} />
      )}
    </Section>
  );
}
