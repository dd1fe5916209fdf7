// The console's languages: English and Traditional Chinese (zh-TW, with the terms of the AWS Wickr
// Administration Guide), on the shared machinery (shared/i18n). Dates are shown in UTC.
import { createI18n } from '../../shared/i18n/create-i18n';
import { format, LANGS, type Lang, type Params } from '../../shared/i18n/core';
import type { UiKey } from '../../shared/i18n/ui-text';
import { en, type Key } from './en';
import { zhTW } from './zh-TW';

export type { Key };
export { format, LANGS, type Lang, type Params };
export const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-TW': zhTW };

// The console uses every component of the shared UI kit: its dictionaries have all the kit's strings.
const _kitStrings: Record<UiKey, string> = en;

export const { translate, I18nProvider, useI18n } = createI18n({
  dictionaries,
  storageKey: 'enclave.console.lang',
  titleKey: 'app.title',
  formats: (lang) => {
    const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
    const nf = new Intl.NumberFormat(lang);
    return {
      /** Dates as UTC, in the language's format. */
      dateTime: (d: Date | string | number) => {
        const date = d instanceof Date ? d : new Date(typeof d === 'number' && d < 1e12 ? d * 1000 : d);
        return Number.isNaN(date.getTime()) ? String(d) : `${dtf.format(date)} UTC`;
      },
      number: (n: number) => nf.format(n),
    };
  },
});
