// The language machinery both apps use: an I18nProvider that holds the language (remembered in
// localStorage under the app's key; the first visit follows the browser), keeps <html lang> and the
// page title in that language, and gives the app's components `t` over its dictionaries plus its own
// formats (dates, numbers). It also serves the shared UI kit its strings (ui-text.ts).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { storedLang, storeLang, translator, type Lang, type Params } from './core';
import { UiTextContext, type UiText } from './ui-text';

export interface I18nBase<K extends string> {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: K, params?: Params) => string;
  /** For keys computed at run time (validation problems, error codes). */
  tr: (key: string, params?: Params) => string;
  has: (key: string) => boolean;
}

export interface I18nOptions<K extends string, F extends object> {
  dictionaries: Record<Lang, Record<K, string>>;
  /** localStorage key of the chosen language. */
  storageKey: string;
  /** The key of the page title. */
  titleKey: NoInfer<K>;
  /** The app's formats in a language. */
  formats: (lang: Lang) => F;
}

export function createI18n<K extends string, F extends object>({ dictionaries, storageKey, titleKey, formats }: I18nOptions<K, F>) {
  type I18n = I18nBase<K> & F;
  const translate = translator(dictionaries);
  const Ctx = createContext<I18n | null>(null);

  /** Provides the language; `lang` fixes it (tests, server-side rendering). */
  function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
    const [lang, setLangState] = useState<Lang>(() => fixed ?? storedLang(storageKey));
    const setLang = useCallback((l: Lang) => {
      setLangState(l);
      storeLang(storageKey, l);
    }, []);
    useEffect(() => {
      document.documentElement.lang = lang;
      document.title = translate(lang, titleKey);
    }, [lang]);
    const value = useMemo<I18n>(
      () => ({
        lang,
        setLang,
        t: (key: K, params?: Params) => translate(lang, key, params),
        tr: (key: string, params?: Params) => translate(lang, key, params),
        has: (key: string) => key in dictionaries[lang],
        ...formats(lang),
      }),
      [lang, setLang],
    );
    const ui = useMemo<UiText>(() => (key, params) => translate(lang, key, params), [lang]);
    return (
      <Ctx.Provider value={value}>
        <UiTextContext.Provider value={ui}>{children}</UiTextContext.Provider>
      </Ctx.Provider>
    );
  }

  function useI18n(): I18n {
    const v = useContext(Ctx);
    if (!v) throw new Error('useI18n outside I18nProvider');
    return v;
  }

  return { translate, I18nProvider, useI18n };
}
