// 存取與稽核 → IAM: IAM users (console password, MFA, access keys, attached and inline policies) and
// customer managed policies (a JSON editor checked locally and by ValidatePolicy, versions).
import { useState, type ReactNode } from 'react';
import { iam, listMfaDevices, type AccessKeyMeta, type MfaDevice, type AttachedPolicy, type IamUser, type ManagedPolicy, type PolicyVersion, type ValidatePolicyResult } from '../api/iam';
import { ApiError } from '../api/http';
import { Banner, Button, CopyButton, DescriptionList, Empty, Menu, Modal, Section, SelectField, Tabs, TextAreaField, TextField } from '../../shared/ui';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner, Loaded } from '../components/errors';
import { Page } from '../components/page';
import { useTr } from '../hooks/use-tr';
import { useI18n } from '../i18n';
import { policyJsonProblem } from '../lib/forms';
import { Link, navigate, setQueryParam, useLocation } from '../lib/router';
import { useLoad } from '../hooks/use-load';

async function listAllIam<T>(action: string, key: string, input: Record<string, unknown> = {}): Promise<T[]> {
  const items: T[] = [];
  let Marker: string | undefined;
  do {
    const out = await iam<Record<string, unknown>>(action, { ...input, MaxItems: 1000, ...(Marker ? { Marker } : {}) });
    items.push(...((out[key] as T[] | undefined) ?? []));
    Marker = out.IsTruncated ? (out.Marker as string) : undefined;
  } while (Marker);
  return items;
}

export const EXAMPLE_POLICY = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Sid: 'WickrReadOnly', Effect: 'Allow', Action: ['wickr:ListNetworks', 'wickr:GetNetwork', 'wickr:ListUsers'], Resource: '*' }] },
  null,
  2,
);

