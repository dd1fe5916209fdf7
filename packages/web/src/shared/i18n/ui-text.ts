// The strings the shared UI kit (shared/ui) shows: keys of each app's dictionaries, served to the kit by
// the app's I18nProvider (create-i18n.tsx). An app that uses a kit component showing one of them has it
// in its dictionaries (the console has all of them).
import { createContext, useContext } from 'react';
import type { Params } from './core';

export type UiKey =
  | 'common.required'
  | 'common.dismiss'
  | 'common.loading'
  | 'common.close'
  | 'common.copy'
  | 'common.copied'
  | 'common.pagination'
  | 'common.prev'
  | 'common.next'
  | 'common.page'
  | 'common.pageSize'
  | 'common.yes'
  | 'common.no';

export type UiText = (key: UiKey, params?: Params) => string;

export const UiTextContext = createContext<UiText>((key) => key);

/** The current language's text of a UI kit string. */
export function useUiText(): UiText {
  return useContext(UiTextContext);
}
