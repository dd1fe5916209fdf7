// The console's header: skip link, brand, language switch, and the signed-in user with "Sign out".
import type { WhoAmI } from '../api/session';
import { Button } from '../../shared/ui';
import { LANGS, useI18n, type Lang } from '../i18n';
import { Link } from '../lib/router';

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span className="sr-only">{t('app.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('app.language')}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : '繁體中文'}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Header({ me, onSignOut }: { me?: WhoAmI; onSignOut?: () => void }) {
  const { t } = useI18n();
  return (
    <header className="top">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <Link to="/" className="brand">
        {t('app.brand')}
      </Link>
      <div className="top-right">
        <LanguageSwitch />
        {me ? (
          <>
            <span className="me" title={me.userArn}>
              {me.userName} · {me.accountId}
            </span>
            <Button onClick={onSignOut}>{t('app.signOut')}</Button>
          </>
        ) : null}
      </div>
    </header>
  );
}
