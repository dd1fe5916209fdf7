// Message timers in the messenger: the choices a security group allows, durations in words, remaining
// times as a clock, and a re-render while a countdown shows.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';

export const TTL_CHOICES = [60, 300, 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];
export const BOR_CHOICES = [10, 30, 60, 300, 3600, 86_400];

/** The timer choices the security group allows (at most its maximum). */
export function timerChoices(max: number, choices: number[]): number[] {
  return choices.filter((c) => c <= max);
}

export function useDuration() {
  const { t } = useI18n();
  return (seconds: number): string => {
    if (seconds % 86_400 === 0) return t('dur.days', { n: seconds / 86_400 });
    if (seconds % 3600 === 0) return t('dur.hours', { n: seconds / 3600 });
    if (seconds % 60 === 0) return t('dur.minutes', { n: seconds / 60 });
    return t('dur.seconds', { n: seconds });
  };
}

/** A remaining time as d h / h:mm:ss / m:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/** The soonest burn or expiry of the messages (every message expires: its timer, else the group maximum). */
export function soonestTimer(messages: readonly { burnAt?: number; expiresAt?: number }[]): number | undefined {
  let soonest: number | undefined;
  for (const m of messages) for (const at of [m.burnAt, m.expiresAt]) if (at !== undefined && (soonest === undefined || at < soonest)) soonest = at;
  return soonest;
}

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
