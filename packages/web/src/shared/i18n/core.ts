// What the console's and the messenger's language support share: English and Traditional Chinese
// (zh-TW), `{name}` parameters, and the choice remembered in localStorage (the first visit follows
// the browser's language). Each app has its own dictionaries and formats.
export type Lang = 'en' | 'zh-TW';
export const LANGS: Lang[] = ['en', 'zh-TW'];

export type Params = Record<string, string | number>;

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A translator over the apps' dictionaries: a key missing in one language falls back to English, then to itself. */
export function translator(dictionaries: Record<Lang, Record<string, string>>) {
  return (lang: Lang, key: string, params?: Params): string => format(dictionaries[lang][key] ?? dictionaries.en[key] ?? key, params);
}

export function storedLang(storageKey: string): Lang {
  try {
    const stored = localStorage.getItem(storageKey);
    if (stored === 'en' || stored === 'zh-TW') return stored;
  } catch {
    // no storage
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return /^zh(-(TW|HK|Hant))?/i.test(nav) ? 'zh-TW' : 'en';
}

export function storeLang(storageKey: string, lang: Lang): void {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // no storage
  }
}
