// The settings of a security group as form sections: each field is described by its kind (bool, int,
// select, radio, lines, pairs, ATAK packages) and its path in securityGroupSettings; these functions
// turn settings into form values and back, and check the values as the API does.
import type { Key } from '../../i18n';
import { intValue } from '../../lib/forms';
import type { GroupSettings } from './group';

// ---- settings sections -------------------------------------------------------------------------

export type FieldDef =
  | { kind: 'bool'; path: string; label: Key; hint?: Key }
  | { kind: 'int'; path: string; label: Key; hint?: Key; min: number; max: number }
  | { kind: 'select'; path: string; label: Key; hint?: Key; options: { value: string; label: Key }[] }
  | { kind: 'radio'; path: string; label: Key; options: { value: string; label: Key; hint?: Key }[] }
  | { kind: 'lines'; path: string; label: Key; hint: Key; max: number; maxLength: number }
  | { kind: 'pairs'; path: string; label: Key; hint: Key; first: 'region' | 'domain' }
  | { kind: 'atak'; path: string; label: Key };

export type FormValue = string | boolean;

export type Form = Record<string, FormValue>;

export const ATAK = ['com.atakmap.app.civ', 'com.atakmap.app.mil'];

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function toForm(fields: FieldDef[], s: GroupSettings): Form {
  const f: Form = {};
  for (const d of fields) {
    const v = getPath(s, d.path);
    if (d.kind === 'bool') f[d.path] = v === true;
    else if (d.kind === 'int' || d.kind === 'select' || d.kind === 'radio') f[d.path] = v === undefined || v === null ? '' : String(v);
    else if (d.kind === 'lines') f[d.path] = ((v as string[] | undefined) ?? []).join('\n');
    else if (d.kind === 'pairs') f[d.path] = ((v as Record<string, string>[] | undefined) ?? []).map((p) => `${p[d.first] ?? ''}, ${p.networkId ?? ''}`).join('\n');
    else if (d.kind === 'atak') for (const pkg of ATAK) f[`${d.path}:${pkg}`] = ((v as string[] | undefined) ?? []).includes(pkg);
  }
  return f;
}

function parsePairs(text: string, first: 'region' | 'domain'): { value: Record<string, string>[]; bad: number[] } {
  const value: Record<string, string>[] = [];
  const bad: number[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, i) => {
      const [a = '', b = ''] = line.split(',').map((x) => x.trim());
      if (!a || !/^\d{8}$/.test(b)) bad.push(i + 1);
      value.push({ [first]: a, networkId: b });
    });
  return { value, bad };
}

/** Client checks, as i18n messages by field path. */
export function checkForm(fields: FieldDef[], f: Form, t: (k: Key, p?: Record<string, string | number>) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of fields) {
    const v = f[d.path];
    if (d.kind === 'int') {
      const n = intValue(String(v));
      if (Number.isNaN(n) || n < d.min || n > d.max) out[d.path] = t('v.range', { min: d.min, max: d.max });
    } else if (d.kind === 'lines') {
      const lines = String(v)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      if (lines.length > d.max) out[d.path] = t('v.tooManyLines', { max: d.max });
      else if (lines.some((l) => [...l].length > d.maxLength)) out[d.path] = t('v.lineTooLong', { max: d.maxLength });
      else if (d.path === 'permittedNetworks' && lines.some((l) => !/^\d{8}$/.test(l))) out[d.path] = t('v.networkIds');
    } else if (d.kind === 'pairs') {
      const { bad } = parsePairs(String(v), d.first);
      if (bad.length) out[d.path] = t('v.pairs', { lines: bad.join(', ') });
    }
  }
  return out;
}

export function fromForm(fields: FieldDef[], f: Form, s: GroupSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const setPath = (path: string, value: unknown) => {
    const [top, sub] = path.split('.') as [string, string | undefined];
    if (sub === undefined) patch[top] = value;
    else patch[top] = { ...((patch[top] as object | undefined) ?? (s as Record<string, object | undefined>)[top] ?? {}), [sub]: value };
  };
  for (const d of fields) {
    const v = f[d.path];
    if (d.kind === 'bool') setPath(d.path, v === true);
    else if (d.kind === 'int') setPath(d.path, intValue(String(v)));
    else if (d.kind === 'select' || d.kind === 'radio') setPath(d.path, Number(v));
    else if (d.kind === 'lines')
      setPath(
        d.path,
        String(v)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    else if (d.kind === 'pairs') setPath(d.path, parsePairs(String(v), d.first).value);
    else if (d.kind === 'atak') setPath(d.path, ATAK.filter((pkg) => f[`${d.path}:${pkg}`] === true));
  }
  return patch;
}

export interface SectionDef {
  id: string;
  title: Key;
  intro?: Key;
  fields: FieldDef[];
  premium?: boolean;
  /** Adjusts the patch before sending (e.g. clears permitted lists when restriction is turned off). */
  adjust?: (patch: Record<string, unknown>, s: GroupSettings) => void;
  /** Cross-field checks. */
  check?: (f: Form, t: (k: Key, p?: Record<string, string | number>) => string) => Record<string, string>;
  /** Shows a field only when this says so (depends on other fields of the form). */
  visible?: (path: string, f: Form) => boolean;
}
