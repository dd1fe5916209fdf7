// The messenger's languages: English and Traditional Chinese (zh-TW, with the terms of the AWS Wickr
// guides). The choice is remembered in localStorage; the first visit follows the browser's language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Key } from './en';
import { zhTW } from './zh-TW';

export type { Key };
export type Lang = 'en' | 'zh-TW';
export const LANGS: Lang[] = ['en', 'zh-TW'];
export const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-TW': zhTW };
export const LANG_STORAGE_KEY = 'enclave.app.lang';

export type Params = Record<string, string | number>;

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function translate(lang: Lang, key: string, params?: Params): string {
  const dict = dictionaries[lang] as Record<string, string>;
  return format(dict[key] ?? (en as Record<string, string>)[key] ?? key, params);
}

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-TW') return stored;
  } catch {
    // no storage
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return /^zh(-(TW|HK|Hant))?/i.test(nav) ? 'zh-TW' : 'en';
}

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
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      // no storage
    }
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
