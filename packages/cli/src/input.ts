// An operation's input: --cli-input-json (inline or file://path) first, then one flag per member on
// top of it, checked like the AWS CLI does before anything is sent (unknown and missing members).
import type { ModelMember } from '@enclave/admin-api';
import { usageError } from './errors.js';
import { readFlagText } from './model-flags.js';

export function parseCliInputJson(raw: string): Record<string, unknown> {
  const text = readFlagText('--cli-input-json', raw);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw usageError(`--cli-input-json: invalid JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw usageError('--cli-input-json: expected a JSON object');
  return v as Record<string, unknown>;
}

/** Flags override members of --cli-input-json; undefined flags leave them alone. */
export function mergeInput(base: Record<string, unknown>, flags: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v;
  return out;
}

/** Rejects unknown members and reports every missing required member at once. */
export function checkInput(members: Record<string, ModelMember>, input: Record<string, unknown>): void {
  const unknown = Object.keys(input).filter((k) => !(k in members));
  if (unknown.length) {
    throw usageError(`Unknown parameter${unknown.length > 1 ? 's' : ''} in input: ${unknown.join(', ')}. Must be one of: ${Object.keys(members).join(', ')}`);
  }
  const missing = Object.entries(members)
    .filter(([k, m]) => m.required && (input[k] === undefined || input[k] === null || input[k] === ''))
    .map(([k]) => k);
  if (missing.length) throw usageError(`Missing required parameter${missing.length > 1 ? 's' : ''} in input: ${missing.join(', ')}`);
}
