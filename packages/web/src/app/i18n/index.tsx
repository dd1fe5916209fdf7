// The messenger's languages: English and Traditional Chinese (zh-TW, with the terms of the AWS Wickr
// guides), on the shared machinery (shared/i18n).
import { createI18n } from '../../shared/i18n/create-i18n';
import { format, LANGS, type Lang, type Params } from '../../shared/i18n/core';
import { en, type Key } from './en';
import { zhTW } from './zh-TW';

export type { Key };
export { format, LANGS, type Lang, type Params };
export const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-TW': zhTW };
export const LANG_STORAGE_KEY = 'enclave.app.lang';

export const { translate, I18nProvider, useI18n } = createI18n({
  dictionaries,
  storageKey: LANG_STORAGE_KEY,
  titleKey: 'app.title',
  formats: (lang) => {
    const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    const tf = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
    return {
      dateTime: (ms: number) => dtf.format(new Date(ms)),
      time: (ms: number) => tf.format(new Date(ms)),
    };
  },
});
