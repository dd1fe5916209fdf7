// Moves focus to the page's main heading after navigation (screen readers announce the new page).
import { useEffect, useState } from 'react';

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
