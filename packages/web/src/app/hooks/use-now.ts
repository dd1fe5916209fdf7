// The current time for countdowns (expiry and burn-on-read timers), re-rendering while one is shown.
import { useEffect, useState } from 'react';

/**
 * The current time, re-rendering while a countdown is shown: twice a second once the soonest one is
 * within a day (h:mm:ss), every 30 seconds before (a clock in days and hours).
 */
export function useNow(soonest: number | undefined): number {
  const [, setTick] = useState(0);
  const now = Date.now();
  const period = soonest === undefined ? undefined : soonest - now > 86_400_000 + 30_000 ? 30_000 : 500;
  useEffect(() => {
    if (period === undefined) return;
    const timer = setInterval(() => setTick((n) => n + 1), period);
    return () => clearInterval(timer);
  }, [period]);
  return now;
}
