// Message timers in the messenger: the choices a security group allows and remaining times as a clock
// (durations in words: hooks/use-duration.ts; the ticking clock: hooks/use-now.ts).

export const TTL_CHOICES = [60, 300, 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];

export const BOR_CHOICES = [10, 30, 60, 300, 3600, 86_400];

/** The timer choices the security group allows (at most its maximum). */
export function timerChoices(max: number, choices: number[]): number[] {
  return choices.filter((c) => c <= max);
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
