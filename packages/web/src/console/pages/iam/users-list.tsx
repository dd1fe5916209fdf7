// The IAM users tab: the users with their MFA state, and "Create user".
import { useState } from 'react';
import { iam, listMfaDevices, type MfaDevice, type IamUser, listAllIam } from '../../api/iam';
import { ApiError } from '../../api/http';
import { Button, Empty, Modal, TextField } from '../../../shared/ui';
import { ErrorBanner, Loaded } from '../../components/errors';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../lib/router';
import { useLoad } from '../../hooks/use-load';
import { MfaStatus } from './mfa-status';

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

export function UsersList() {
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
