// English and Traditional Chinese (zh-TW, with the terms of the AWS Wickr Administration Guide). The
// choice is remembered in localStorage; the first visit follows the browser's language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Key } from './en';
import { zhTW } from './zh-TW';
import { format, LANGS, storedLang, storeLang, translator, type Lang, type Params } from '../../shared/i18n';

export type { Key };
export { format, LANGS, type Lang, type Params };
export const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-TW': zhTW };
const STORAGE_KEY = 'enclave.console.lang';

export const translate = translator(dictionaries);

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: Key, params?: Params) => string;
  /** For keys computed at run time (validation problems). */
  tr: (key: string, params?: Params) => string;
  /** Dates as UTC, in the language's format. */
  dateTime: (d: Date | string | number) => string;
  number: (n: number) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => fixed ?? storedLang(STORAGE_KEY));
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    storeLang(STORAGE_KEY, l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
    const nf = new Intl.NumberFormat(lang);
    return {
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      tr: (key, params) => translate(lang, key, params),
      dateTime: (d) => {
        const date = d instanceof Date ? d : new Date(typeof d === 'number' && d < 1e12 ? d * 1000 : d);
        return Number.isNaN(date.getTime()) ? String(d) : `${dtf.format(date)} UTC`;
      },
      number: (n) => nf.format(n),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
