// The current time, re-rendering twice a second while a countdown is shown.
import { useEffect, useState } from 'react';

/** The current time, re-rendering twice a second while a countdown is shown. */
export function useNow(active: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [active]);
  return Date.now();
}
