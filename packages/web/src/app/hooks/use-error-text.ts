// The error text a member sees: the guide's text by code (translated), else the server's message.
import { useI18n } from '../i18n';
import type { ErrorInfo } from '../lib/messenger';

export function useErrorText() {
  const { t, tr, has, lang, dateTime } = useI18n();
  return (err: ErrorInfo | null | undefined): string => {
    if (!err) return '';
    // English: the SDK's / server's text (the guide's, sometimes more specific: attempts left);
    // other languages: the translation of the code.
    let text: string;
    if (lang === 'en') text = err.message || tr(`error.${err.code}`);
    else if (has(`error.${err.code}`)) text = tr(`error.${err.code}`);
    else text = err.message;
    if (err.code === 'account_locked' && err.lockedUntil) text += ` ${t('signin.lockedUntil', { time: dateTime(err.lockedUntil) })}`;
    return text;
  };
}
