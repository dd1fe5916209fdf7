// The page shown instead of the messenger while another tab of this browser uses the account, or after
// this tab's account was moved to another one (lib/tab-lock.ts), with **Use here**.
import { useEffect, type ReactNode } from 'react';
import { Button } from '../../shared/ui';
import { useI18n } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { lastEmail } from '../lib/session';
import { takeOverHere, watchAccount } from '../lib/tab-lock';
import { useTabState } from '../hooks/use-tab-state';

/** Shows the messenger only while this tab may use the account. */
export function TabGuard({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const s = useTabState();
  useEffect(() => void watchAccount(lastEmail()), []);
  if (s.kind === 'free') return <>{children}</>;
  const moved = s.kind === 'moved';
  return (
    <>
      <header className="top">
        <span className="brand">{t('app.brand')}</span>
        <LanguageSwitch />
      </header>
      <main className="auth card" id="main">
        <h1 tabIndex={-1}>{t(moved ? 'tabs.movedTitle' : 'tabs.elsewhereTitle')}</h1>
        <p>{t(moved ? 'tabs.movedBody' : 'tabs.elsewhereBody', { email: s.email })}</p>
        <div className="actions">
          <Button variant="primary" busy={s.taking} onClick={() => void takeOverHere()}>
            {t('tabs.useHere')}
          </Button>
        </div>
        {s.taking ? (
          <p className="muted" role="status">
            {t('tabs.taking')}
          </p>
        ) : null}
      </main>
    </>
  );
}
