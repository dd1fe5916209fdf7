// The messenger's languages: English and Traditional Chinese (zh-TW, with the terms of the AWS Wickr
// guides). The choice is remembered in localStorage; the first visit follows the browser's language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Key } from './en';
import { zhTW } from './zh-TW';
import { format, LANGS, storedLang, storeLang, translator, type Lang, type Params } from '../../shared/i18n';

export type { Key };
export { format, LANGS, type Lang, type Params };
export const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-TW': zhTW };
export const LANG_STORAGE_KEY = 'enclave.app.lang';

export const translate = translator(dictionaries);

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: Key, params?: Params) => string;
  /** For keys computed at run time (error codes). */
  tr: (key: string, params?: Params) => string;
  has: (key: string) => boolean;
  dateTime: (ms: number) => string;
  time: (ms: number) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => storedLang(LANG_STORAGE_KEY));
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    storeLang(LANG_STORAGE_KEY, l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    const tf = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      tr: (key, params) => translate(lang, key, params),
      has: (key) => key in dictionaries[lang],
      dateTime: (ms) => dtf.format(new Date(ms)),
      time: (ms) => tf.format(new Date(ms)),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