/** The JSON policy editor: local JSON checks as you type, ValidatePolicy on demand. */
export function PolicyEditor({ value, onChange, serverError }: { value: string; onChange: (v: string) => void; serverError?: string | null }) {
  const { t } = useI18n();
  const tr = useTr();
  const [result, setResult] = useState<ValidatePolicyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const local = policyJsonProblem(value);
  const validate = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await iam<ValidatePolicyResult>('ValidatePolicy', { PolicyDocument: value }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="policy-editor">
      <TextAreaField label={t('iam.policyDocument')} value={value} onChange={(v) => (onChange(v), setResult(null))} mono rows={14} error={(local ? tr(local.key, local.params) : null) ?? serverError} hint={t('iam.policyHint', { n: value.length })} name="policyDocument" />
      <div className="actions">
        <Button onClick={() => void validate()} busy={busy} disabled={!!local}>
          {t('iam.validate')}
        </Button>
        <Button
          onClick={() => {
            try {
              onChange(JSON.stringify(JSON.parse(value), null, 2));
            } catch {
              // invalid JSON stays as typed; the error is shown
            }
          }}
          disabled={!!local}
        >
          {t('iam.format')}
        </Button>
      </div>
      {result ? (
        <Banner kind={result.Valid ? (result.Warnings.length ? 'warning' : 'success') : 'error'} title={result.Valid ? t('iam.valid') : t('iam.invalid')}>
          <ul>
            {result.Errors.map((e, i) => (
              <li key={`e${i}`}>
                {e.Statement !== undefined ? `Statement[${e.Statement}]: ` : ''}
                {e.Message}
              </li>
            ))}
            {result.Warnings.map((w, i) => (
              <li key={`w${i}`}>{w.Message}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}

export function IamPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const tab = query.get('tab') === 'policies' ? 'policies' : 'users';
  return (
    <Page title={t('iam.title')}>
      <p className="muted">{t('iam.intro')}</p>
      <Tabs
        label={t('iam.title')}
        tabs={[
          { id: 'users', label: t('iam.users') },
          { id: 'policies', label: t('iam.policies') },
        ]}
        active={tab}
        onChange={(id) => setQueryParam('tab', id === 'users' ? undefined : id)}
      >
        {tab === 'users' ? <UsersList /> : <PoliciesList />}
      </Tabs>
    </Page>
  );
}

/**
 * Each user's MFA device (null: none; undefined: could not be read, for example without
 * iam:ListMFADevices), asked ten users at a time.
 */
async function withMfa(users: IamUser[]): Promise<(IamUser & { mfa: MfaDevice | null | undefined })[]> {
  const out: (IamUser & { mfa: MfaDevice | null | undefined })[] = [];
  for (let i = 0; i < users.length; i += 10) {
    const chunk = users.slice(i, i + 10);
    const devices = await Promise.all(chunk.map((u) => listMfaDevices(u.UserName).then((d) => d[0] ?? null, () => undefined)));
    chunk.forEach((u, j) => out.push({ ...u, mfa: devices[j] }));
  }
  return out;
}

function UsersList() {
  const { t, dateTime } = useI18n();
  const state = useLoad(() => listAllIam<IamUser>('ListUsers', 'Users').then(withMfa), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      await iam('CreateUser', { UserName: name.trim(), ...(path.trim() ? { Path: path.trim() } : {}) });
      setCreating(false);
      navigate(`/iam/users/${encodeURIComponent(name.trim())}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <>
      <div className="toolbar">
        <span />
        <Button
          variant="primary"
          onClick={() => {
            setName('');
            setPath('');
            setError(null);
            setBusy(false);
            setCreating(true);
          }}
        >
          {t('iam.createUser')}
        </Button>
      </div>
      <Loaded state={state}>
        {(users) =>
          users.length === 0 ? (
            <Empty title={t('iam.noUsers')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('iam.users')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.userName')}</th>
                  <th scope="col">{t('iam.path')}</th>
                  <th scope="col">{t('iam.arn')}</th>
                  <th scope="col">{t('iam.created')}</th>
                  <th scope="col">{t('iam.mfaColumn')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.UserId}>
                    <td>
                      <Link to={`/iam/users/${encodeURIComponent(u.UserName)}`}>{u.UserName}</Link>
                    </td>
                    <td>{u.Path}</td>
                    <td>
                      <code>{u.Arn}</code>
                    </td>
                    <td>{dateTime(u.CreateDate)}</td>
                    <td>{u.mfa === undefined ? '—' : <MfaStatus device={u.mfa ?? undefined} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Modal
        open={creating}
        onClose={() => setCreating(false)}
        title={t('iam.createUser')}
        footer={
          <>
            <Button onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
            <Button variant="primary" busy={busy} onClick={() => void create()}>
              {t('common.create')}
            </Button>
          </>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <TextField label={t('iam.userName')} value={name} onChange={setName} required hint={t('iam.userNameHint')} error={error instanceof ApiError ? (error.reasons.find((r) => r.field === 'UserName')?.reason ?? null) : null} name="iamUserName" />
          <TextField label={t('iam.path')} value={path} onChange={setPath} hint={t('iam.pathHint')} name="iamPath" />
          <ErrorBanner error={error} />
        </form>
      </Modal>
    </>
  );
}

export function IamUserPage({ userName }: { userName: string }) {
  const { t, dateTime } = useI18n();
  const user = useLoad(() => iam<{ User: IamUser }>('GetUser', { UserName: userName }).then((o) => o.User), [userName]);
  const [deleting, setDeleting] = useState(false);
  return (
    <Page
      title={userName}
      back={{ to: '/iam', label: t('iam.title') }}
      actions={
        <Button variant="danger" onClick={() => setDeleting(true)}>
          {t('iam.deleteUser')}
        </Button>
      }
    >
      <Loaded state={user}>
        {(u) => (
          <>
            <Section title={t('iam.summary')}>
              <DescriptionList
                items={[
                  [t('iam.userName'), u.UserName],
                  [t('iam.arn'), <code key="a">{u.Arn}</code>],
                  [t('iam.userId'), <code key="i">{u.UserId}</code>],
                  [t('iam.created'), dateTime(u.CreateDate)],
                ]}
              />
            </Section>
            <PasswordSection userName={userName} />
            <MfaSection userName={userName} />
            <KeysSection userName={userName} />
            <AttachedSection userName={userName} />
            <InlineSection userName={userName} />
          </>
        )}
      </Loaded>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={t('iam.deleteUserTitle', { name: userName })}
        body={<p>{t('iam.deleteUserBody')}</p>}
        requireText={t('common.confirmWord')}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          await iam('DeleteUser', { UserName: userName });
          navigate('/iam', { replace: true });
        }}
      />
    </Page>
  );
}

function PasswordSection({ userName }: { userName: string }) {
  const { t, dateTime } = useI18n();
  const profile = useLoad(
    () =>
      iam<{ LoginProfile: { CreateDate: string } }>('GetLoginProfile', { UserName: userName }).then(
        (o) => o.LoginProfile as { CreateDate: string } | null,
        (e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        },
      ),
    [userName],
  );
  const [pw, setPw] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = async (exists: boolean) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await iam(exists ? 'UpdateLoginProfile' : 'CreateLoginProfile', { UserName: userName, Password: pw });
      setPw('');
      setSaved(true);
      await profile.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.password')} description={t('iam.passwordIntro')}>
      <Loaded state={profile}>
        {(p) => (
          <>
            <p>{p ? t('iam.passwordSet', { date: dateTime(p.CreateDate) }) : t('iam.passwordNone')}</p>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void save(!!p);
              }}
            >
              <TextField label={p ? t('iam.newPassword') : t('iam.password')} type="password" value={pw} onChange={setPw} autoComplete="new-password" hint={t('iam.passwordRules')} error={error instanceof ApiError ? (error.reasons.map((r) => r.reason).join('; ') || null) : null} name="iamPassword" />
              <div className="actions">
                <Button type="submit" variant="primary" busy={busy} disabled={!pw}>
                  {p ? t('iam.changePassword') : t('iam.setPassword')}
                </Button>
                {p ? (
                  <Button variant="danger" onClick={() => setRemoving(true)}>
                    {t('iam.removePassword')}
                  </Button>
                ) : null}
              </div>
            </form>
            {saved ? <Banner kind="success" title={t('common.saved')} /> : null}
            <ErrorBanner error={error} />
            <ConfirmDialog
              open={removing}
              onClose={() => setRemoving(false)}
              title={t('iam.removePassword')}
              body={<p>{t('iam.removePasswordBody')}</p>}
              confirmLabel={t('iam.removePassword')}
              onConfirm={async () => {
                await iam('DeleteLoginProfile', { UserName: userName });
                await profile.reload();
              }}
            />
          </>
        )}
      </Loaded>
    </Section>
  );
}

function MfaSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const devices = useLoad(() => listMfaDevices(userName), [userName]);
  const [pending, setPending] = useState<{ SerialNumber: string; Base32StringSeed: string; QRCodeUri: string } | null>(null);
  const [c1, setC1] = useState('');
  const [c2, setC2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<MfaDevice | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.mfa')} description={t('iam.mfaIntro')}>
      <Loaded state={devices}>
        {(list) => {
          const device = list[0];
          return (
            <>
              <DescriptionList
                items={[
                  [t('iam.mfaStatus'), <MfaStatus key="s" device={device} />],
                  ...(device ? ([[t('iam.mfaSerial'), <code key="n">{device.SerialNumber}</code>]] as [string, ReactNode][]) : []),
                ]}
              />
              {device ? (
                <Button variant="danger" busy={busy} onClick={() => setRemoving(device)}>
                  {t('iam.mfaDeactivate')}
                </Button>
              ) : pending ? (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run(async () => {
                      await iam('ConfirmMFADevice', { UserName: userName, AuthenticationCode1: c1.trim(), AuthenticationCode2: c2.trim() });
                      setPending(null);
                      setC1('');
                      setC2('');
                      setNotice(t('iam.mfaEnabled'));
                      await devices.reload();
                    });
                  }}
                >
                  <p>{t('iam.mfaPending')}</p>
                  <DescriptionList
                    items={[
                      [t('iam.mfaSerial'), <code key="s">{pending.SerialNumber}</code>],
                      [
                        t('iam.mfaSeed'),
                        <span key="k" className="copyable">
                          <code data-testid="mfa-seed">{pending.Base32StringSeed}</code> <CopyButton text={pending.Base32StringSeed} label={t('iam.mfaSeed')} />
                        </span>,
                      ],
                      [t('iam.mfaUri'), <code key="u" className="wrap">{pending.QRCodeUri}</code>],
                    ]}
                  />
                  <TextField label={t('iam.mfaCode1')} value={c1} onChange={setC1} inputMode="numeric" autoComplete="one-time-code" name="mfa1" />
                  <TextField label={t('iam.mfaCode2')} value={c2} onChange={setC2} inputMode="numeric" autoComplete="one-time-code" name="mfa2" />
                  <div className="actions">
                    <Button onClick={() => (setPending(null), setError(null))}>{t('common.cancel')}</Button>
                    <Button type="submit" variant="primary" busy={busy}>
                      {t('iam.mfaConfirm')}
                    </Button>
                  </div>
                </form>
              ) : (
                <Button busy={busy} onClick={() => void run(async () => setPending(await iam('EnableMFADevice', { UserName: userName })))}>
                  {t('iam.mfaEnable')}
                </Button>
              )}
            </>
          );
        }}
      </Loaded>
      {notice ? <Banner kind="success" title={notice} onDismiss={() => setNotice(null)} /> : null}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!removing}
        onClose={() => setRemoving(null)}
        danger
        title={t('iam.mfaRemoveTitle', { name: userName })}
        body={<p>{t('iam.mfaRemoveBody', { name: userName })}</p>}
        confirmLabel={t('iam.mfaDeactivate')}
        onConfirm={async () => {
          await iam('DeactivateMFADevice', { UserName: userName, SerialNumber: removing?.SerialNumber });
          setNotice(t('iam.mfaRemoved'));
          await devices.reload();
        }}
      />
    </Section>
  );
}

/** "Enabled since …" or "Not enabled". */
function MfaStatus({ device }: { device: MfaDevice | undefined }) {
  const { t, dateTime } = useI18n();
  return <span className={device ? 'mfa-on' : 'mfa-off'}>{device ? t('iam.mfaOn', { date: dateTime(device.EnableDate) }) : t('iam.mfaOff')}</span>;
}

function KeysSection({ userName }: { userName: string }) {
  const { t, dateTime } = useI18n();
  const keys = useLoad(() => listAllIam<AccessKeyMeta & { LastUsedDate?: string }>('ListAccessKeys', 'AccessKeyMetadata', { UserName: userName }), [userName]);
  const [created, setCreated] = useState<{ AccessKeyId: string; SecretAccessKey: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section
      title={t('iam.keys')}
      description={t('iam.keysIntro')}
      actions={
        <Button busy={busy} onClick={() => void run(async () => setCreated((await iam<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>('CreateAccessKey', { UserName: userName })).AccessKey))}>
          {t('iam.createKey')}
        </Button>
      }
    >
      {created ? (
        <Banner kind="warning" title={t('iam.keyCreated')} onDismiss={() => setCreated(null)}>
          <DescriptionList
            items={[
              [t('iam.accessKeyId'), <code key="i">{created.AccessKeyId}</code>],
              [
                t('iam.secretKey'),
                <span key="s" className="copyable">
                  <code data-testid="secret-key">{created.SecretAccessKey}</code> <CopyButton text={created.SecretAccessKey} label={t('iam.secretKey')} />
                </span>,
              ],
            ]}
          />
        </Banner>
      ) : null}
      <Loaded state={keys}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noKeys')} />
          ) : (
            <table className="table compact">
              <caption className="sr-only">{t('iam.keys')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.accessKeyId')}</th>
                  <th scope="col">{t('iam.status')}</th>
                  <th scope="col">{t('iam.created')}</th>
                  <th scope="col">{t('iam.lastUsed')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((k) => (
                  <tr key={k.AccessKeyId}>
                    <td>
                      <code>{k.AccessKeyId}</code>
                    </td>
                    <td>{k.Status === 'Active' ? t('iam.active') : t('iam.inactive')}</td>
                    <td>{dateTime(k.CreateDate)}</td>
                    <td>{k.LastUsedDate ? dateTime(k.LastUsedDate) : '—'}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('iam.keyActions', { id: k.AccessKeyId })}
                        items={[
                          {
                            label: k.Status === 'Active' ? t('iam.deactivate') : t('iam.activate'),
                            onSelect: () => void run(() => iam('UpdateAccessKey', { UserName: userName, AccessKeyId: k.AccessKeyId, Status: k.Status === 'Active' ? 'Inactive' : 'Active' }).then(() => undefined)),
                          },
                          { label: t('common.delete'), danger: true, onSelect: () => setDeleting(k.AccessKeyId) },
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
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('iam.deleteKeyTitle', { id: deleting ?? '' })}
        body={<p>{t('iam.deleteKeyBody')}</p>}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          await iam('DeleteAccessKey', { UserName: userName, AccessKeyId: deleting });
          await keys.reload();
        }}
      />
    </Section>
  );
}

function AttachedSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const attached = useLoad(() => listAllIam<AttachedPolicy>('ListAttachedUserPolicies', 'AttachedPolicies', { UserName: userName }), [userName]);
  const all = useLoad(() => listAllIam<ManagedPolicy>('ListPolicies', 'Policies', { Scope: 'All' }), []);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [detaching, setDetaching] = useState<AttachedPolicy | null>(null);
  const attachedArns = new Set((attached.data ?? []).map((p) => p.PolicyArn));
  const options = (all.data ?? []).filter((p) => !attachedArns.has(p.Arn));
  return (
    <Section title={t('iam.attached')} description={t('iam.attachedIntro')}>
      <Loaded state={attached}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noAttached')} />
          ) : (
            <ul className="plain">
              {list.map((p) => (
                <li key={p.PolicyArn} className="row">
                  <Link to={`/iam/policies/${encodeURIComponent(p.PolicyArn)}`}>{p.PolicyName}</Link> <code className="small">{p.PolicyArn}</code>{' '}
                  <Button onClick={() => setDetaching(p)} aria-label={t('iam.detachNamed', { name: p.PolicyName })}>
                    {t('iam.detach')}
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!choice) return;
          setBusy(true);
          setError(null);
          void iam('AttachUserPolicy', { UserName: userName, PolicyArn: choice })
            .then(() => (setChoice(''), attached.reload()))
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        <SelectField label={t('iam.attachPolicy')} value={choice} onChange={setChoice} options={[{ value: '', label: t('iam.choosePolicy') }, ...options.map((p) => ({ value: p.Arn, label: `${p.PolicyName} (${p.Arn.includes(':aws:policy') ? 'AWS' : t('iam.customer')})` }))]} name="attachPolicy" />
        <Button type="submit" busy={busy} disabled={!choice}>
          {t('iam.attach')}
        </Button>
      </form>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ConfirmDialog
        open={!!detaching}
        onClose={() => setDetaching(null)}
        title={t('iam.detachTitle', { name: detaching?.PolicyName ?? '' })}
        body={<p>{t('iam.detachBody', { user: userName })}</p>}
        confirmLabel={t('iam.detach')}
        onConfirm={async () => {
          await iam('DetachUserPolicy', { UserName: userName, PolicyArn: detaching!.PolicyArn });
          await attached.reload();
        }}
      />
    </Section>
  );
}

function InlineSection({ userName }: { userName: string }) {
  const { t } = useI18n();
  const names = useLoad(() => listAllIam<string>('ListUserPolicies', 'PolicyNames', { UserName: userName }), [userName]);
  const [editing, setEditing] = useState<{ name: string; doc: string; isNew: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const open = async (name: string) => {
    setError(null);
    try {
      const out = await iam<{ PolicyDocument: string }>('GetUserPolicy', { UserName: userName, PolicyName: name });
      let doc = out.PolicyDocument;
      try {
        doc = JSON.stringify(JSON.parse(decodeURIComponent(doc)), null, 2);
      } catch {
        // shown as stored
      }
      setEditing({ name, doc, isNew: false });
    } catch (e) {
      setError(e);
    }
  };
  const save = async () => {
    if (!editing || policyJsonProblem(editing.doc)) return;
    setBusy(true);
    setError(null);
    try {
      await iam('PutUserPolicy', { UserName: userName, PolicyName: editing.name.trim(), PolicyDocument: editing.doc });
      setEditing(null);
      await names.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('iam.inline')} description={t('iam.inlineIntro')} actions={<Button onClick={() => setEditing({ name: '', doc: EXAMPLE_POLICY, isNew: true })}>{t('iam.addInline')}</Button>}>
      <Loaded state={names}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noInline')} />
          ) : (
            <ul className="plain">
              {list.map((n) => (
                <li key={n} className="row">
                  <strong>{n}</strong> <Button onClick={() => void open(n)}>{t('common.edit')}</Button>{' '}
                  <Button variant="danger" onClick={() => setDeleting(n)} aria-label={t('iam.deleteInlineNamed', { name: n })}>
                    {t('common.delete')}
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {editing ? (
        <Modal
          open
          wide
          onClose={() => setEditing(null)}
          title={editing.isNew ? t('iam.addInline') : t('iam.editInline', { name: editing.name })}
          footer={
            <>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
              <Button variant="primary" busy={busy} onClick={() => void save()} disabled={!!policyJsonProblem(editing.doc) || !editing.name.trim()}>
                {t('common.save')}
              </Button>
            </>
          }
        >
          {editing.isNew ? <TextField label={t('iam.policyName')} value={editing.name} onChange={(v) => setEditing({ ...editing, name: v })} required name="inlineName" /> : null}
          <PolicyEditor value={editing.doc} onChange={(v) => setEditing({ ...editing, doc: v })} serverError={error instanceof ApiError ? (error.reasons.find((r) => r.field === 'PolicyDocument')?.reason ?? null) : null} />
          <ErrorBanner error={error} />
        </Modal>
      ) : (
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
      )}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={t('iam.deleteInlineNamed', { name: deleting ?? '' })}
        body={<p>{t('iam.deleteInlineBody')}</p>}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          await iam('DeleteUserPolicy', { UserName: userName, PolicyName: deleting });
          await names.reload();
        }}
      />
    </Section>
  );
}

function PoliciesList() {
  const { t, dateTime } = useI18n();
  const [scope, setScope] = useState('Local');
  const state = useLoad(() => listAllIam<ManagedPolicy>('ListPolicies', 'Policies', { Scope: scope }), [scope]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [doc, setDoc] = useState(EXAMPLE_POLICY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const create = async () => {
    if (policyJsonProblem(doc)) return;
    setBusy(true);
    setError(null);
    try {
      const out = await iam<{ Policy: ManagedPolicy }>('CreatePolicy', { PolicyName: name.trim(), PolicyDocument: doc, ...(description.trim() ? { Description: description.trim() } : {}) });
      setCreating(false);
      navigate(`/iam/policies/${encodeURIComponent(out.Policy.Arn)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const fieldErr = (f: string) => (error instanceof ApiError ? (error.reasons.find((r) => r.field === f)?.reason ?? null) : null);
  return (
    <>
      <div className="toolbar">
        <SelectField
          label={t('iam.scope')}
          value={scope}
          onChange={setScope}
          options={[
            { value: 'Local', label: t('iam.scopeLocal') },
            { value: 'AWS', label: t('iam.scopeAws') },
            { value: 'All', label: t('common.all') },
          ]}
          name="scope"
        />
        <Button
          variant="primary"
          onClick={() => {
            setName('');
            setDescription('');
            setDoc(EXAMPLE_POLICY);
            setError(null);
            setBusy(false);
            setCreating(true);
          }}
        >
          {t('iam.createPolicy')}
        </Button>
      </div>
      <Loaded state={state}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('iam.noPolicies')} />
          ) : (
            <table className="table">
              <caption className="sr-only">{t('iam.policies')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.policyName')}</th>
                  <th scope="col">{t('iam.defaultVersion')}</th>
                  <th scope="col">{t('iam.attachments')}</th>
                  <th scope="col">{t('iam.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.Arn}>
                    <td>
                      <Link to={`/iam/policies/${encodeURIComponent(p.Arn)}`}>{p.PolicyName}</Link>
                    </td>
                    <td>{p.DefaultVersionId}</td>
                    <td>{p.AttachmentCount}</td>
                    <td>{dateTime(p.UpdateDate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Modal
        open={creating}
        wide
        onClose={() => setCreating(false)}
        title={t('iam.createPolicy')}
        footer={
          <>
            <Button onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
            <Button variant="primary" busy={busy} disabled={!!policyJsonProblem(doc) || !name.trim()} onClick={() => void create()}>
              {t('common.create')}
            </Button>
          </>
        }
      >
        <TextField label={t('iam.policyName')} value={name} onChange={setName} required error={fieldErr('PolicyName')} name="policyName" />
        <TextField label={t('iam.description')} value={description} onChange={setDescription} name="policyDescription" />
        <PolicyEditor value={doc} onChange={setDoc} serverError={fieldErr('PolicyDocument')} />
        <ErrorBanner error={error} />
      </Modal>
    </>
  );
}

export function IamPolicyPage({ arn }: { arn: string }) {
  const { t, dateTime } = useI18n();
  const policy = useLoad(() => iam<{ Policy: ManagedPolicy }>('GetPolicy', { PolicyArn: arn }).then((o) => o.Policy), [arn]);
  const [version, setVersion] = useState(0);
  const versions = useLoad(() => iam<{ Versions: PolicyVersion[] }>('ListPolicyVersions', { PolicyArn: arn }).then((o) => o.Versions), [arn, version]);
  const [viewing, setViewing] = useState<string | null>(null);
  const doc = useLoad(
    () =>
      viewing
        ? iam<{ PolicyVersion: PolicyVersion }>('GetPolicyVersion', { PolicyArn: arn, VersionId: viewing }).then((o) => {
            const d = o.PolicyVersion.Document ?? '';
            try {
              return JSON.stringify(JSON.parse(decodeURIComponent(d)), null, 2);
            } catch {
              return d;
            }
          })
        : Promise.resolve(''),
    [arn, viewing],
  );
  const [newDoc, setNewDoc] = useState<string | null>(null);
  const [setDefault, setSetDefault] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<'policy' | string | null>(null);
  const aws = arn.includes(':aws:policy/');
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setVersion((v) => v + 1);
      await policy.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page
      title={policy.data?.PolicyName ?? arn}
      back={{ to: '/iam?tab=policies', label: t('iam.policies') }}
      actions={
        aws ? null : (
          <Button variant="danger" onClick={() => setDeleting('policy')}>
            {t('iam.deletePolicy')}
          </Button>
        )
      }
    >
      <Loaded state={policy}>
        {(p) => (
          <Section title={t('iam.summary')}>
            <DescriptionList
              items={[
                [t('iam.policyName'), p.PolicyName],
                [t('iam.arn'), <code key="a">{p.Arn}</code>],
                [t('iam.description'), p.Description],
                [t('iam.defaultVersion'), p.DefaultVersionId],
                [t('iam.attachments'), String(p.AttachmentCount)],
                [t('iam.updated'), dateTime(p.UpdateDate)],
              ]}
            />
          </Section>
        )}
      </Loaded>
      <Section
        title={t('iam.versions')}
        actions={
          aws ? null : (
            <Button
              onClick={() => {
                setNewDoc(doc.data || EXAMPLE_POLICY);
                setError(null);
              }}
            >
              {t('iam.newVersion')}
            </Button>
          )
        }
      >
        <Loaded state={versions}>
          {(list) => (
            <table className="table compact">
              <caption className="sr-only">{t('iam.versions')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('iam.version')}</th>
                  <th scope="col">{t('iam.isDefault')}</th>
                  <th scope="col">{t('iam.created')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.VersionId}>
                    <td>{v.VersionId}</td>
                    <td>{v.IsDefaultVersion ? t('common.yes') : t('common.no')}</td>
                    <td>{dateTime(v.CreateDate)}</td>
                    <td className="row-actions">
                      <Menu
                        label={t('iam.versionActions', { id: v.VersionId })}
                        items={[
                          { label: t('iam.viewDocument'), onSelect: () => setViewing(v.VersionId) },
                          { label: t('iam.makeDefault'), disabled: v.IsDefaultVersion || aws, onSelect: () => void run(() => iam('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: v.VersionId })) },
                          { label: t('common.delete'), danger: true, disabled: v.IsDefaultVersion || aws, onSelect: () => setDeleting(v.VersionId) },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loaded>
        {viewing ? (
          <Loaded state={doc}>
            {(text) => (
              <div>
                <h3>{t('iam.documentOf', { id: viewing })}</h3>
                <pre className="json" tabIndex={0}>
                  {text}
                </pre>
              </div>
            )}
          </Loaded>
        ) : null}
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
      </Section>
      {newDoc !== null ? (
        <Modal
          open
          wide
          onClose={() => setNewDoc(null)}
          title={t('iam.newVersion')}
          footer={
            <>
              <Button onClick={() => setNewDoc(null)}>{t('common.cancel')}</Button>
              <Button
                variant="primary"
                busy={busy}
                disabled={!!policyJsonProblem(newDoc)}
                onClick={() =>
                  void run(async () => {
                    await iam('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: newDoc, SetAsDefault: setDefault });
                    setNewDoc(null);
                  })
                }
              >
                {t('common.save')}
              </Button>
            </>
          }
        >
          <PolicyEditor value={newDoc} onChange={setNewDoc} serverError={error instanceof ApiError ? (error.reasons.find((r) => r.field === 'PolicyDocument')?.reason ?? null) : null} />
          <SelectField label={t('iam.setAsDefault')} value={setDefault ? 'yes' : 'no'} onChange={(v) => setSetDefault(v === 'yes')} options={[{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]} name="setDefault" />
          <ErrorBanner error={error} />
        </Modal>
      ) : null}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={deleting === 'policy' ? t('iam.deletePolicy') : t('iam.deleteVersion', { id: deleting ?? '' })}
        body={<p>{deleting === 'policy' ? t('iam.deletePolicyBody') : t('iam.deleteVersionBody')}</p>}
        requireText={deleting === 'policy' ? t('common.confirmWord') : undefined}
        confirmLabel={t('common.delete')}
        onConfirm={async () => {
          if (deleting === 'policy') {
            await iam('DeletePolicy', { PolicyArn: arn });
            navigate('/iam?tab=policies', { replace: true });
          } else {
            await iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: deleting });
            setVersion((v) => v + 1);
          }
        }}
      />
    </Page>
  );
}
