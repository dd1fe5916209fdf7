// An IAM user: summary, console password, MFA, access keys, attached and inline policies; delete.
import { useState } from 'react';
import { iam, type IamUser } from '../../../api/iam';
import { Button, DescriptionList, Section } from '../../../../shared/ui';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { Loaded } from '../../../components/errors';
import { Page } from '../../../components/page';
import { useI18n } from '../../../i18n';
import { navigate } from '../../../lib/router';
import { useLoad } from '../../../hooks/use-load';
import { PasswordSection } from './password-section';
import { MfaSection } from './mfa-section';
import { KeysSection } from './keys-section';
import { AttachedSection } from './attached-section';
import { InlineSection } from './inline-section';

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
