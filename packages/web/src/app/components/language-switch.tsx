// The messenger's language switch (English / 繁體中文).
import { LANGS, useI18n, type Lang } from '../i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <select className="lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('app.language')}>
      {LANGS.map((l) => (
        <option key={l} value={l}>
          {l === 'en' ? 'English' : '繁體中文'}
        </option>
      ))}
    </select>
  );
}
