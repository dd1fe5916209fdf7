// The security group's password complexity rules (passwordRequirements), explained one rule at a
// time so clients can show them inline. Pure.
import type { Policy } from '@enclave/protocol';

export type PasswordRequirements = Policy['passwordRequirements'];

/** Every password has at least this many characters, whatever the group asks. */
export const MIN_PASSWORD_LENGTH = 8;

/** The rules as they are checked (the minimum length is never below MIN_PASSWORD_LENGTH): what a registration page shows. */
export function effectivePasswordRequirements(rules: PasswordRequirements): PasswordRequirements {
  return { ...rules, minLength: Math.max(MIN_PASSWORD_LENGTH, rules.minLength) };
}

export function passwordViolations(password: string, rules: PasswordRequirements): { field: 'password'; reason: string }[] {
  const out: { field: 'password'; reason: string }[] = [];
  const count = (re: RegExp) => (password.match(re) ?? []).length;
  const chars = [...password].length;
  const min = effectivePasswordRequirements(rules).minLength;
  if (chars < min) out.push({ field: 'password', reason: `Use at least ${min} characters (you have ${chars}).` });
  if (count(/\p{Ll}/gu) < rules.lowercase) out.push({ field: 'password', reason: `Use at least ${rules.lowercase} lowercase letter${rules.lowercase === 1 ? '' : 's'}.` });
  if (count(/\p{Lu}/gu) < rules.uppercase) out.push({ field: 'password', reason: `Use at least ${rules.uppercase} uppercase letter${rules.uppercase === 1 ? '' : 's'}.` });
  if (count(/\p{Nd}/gu) < rules.numbers) out.push({ field: 'password', reason: `Use at least ${rules.numbers} number${rules.numbers === 1 ? '' : 's'}.` });
  if (count(/[^\p{L}\p{Nd}\s]/gu) < rules.symbols) out.push({ field: 'password', reason: `Use at least ${rules.symbols} symbol${rules.symbols === 1 ? '' : 's'} (such as ! # % or @).` });
  if (chars > 128) out.push({ field: 'password', reason: 'Use at most 128 characters.' });
  return out;
}
