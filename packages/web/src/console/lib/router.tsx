// The console's router: paths live under /console/ (the server answers every /console/* path with the
// app), and the focus moves to the new page's heading after navigation.
import { useEffect, useState } from 'react';
import { createRouter } from '../../shared/router';

export { match } from '../../shared/router';
const router = createRouter('/console');
export const { useLocation, href, navigate, setQueryParam, Link } = router;

/** Moves focus to the page's main heading after navigation (screen readers announce the new page). */
export function useFocusHeading(key: string) {
  const [first, setFirst] = useState(true);
  useEffect(() => {
    if (first) {
      setFirst(false);
      return;
    }
    const h = document.querySelector<HTMLElement>('main h1');
    h?.focus();
  }, [key]);
}
