// Reads the AWS Wickr Admin API model straight from ../shared/spec (independently of the generated
// definitions the server uses), so the conformance suite checks the server against the source.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const MODEL_PATH = resolve(here, '../../../shared/spec/wickr-admin-api-2024-02-01.smithy.json');
export const modelAvailable = existsSync(MODEL_PATH);
if (!modelAvailable) console.warn(`conformance: model not found at ${MODEL_PATH}; the model-driven suites are skipped`);

const NS = 'com.amazonaws.wickr#';
interface RawShape {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
  member?: { target: string };
  traits?: Record<string, unknown>;
  input?: { target: string };
  output?: { target: string };
}
const raw: { shapes: Record<string, RawShape> } = modelAvailable ? JSON.parse(readFileSync(MODEL_PATH, 'utf8')) : { shapes: {} };

export interface Example {
  title: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: { shapeId: string; content: Record<string, unknown> };
}

export interface ModelOp {
  name: string;
  method: string;
  uri: string;
  code: number;
  input: string;
  output: string;
  readonly: boolean;
  examples: Example[];
}

export const local = (id: string) => (id.startsWith(NS) ? id.slice(NS.length) : id.replace('smithy.api#', ''));

export const modelOps: ModelOp[] = Object.entries(raw.shapes)
  .filter(([, s]) => s.type === 'operation')
  .map(([id, s]) => {
    const http = s.traits!['smithy.api#http'] as { method: string; uri: string; code?: number };
    return {
      name: local(id),
      method: http.method,
      uri: http.uri,
      code: http.code ?? 200,
      input: local(s.input!.target),
      output: local(s.output!.target),
      readonly: Boolean(s.traits!['smithy.api#readonly']),
      examples: (s.traits!['smithy.api#examples'] as Example[] | undefined) ?? [],
    };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

export function shape(name: string): RawShape | undefined {
  return raw.shapes[NS + name] ?? raw.shapes[`smithy.api#${name}`] ?? (['Boolean', 'Integer', 'Long', 'Timestamp', 'String'].includes(name) ? { type: name.toLowerCase() } : undefined);
}

export interface MemberInfo {
  name: string;
  target: string;
  required: boolean;
  location: 'label' | 'query' | 'header' | 'body';
  locationName: string;
}

export function members(structure: string): MemberInfo[] {
  const s = shape(structure);
  return Object.entries(s?.members ?? {}).map(([name, m]) => {
    const t = m.traits ?? {};
    const location = 'smithy.api#httpLabel' in t ? 'label' : 'smithy.api#httpQuery' in t ? 'query' : 'smithy.api#httpHeader' in t ? 'header' : 'body';
    const locationName = (t['smithy.api#httpQuery'] ?? t['smithy.api#httpHeader'] ?? name) as string;
    return { name, target: local(m.target), required: 'smithy.api#required' in t, location, locationName };
  });
}

/**
 * Members Enclave adds to modelled output shapes, each documented in docs/api-compat.md (AWS SDKs
 * ignore members they do not know). Anything else not in the model is a problem.
 */
export const DOCUMENTED_EXTENSIONS: Record<string, string[]> = { SecurityGroupSettings: ['nonSsoTimeoutMinutes'] };

/** Checks a JSON value against a model shape: types, enums, required members. Returns problems. */
export function conformsTo(target: string, value: unknown, path = '$'): string[] {
  const s = shape(target);
  if (!s) return [`${path}: unknown shape ${target}`];
  const problems: string[] = [];
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected object`];
      for (const m of members(target)) {
        if (m.location !== 'body') continue;
        const v = (value as Record<string, unknown>)[m.name];
        if (v === undefined || v === null) {
          if (m.required) problems.push(`${path}.${m.name}: required member missing`);
        } else problems.push(...conformsTo(m.target, v, `${path}.${m.name}`));
      }
      const known = new Set([...members(target).map((m) => m.name), ...(DOCUMENTED_EXTENSIONS[target] ?? [])]);
      for (const k of Object.keys(value)) if (!known.has(k)) problems.push(`${path}.${k}: not a member of ${target}`);
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected list`];
      value.forEach((v, i) => problems.push(...conformsTo(local(s.member!.target), v, `${path}[${i}]`)));
      return problems;
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected string`];
    case 'enum': {
      const values = Object.values(s.members ?? {}).map((m) => (m.traits ?? {})['smithy.api#enumValue']);
      return values.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} not in enum`];
    }
    case 'intEnum': {
      const values = Object.values(s.members ?? {}).map((m) => (m.traits ?? {})['smithy.api#enumValue']);
      return values.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} not in intEnum`];
    }
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected boolean`];
    case 'timestamp':
      return typeof value === 'number' ? [] : [`${path}: expected timestamp`];
    default:
      return [`${path}: unhandled shape type ${s.type}`];
  }
}

export function errorStatus(errorShape: string): number | undefined {
  return shape(errorShape)?.traits?.['smithy.api#httpError'] as number | undefined;
}

/** A minimal value that satisfies the model's constraints for the target. */
export function minimal(target: string): unknown {
  switch (target) {
    case 'NetworkId':
      return '00000000';
    case 'UserId':
    case 'BotId':
      return '1';
  }
  const s = shape(target)!;
  switch (s.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const m of members(target)) if (m.required) out[m.name] = minimal(m.target);
      return out;
    }
    case 'list':
      return [minimal(s.member!.target.split('#')[1]!)];
    case 'enum':
      return Object.values(s.members!)[0]!.traits!['smithy.api#enumValue'];
    case 'intEnum':
      return Object.values(s.members!)[0]!.traits!['smithy.api#enumValue'];
    case 'integer':
    case 'long':
      return 1;
    case 'boolean':
      return false;
    case 'timestamp':
      return 0;
    default:
      return 'x';
  }
}

