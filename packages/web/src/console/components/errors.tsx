// How the console shows a failed API call (the API's error type, message and per-field reasons) and a
// page's loading / error / content states (useLoad results).
import type { ReactNode } from 'react';
import { ApiError } from '../api/http';
import { useI18n } from '../i18n';
import { Button } from '../../shared/ui/button';
import { Banner } from '../../shared/ui/banner';
import { Loading } from '../../shared/ui/states';

/** The message of an error (the API's own text, as the server is the truth). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBanner({ error, title, onDismiss }: { error: unknown; title?: string; onDismiss?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <Banner kind="error" title={title ?? t('common.errorTitle')} onDismiss={onDismiss}>
      <p>
        {e && e.status ? <code className="errtype">{e.type}</code> : null} {errorMessage(error)}
      </p>
      {e && e.reasons.length > 0 ? (
        <ul>
          {e.reasons.map((r, i) => (
            <li key={i}>
              {r.field ? <code>{r.field}</code> : null} {r.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </Banner>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="load-error">
      <ErrorBanner error={error} title={t('common.loadFailed')} />
      {onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : null}
    </div>
  );
}

/** Shows loading / error / content for a useLoad result. */
export function Loaded<T>({ state, children }: { state: { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void> }; children: (data: T) => ReactNode }) {
  if (state.data === undefined) {
    if (state.error) return <LoadError error={state.error} onRetry={() => void state.reload()} />;
    return <Loading />;
  }
  return (
    <>
      {state.error ? <ErrorBanner error={state.error} /> : null}
      {children(state.data)}
    </>
  );
}
