// 安全群組: list, create, delete (type "confirm"; members move to the default group), and the detail
// page with one tab per settings area. Each section edits and saves on its own; the API's validation
// reasons appear next to their fields, and a failed save leaves the shown settings as they were.
import { useState, type ReactNode } from 'react';
import { isPremium } from '@enclave/admin-api';
import { useNetwork } from '../hooks/use-network';
import { call, type SecurityGroup, type SecurityGroupSettings } from '../api/admin';
import { ApiError, clientToken } from '../api/http';
import { Banner, Button, CheckboxField, DescriptionList, Empty, Menu, Modal, RadioGroup, Section, SelectField, Tabs, TextAreaField, TextField, YesNo } from '../../shared/ui';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n, type Key } from '../i18n';
import { groupNameProblem, intValue, reasonsByField } from '../lib/forms';
import { Link, navigate, setQueryParam, useLocation } from '../lib/router';
import { useLoad } from '../hooks/use-load';

export type GroupSettings = SecurityGroupSettings & { nonSsoTimeoutMinutes?: number };
type Group = Omit<SecurityGroup, 'securityGroupSettings'> & { securityGroupSettings: GroupSettings };

export function SecurityGroupsPage() {
  const { t, dateTime, number } = useI18n();
  const { networkId, network } = useNetwork();
  const state = useLoad(async () => {
    const all: Group[] = [];
    let nextToken: string | undefined;
    do {
      const out = await call('ListSecurityGroups', { networkId, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
      all.push(...((out.securityGroups ?? []) as Group[]));
      nextToken = out.nextToken;
    } while (nextToken);
    return all.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
  }, [networkId]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Group | null>(null);

  return (
    <Page
      title={t('groups.title')}
      back={{ to: `/networks/${networkId}`, label: network.networkName }}
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('groups.create')}
        </Button>
      }
    >
      <p className="muted">{t('groups.intro')}</p>
      <Loaded state={state}>
        {(groups) =>
          groups.length === 0 ? (
            <Empty title={t('groups.empty')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('groups.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('groups.name')}</th>
                  <th scope="col">{t('groups.id')}</th>
                  <th scope="col">{t('groups.members')}</th>
                  <th scope="col">{t('groups.bots')}</th>
                  <th scope="col">{t('groups.modified')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.id}>
                    <td>
                      <Link to={`/networks/${networkId}/security-groups/${g.id}`}>{g.name}</Link>
                      {g.isDefault ? <span className="badge">{t('groups.default')}</span> : null}
                    </td>
                    <td>
                      <code>{g.id}</code>
                    </td>
                    <td>{number(g.activeMembers)}</td>
                    <td>{number(g.botMembers)}</td>
                    <td>{dateTime(g.modified)}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('groups.actionsFor', { name: g.name })}
                        items={[
                          { label: t('groups.view'), onSelect: () => navigate(`/networks/${networkId}/security-groups/${g.id}`) },
                          { label: t('common.delete'), danger: true, disabled: g.isDefault, onSelect: () => setDeleting(g) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <CreateGroupDialog open={creating} onClose={() => setCreating(false)} networkId={networkId} onCreated={(g) => navigate(`/networks/${networkId}/security-groups/${g.id}`)} />
      {deleting ? (
        <ConfirmDialog
          open
          onClose={() => setDeleting(null)}
          title={t('groups.deleteTitle', { name: deleting.name })}
          requireText={t('common.confirmWord')}
          confirmLabel={t('common.delete')}
          body={<p>{t('groups.deleteBody', { n: deleting.activeMembers + deleting.botMembers })}</p>}
          onConfirm={async () => {
            await call('DeleteSecurityGroup', { networkId, groupId: deleting.id });
            const id = deleting.id;
            state.setData((gs) => (gs ?? []).filter((g) => g.id !== id));
            void state.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function CreateGroupDialog({ open, onClose, networkId, onCreated }: { open: boolean; onClose: () => void; networkId: string; onCreated: (g: Group) => void }) {
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

// ---- settings sections -------------------------------------------------------------------------

type FieldDef =
  | { kind: 'bool'; path: string; label: Key; hint?: Key }
  | { kind: 'int'; path: string; label: Key; hint?: Key; min: number; max: number }
  | { kind: 'select'; path: string; label: Key; hint?: Key; options: { value: string; label: Key }[] }
  | { kind: 'radio'; path: string; label: Key; options: { value: string; label: Key; hint?: Key }[] }
  | { kind: 'lines'; path: string; label: Key; hint: Key; max: number; maxLength: number }
  | { kind: 'pairs'; path: string; label: Key; hint: Key; first: 'region' | 'domain' }
  | { kind: 'atak'; path: string; label: Key };

type FormValue = string | boolean;
type Form = Record<string, FormValue>;

const ATAK = ['com.atakmap.app.civ', 'com.atakmap.app.mil'];

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function toForm(fields: FieldDef[], s: GroupSettings): Form {
  const f: Form = {};
  for (const d of fields) {
    const v = getPath(s, d.path);
    if (d.kind === 'bool') f[d.path] = v === true;
    else if (d.kind === 'int' || d.kind === 'select' || d.kind === 'radio') f[d.path] = v === undefined || v === null ? '' : String(v);
    else if (d.kind === 'lines') f[d.path] = ((v as string[] | undefined) ?? []).join('\n');
    else if (d.kind === 'pairs') f[d.path] = ((v as Record<string, string>[] | undefined) ?? []).map((p) => `${p[d.first] ?? ''}, ${p.networkId ?? ''}`).join('\n');
    else if (d.kind === 'atak') for (const pkg of ATAK) f[`${d.path}:${pkg}`] = ((v as string[] | undefined) ?? []).includes(pkg);
  }
  return f;
}

function parsePairs(text: string, first: 'region' | 'domain'): { value: Record<string, string>[]; bad: number[] } {
  const value: Record<string, string>[] = [];
  const bad: number[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, i) => {
      const [a = '', b = ''] = line.split(',').map((x) => x.trim());
      if (!a || !/^\d{8}$/.test(b)) bad.push(i + 1);
      value.push({ [first]: a, networkId: b });
    });
  return { value, bad };
}

/** Client checks, as i18n messages by field path. */
function checkForm(fields: FieldDef[], f: Form, t: (k: Key, p?: Record<string, string | number>) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of fields) {
    const v = f[d.path];
    if (d.kind === 'int') {
      const n = intValue(String(v));
      if (Number.isNaN(n) || n < d.min || n > d.max) out[d.path] = t('v.range', { min: d.min, max: d.max });
    } else if (d.kind === 'lines') {
      const lines = String(v)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      if (lines.length > d.max) out[d.path] = t('v.tooManyLines', { max: d.max });
      else if (lines.some((l) => [...l].length > d.maxLength)) out[d.path] = t('v.lineTooLong', { max: d.maxLength });
      else if (d.path === 'permittedNetworks' && lines.some((l) => !/^\d{8}$/.test(l))) out[d.path] = t('v.networkIds');
    } else if (d.kind === 'pairs') {
      const { bad } = parsePairs(String(v), d.first);
      if (bad.length) out[d.path] = t('v.pairs', { lines: bad.join(', ') });
    }
  }
  return out;
}

function fromForm(fields: FieldDef[], f: Form, s: GroupSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const setPath = (path: string, value: unknown) => {
    const [top, sub] = path.split('.') as [string, string | undefined];
    if (sub === undefined) patch[top] = value;
    else patch[top] = { ...((patch[top] as object | undefined) ?? (s as Record<string, object | undefined>)[top] ?? {}), [sub]: value };
  };
  for (const d of fields) {
    const v = f[d.path];
    if (d.kind === 'bool') setPath(d.path, v === true);
    else if (d.kind === 'int') setPath(d.path, intValue(String(v)));
    else if (d.kind === 'select' || d.kind === 'radio') setPath(d.path, Number(v));
    else if (d.kind === 'lines')
      setPath(
        d.path,
        String(v)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    else if (d.kind === 'pairs') setPath(d.path, parsePairs(String(v), d.first).value);
    else if (d.kind === 'atak') setPath(d.path, ATAK.filter((pkg) => f[`${d.path}:${pkg}`] === true));
  }
  return patch;
}

interface SectionDef {
  id: string;
  title: Key;
  intro?: Key;
  fields: FieldDef[];
  premium?: boolean;
  /** Adjusts the patch before sending (e.g. clears permitted lists when restriction is turned off). */
  adjust?: (patch: Record<string, unknown>, s: GroupSettings) => void;
  /** Cross-field checks. */
  check?: (f: Form, t: (k: Key, p?: Record<string, string | number>) => string) => Record<string, string>;
  /** Shows a field only when this says so (depends on other fields of the form). */
  visible?: (path: string, f: Form) => boolean;
}

function ViewValue({ d, s }: { d: FieldDef; s: GroupSettings }) {
  const { t, number } = useI18n();
  const v = getPath(s, d.path);
  if (d.kind === 'bool') return <YesNo value={v === true} />;
  if (d.kind === 'int') return <>{typeof v === 'number' ? number(v) : '—'}</>;
  if (d.kind === 'select' || d.kind === 'radio') {
    const o = d.options.find((x) => x.value === String(v));
    return <>{o ? t(o.label) : String(v ?? '—')}</>;
  }
  if (d.kind === 'lines' || d.kind === 'atak') {
    const list = (v as string[] | undefined) ?? [];
    return list.length ? (
      <ul className="plain">
        {list.map((x, i) => (
          <li key={i}>{x}</li>
        ))}
      </ul>
    ) : (
      <>{t('common.none')}</>
    );
  }
  const pairs = (v as Record<string, string>[] | undefined) ?? [];
  return pairs.length ? (
    <ul className="plain">
      {pairs.map((p, i) => (
        <li key={i}>
          {p[d.first]} · {p.networkId}
        </li>
      ))}
    </ul>
  ) : (
    <>{t('common.none')}</>
  );
}

function SettingsSection({ def, group, networkId, onSaved, premium }: { def: SectionDef; group: Group; networkId: string; onSaved: (g: Group) => void; premium: boolean }) {
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

const YEAR = 31_536_000;

export const TABS: { id: string; label: Key; sections: SectionDef[] }[] = [
  {
    id: 'messaging',
    label: 'sg.tab.messaging',
    sections: [
      {
        id: 'messaging',
        title: 'sg.messaging',
        fields: [
          { kind: 'int', path: 'maxBor', label: 'sg.maxBor', hint: 'sg.maxBorHint', min: 0, max: YEAR },
          { kind: 'int', path: 'maxTtl', label: 'sg.maxTtl', hint: 'sg.maxTtlHint', min: 1, max: YEAR },
          { kind: 'bool', path: 'messageForwardingEnabled', label: 'sg.forwarding' },
          { kind: 'bool', path: 'forceReadReceipts', label: 'sg.forceReadReceipts' },
          { kind: 'lines', path: 'quickResponses', label: 'sg.quickResponses', hint: 'sg.quickResponsesHint', max: 20, maxLength: 160 },
        ],
      },
      {
        id: 'shredder',
        title: 'sg.shredder',
        intro: 'sg.shredderIntro',
        fields: [
          { kind: 'int', path: 'shredder.intensity', label: 'sg.shredderIntensity', hint: 'sg.shredderIntensityHint', min: 0, max: 100 },
          { kind: 'bool', path: 'shredder.canProcessManually', label: 'sg.shredderManual' },
        ],
      },
    ],
  },
  {
    id: 'calling',
    label: 'sg.tab.calling',
    sections: [
      {
        id: 'calling',
        title: 'sg.calling',
        fields: [
          { kind: 'bool', path: 'calling.canStart11Call', label: 'sg.audioCalls' },
          { kind: 'bool', path: 'calling.canVideoCall', label: 'sg.videoCalls' },
          { kind: 'bool', path: 'calling.forceTcpCall', label: 'sg.tcpCalls', hint: 'sg.tcpCallsHint' },
        ],
      },
    ],
  },
  {
    id: 'media',
    label: 'sg.tab.media',
    sections: [
      {
        id: 'media',
        title: 'sg.media',
        premium: true,
        fields: [
          { kind: 'bool', path: 'filesEnabled', label: 'sg.filesEnabled' },
          { kind: 'bool', path: 'enableFileDownload', label: 'sg.fileDownload', hint: 'sg.fileDownloadHint' },
          {
            kind: 'select',
            path: 'maxAutoDownloadSize',
            label: 'sg.autoDownload',
            hint: 'sg.autoDownloadHint',
            options: [
              { value: '7340032', label: 'sg.bestQuality' },
              { value: '512000', label: 'sg.lowBandwidth' },
            ],
          },
          { kind: 'bool', path: 'isLinkPreviewEnabled', label: 'sg.linkPreviews' },
        ],
      },
    ],
  },
  {
    id: 'location',
    label: 'sg.tab.location',
    sections: [
      {
        id: 'location',
        title: 'sg.location',
        fields: [
          { kind: 'bool', path: 'locationEnabled', label: 'sg.locationSharing', hint: 'sg.locationHint' },
          { kind: 'bool', path: 'locationAllowMaps', label: 'sg.locationMaps' },
        ],
      },
    ],
  },
  {
    id: 'security',
    label: 'sg.tab.security',
    sections: [
      {
        id: 'security',
        title: 'sg.security',
        fields: [
          { kind: 'bool', path: 'isAtoEnabled', label: 'sg.ato', hint: 'sg.atoHint' },
          { kind: 'bool', path: 'alwaysReauthenticate', label: 'sg.reauth', hint: 'sg.reauthHint' },
          { kind: 'bool', path: 'showMasterRecoveryKey', label: 'sg.recoveryKey', hint: 'sg.recoveryKeyHint' },
          { kind: 'int', path: 'nonSsoTimeoutMinutes', label: 'sg.nonSsoTimeout', hint: 'sg.nonSsoTimeoutHint', min: 0, max: 43_200 },
          { kind: 'int', path: 'ssoMaxIdleMinutes', label: 'sg.ssoIdle', hint: 'sg.ssoIdleHint', min: 0, max: 10_080 },
        ],
      },
      {
        id: 'password',
        title: 'sg.password',
        fields: [
          { kind: 'int', path: 'passwordRequirements.minLength', label: 'sg.pwMinLength', min: 8, max: 128 },
          { kind: 'int', path: 'passwordRequirements.lowercase', label: 'sg.pwLower', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.uppercase', label: 'sg.pwUpper', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.numbers', label: 'sg.pwNumbers', min: 0, max: 128 },
          { kind: 'int', path: 'passwordRequirements.symbols', label: 'sg.pwSymbols', min: 0, max: 128 },
        ],
        check: (f, t): Record<string, string> => {
          const n = (k: string) => intValue(String(f[`passwordRequirements.${k}`]));
          const sum = n('lowercase') + n('uppercase') + n('numbers') + n('symbols');
          return sum > n('minLength') ? { 'passwordRequirements.minLength': t('v.pwSum', { sum, min: n('minLength') }) } : {};
        },
      },
      {
        id: 'lockout',
        title: 'sg.lockout',
        fields: [
          { kind: 'int', path: 'lockoutThreshold', label: 'sg.lockoutThreshold', hint: 'sg.lockoutThresholdHint', min: 1, max: 100 },
          { kind: 'int', path: 'forceDeviceLockout', label: 'sg.deviceLockout', hint: 'sg.deviceLockoutHint', min: 0, max: 99 },
        ],
        check: (f, t): Record<string, string> => {
          const th = intValue(String(f.lockoutThreshold));
          const dl = intValue(String(f.forceDeviceLockout));
          return dl > 0 && dl >= th ? { forceDeviceLockout: t('v.deviceLockout', { max: th - 1 }) } : {};
        },
      },
    ],
  },
  {
    id: 'notifications',
    label: 'sg.tab.notifications',
    sections: [
      {
        id: 'notifications',
        title: 'sg.notifications',
        fields: [
          { kind: 'bool', path: 'enableNotificationPreview', label: 'sg.notificationPreview' },
          { kind: 'bool', path: 'presenceEnabled', label: 'sg.presence', hint: 'sg.presenceHint' },
        ],
      },
    ],
  },
  {
    id: 'openAccess',
    label: 'sg.tab.openAccess',
    sections: [
      {
        id: 'openAccess',
        title: 'sg.openAccess',
        fields: [
          { kind: 'bool', path: 'enableOpenAccessOption', label: 'sg.openAccessEnable', hint: 'sg.openAccessHint' },
          { kind: 'bool', path: 'forceOpenAccess', label: 'sg.openAccessForce', hint: 'sg.openAccessForceHint' },
        ],
      },
    ],
  },
  {
    id: 'federation',
    label: 'sg.tab.federation',
    sections: [
      {
        id: 'localFederation',
        title: 'sg.localFederation',
        intro: 'sg.localFederationIntro',
        fields: [
          {
            kind: 'radio',
            path: 'federationMode',
            label: 'sg.federationMode',
            options: [
              { value: '0', label: 'sg.fedOff' },
              { value: '1', label: 'sg.fedAll' },
              { value: '2', label: 'sg.fedRestricted', hint: 'sg.fedRestrictedHint' },
            ],
          },
          { kind: 'lines', path: 'permittedNetworks', label: 'sg.permittedNetworks', hint: 'sg.permittedNetworksHint', max: 1000, maxLength: 8 },
        ],
        visible: (path, f) => path !== 'permittedNetworks' || f.federationMode === '2',
        adjust: (patch) => {
          if (patch.federationMode !== 2) patch.permittedNetworks = [];
        },
      },
      {
        id: 'globalFederation',
        title: 'sg.globalFederation',
        intro: 'sg.globalFederationIntro',
        fields: [
          { kind: 'bool', path: 'globalFederation', label: 'sg.globalEnable' },
          { kind: 'bool', path: 'enableRestrictedGlobalFederation', label: 'sg.globalRestricted', hint: 'sg.globalRestrictedHint' },
          { kind: 'pairs', path: 'permittedWickrAwsNetworks', label: 'sg.awsNetworks', hint: 'sg.awsNetworksHint', first: 'region' },
          { kind: 'pairs', path: 'permittedWickrEnterpriseNetworks', label: 'sg.enterpriseNetworks', hint: 'sg.enterpriseNetworksHint', first: 'domain' },
        ],
        visible: (path, f) => !path.startsWith('permittedWickr') || f.enableRestrictedGlobalFederation === true,
        adjust: (patch) => {
          if (patch.enableRestrictedGlobalFederation !== true) {
            patch.permittedWickrAwsNetworks = [];
            patch.permittedWickrEnterpriseNetworks = [];
          }
        },
      },
      {
        id: 'guests',
        title: 'sg.guests',
        intro: 'sg.guestsIntro',
        fields: [{ kind: 'bool', path: 'enableGuestFederation', label: 'sg.guestEnable', hint: 'sg.guestHint' }],
      },
    ],
  },
  {
    id: 'integrations',
    label: 'sg.tab.integrations',
    sections: [
      {
        id: 'atak',
        title: 'sg.atak',
        intro: 'sg.atakIntro',
        fields: [
          { kind: 'bool', path: 'enableAtak', label: 'sg.atakEnable' },
          { kind: 'atak', path: 'atakPackageValues', label: 'sg.atakPackages' },
        ],
      },
    ],
  },
];

const CLIENT_SECTION: SectionDef = {
  id: 'client',
  title: 'sg.client',
  fields: [
    { kind: 'bool', path: 'checkForUpdates', label: 'sg.checkForUpdates' },
    { kind: 'bool', path: 'enableCrashReports', label: 'sg.crashReports' },
  ],
};

function GroupDetails({ group, networkId, onSaved }: { group: Group; networkId: string; onSaved: (g: Group) => void }) {
  const { t, dateTime, number } = useI18n();
  const tr = useTr();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(group.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nameErr, setNameErr] = useState<string | null>(null);
  const members = useLoad(() => call('ListSecurityGroupUsers', { networkId, groupId: group.id, maxResults: 100, sortFields: 'username', sortDirection: 'ASC' }), [networkId, group.id, group.modified]);
  const save = async () => {
    const p = groupNameProblem(name);
    if (p) {
      setNameErr(tr(p.key));
      return;
    }
    setBusy(true);
    setError(null);
    setNameErr(null);
    try {
      const out = await call('UpdateSecurityGroup', { networkId, groupId: group.id, name: name.trim() });
      onSaved(out.securityGroup as Group);
      setEditing(false);
    } catch (err) {
      if (err instanceof ApiError) setNameErr(err.reasons.find((r) => r.field === 'name')?.reason ?? null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Section
        title={t('sg.details')}
        actions={
          editing ? null : (
            <Button
              onClick={() => {
                setName(group.name);
                setEditing(true);
              }}
              aria-label={t('sg.editSection', { section: t('sg.details') })}
            >
              {t('common.edit')}
            </Button>
          )
        }
      >
        {editing ? (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <TextField label={t('groups.name')} value={name} onChange={setName} required error={nameErr} hint={t('groups.nameHint')} name="groupName" />
            <ErrorBanner error={error} title={t('common.saveFailed')} />
            <div className="form-actions">
              <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
              <Button type="submit" variant="primary" busy={busy}>
                {t('common.saveChanges')}
              </Button>
            </div>
          </form>
        ) : (
          <DescriptionList
            items={[
              [t('groups.name'), group.name],
              [t('groups.id'), <code key="id">{group.id}</code>],
              [t('groups.default'), <YesNo key="d" value={group.isDefault} />],
              [t('groups.members'), number(group.activeMembers)],
              [t('groups.bots'), number(group.botMembers)],
              [t('groups.modified'), dateTime(group.modified)],
            ]}
          />
        )}
      </Section>
      <Section title={t('sg.memberList')}>
        <Loaded state={members}>
          {(out) =>
            (out.users ?? []).length === 0 ? (
              <Empty title={t('sg.noMembers')} />
            ) : (
              <ul className="plain">
                {(out.users ?? []).map((u) => (
                  <li key={u.userId}>{u.username}</li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}

export function SecurityGroupDetail({ groupId }: { groupId: string }) {
  const { t } = useI18n();
  const { networkId, network } = useNetwork();
  const { query } = useLocation();
  const state = useLoad(() => call('GetSecurityGroup', { networkId, groupId }).then((o) => o.securityGroup as Group), [networkId, groupId]);
  const tabIds = ['details', ...TABS.map((x) => x.id)];
  const active = tabIds.includes(query.get('tab') ?? '') ? query.get('tab')! : 'details';
  const premium = isPremium(network);
  return (
    <Loaded state={state}>
      {(group) => (
        <Page title={group.name} back={{ to: `/networks/${networkId}/security-groups`, label: t('groups.title') }}>
          <Tabs
            label={t('sg.tabsLabel')}
            tabs={[{ id: 'details', label: t('sg.tab.details') }, ...TABS.map((x) => ({ id: x.id, label: t(x.label) }))]}
            active={active}
            onChange={(id) => setQueryParam('tab', id === 'details' ? undefined : id)}
          >
            {active === 'details' ? (
              <>
                <GroupDetails group={group} networkId={networkId} onSaved={(g) => state.setData(g)} />
                <SettingsSection def={CLIENT_SECTION} group={group} networkId={networkId} premium={premium} onSaved={(g) => state.setData(g)} />
              </>
            ) : (
              TABS.find((x) => x.id === active)!.sections.map((def) => <SettingsSection key={def.id} def={def} group={group} networkId={networkId} premium={premium} onSaved={(g) => state.setData(g)} />)
            )}
          </Tabs>
        </Page>
      )}
    </Loaded>
  );
}
