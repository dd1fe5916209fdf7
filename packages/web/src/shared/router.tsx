// A small router over the History API, one per single-page app: its paths live under a base (/console,
// /app) that the server answers with the app at every path, so links can be bookmarked and reloaded.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactElement } from 'react';

export interface Router {
  readonly base: string;
  /** The current path (without the base) and its query. */
  useLocation(): { path: string; query: URLSearchParams };
  href(to: string): string;
  navigate(to: string, options?: { replace?: boolean }): void;
  /** Replaces one query parameter of the current location (tabs, filters). */
  setQueryParam(name: string, value: string | undefined): void;
  /** An anchor that navigates in the app on a plain left click (others open as the browser does). */
  Link(props: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>): ReactElement;
}

export function createRouter(base: string): Router {
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((fn) => fn());
  const subscribe = (fn: () => void) => {
    listeners.add(fn);
    window.addEventListener('popstate', fn);
    return () => {
      listeners.delete(fn);
      window.removeEventListener('popstate', fn);
    };
  };
  const snapshot = () => window.location.pathname + window.location.search;
  const href = (to: string) => base + (to.startsWith('/') ? to : `/${to}`);
  const navigate = (to: string, options: { replace?: boolean } = {}) => {
    const url = href(to);
    if (options.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    notify();
  };
  return {
    base,
    useLocation() {
      const full = useSyncExternalStore(subscribe, snapshot, () => `${base}/`);
      const [pathname = '', search = ''] = full.split('?');
      let path = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
      if (!path.startsWith('/')) path = `/${path}`;
      return { path, query: new URLSearchParams(search) };
    },
    href,
    navigate,
    setQueryParam(name, value) {
      const url = new URL(window.location.href);
      if (value === undefined || value === '') url.searchParams.delete(name);
      else url.searchParams.set(name, value);
      window.history.replaceState(null, '', url.pathname + url.search);
      notify();
    },
    Link({ to, onClick, ...rest }) {
      const handle = (e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      };
      return <a href={href(to)} onClick={handle} {...rest} />;
    },
  };
}

/** Matches `/networks/:networkId/…` patterns; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = s[i]!;
    if (a.startsWith(':')) {
      try {
        out[a.slice(1)] = decodeURIComponent(b);
      } catch {
        return null;
      }
    } else if (a !== b) return null;
  }
  return out;
}
