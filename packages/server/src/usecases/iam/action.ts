// What every /iam action handler receives and how it is declared: one module per action in
// usecases/iam/<action>.ts (`enable-mfa-device.ts` for EnableMFADevice) default-exports
// defineIamAction('<Action>', …) with its members (the AWS IAM member names, checked here before the
// handler runs), the resource it acts on (for the policy check) and the handler. The transport
// (api/iam/routes.ts) does authentication, authorization, transactions, audit and serialization.
import { validation, type ErrorReason } from '../../kernel/errors.js';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { CommandContext } from '../context.js';

/** What an action's handler gets: a read handle for read-only actions, the write transaction otherwise. */
export type IamContext<R extends boolean = boolean> = CommandContext<R extends true ? ReadTx : WriteTx>;

export type MemberType = 'string' | 'boolean' | 'integer' | 'document';

export interface MemberSpec {
  /** `document` is a JSON policy document: a string, or a JSON object (sent as its text). */
  type: MemberType;
  required?: boolean;
  pattern?: RegExp;
  /** What the pattern means, for the error reason. */
  patternText?: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** One line for --help and the docs. */
  doc: string;
}

export type Members = Record<string, MemberSpec>;

type ValueOf<S extends MemberSpec> = S['type'] extends 'boolean' ? boolean : S['type'] extends 'integer' ? number : string;
type RequiredKeys<M extends Members> = { [K in keyof M]: M[K]['required'] extends true ? K : never }[keyof M];
type OptionalKeys<M extends Members> = Exclude<keyof M, RequiredKeys<M>>;
export type InputOf<M extends Members> = { [K in RequiredKeys<M>]: ValueOf<M[K]> } & { [K in OptionalKeys<M>]?: ValueOf<M[K]> };

export interface IamAction<M extends Members = Members, P = unknown, R extends boolean = boolean> {
  name: string;
  /** Read-only actions run without a transaction and do not move the IAM generation. */
  readonly: R;
  members: M;
  /** Members of the AWS action that Enclave refuses, with the reason (e.g. AssumeRolePolicyDocument). */
  refused?: Record<string, string>;
  /**
   * The resource ARN the action is authorized against (`*` for actions without one). Runs before
   * validation, on the raw input, so it must cope with anything.
   */
  resource(ctx: CommandContext<ReadTx>, raw: Record<string, unknown>): Promise<string>;
  /** Work that must not hold the write transaction (password hashing); its result goes to handle. */
  prepare?(ctx: Omit<CommandContext, 'tx'>, input: InputOf<M>): Promise<P>;
  handle(ctx: IamContext<R>, input: InputOf<M>, prepared: P): Promise<Record<string, unknown>>;
}

export function defineIamAction<const M extends Members, P = undefined, const R extends boolean = boolean>(
  name: string,
  spec: Omit<IamAction<M, P, R>, 'name'>,
): IamAction<M, P, R> {
  return { name, ...spec };
}

/** Checks the input against the members: every problem is one reason of a 422 ValidationError. */
export function validateMembers(action: IamAction, raw: Record<string, unknown>): Record<string, unknown> {
  const reasons: ErrorReason[] = [];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (action.refused?.[key]) reasons.push({ field: key, reason: action.refused[key]! });
    else if (!(key in action.members)) reasons.push({ field: key, reason: `is not a member of ${action.name} (members: ${Object.keys(action.members).join(', ') || 'none'})` });
  }
  for (const [key, spec] of Object.entries(action.members)) {
    let v = raw[key];
    if (v === undefined || v === null) {
      if (spec.required) reasons.push({ field: key, reason: 'is required' });
      continue;
    }
    if (spec.type === 'document') {
      if (typeof v === 'object' && !Array.isArray(v)) v = JSON.stringify(v);
      if (typeof v !== 'string') {
        reasons.push({ field: key, reason: 'must be a JSON policy document (a string or a JSON object)' });
        continue;
      }
    } else if (spec.type === 'boolean') {
      if (typeof v !== 'boolean') {
        reasons.push({ field: key, reason: 'must be a boolean' });
        continue;
      }
    } else if (spec.type === 'integer') {
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        reasons.push({ field: key, reason: 'must be an integer' });
        continue;
      }
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
        reasons.push({ field: key, reason: `must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}` });
        continue;
      }
    } else {
      if (typeof v !== 'string') {
        reasons.push({ field: key, reason: 'must be a string' });
        continue;
      }
      if (spec.values && !spec.values.includes(v)) {
        reasons.push({ field: key, reason: `must be one of ${spec.values.join(', ')}` });
        continue;
      }
      if (spec.pattern && !spec.pattern.test(v)) {
        reasons.push({ field: key, reason: `must be ${spec.patternText ?? `a string matching ${spec.pattern.source}`}` });
        continue;
      }
    }
    out[key] = v;
  }
  if (reasons.length) throw validation(reasons);
  return out;
}

// ---- Members shared by the actions (AWS IAM names and constraints) ----

const NAME_CHARS = "letters, digits and +=,.@_-";
export const NAME_64 = /^[\w+=,.@-]{1,64}$/;
export const NAME_128 = /^[\w+=,.@-]{1,128}$/;
export const PATH_RE = /^(\/|\/[\u0021-\u007e]{1,510}\/)$/;
export const PATH_PREFIX_RE = /^\/[\u0021-\u007e]{0,511}$/;
export const POLICY_ARN_RE = /^arn:aws:iam::(aws|\d{12}):policy\/[\u0021-\u007e]{1,2000}$/;
export const VERSION_ID_RE = /^v[1-9][0-9]{0,8}$/;
export const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;

const name64 = (doc: string) => ({ type: 'string', required: true, pattern: NAME_64, patternText: `1-64 ${NAME_CHARS}`, doc }) as const;
const name128 = (doc: string) => ({ type: 'string', required: true, pattern: NAME_128, patternText: `1-128 ${NAME_CHARS}`, doc }) as const;

export const m = {
  UserName: name64('the IAM user name'),
  /** UserName that defaults to the calling IAM user. */
  SelfUserName: { type: 'string', pattern: NAME_64, patternText: `1-64 ${NAME_CHARS}`, doc: 'the IAM user name (default: the calling IAM user)' },
  GroupName: name64('the IAM group name'),
  RoleName: name128('the IAM role name'),
  PolicyName: name128('the policy name'),
  Path: { type: 'string', pattern: PATH_RE, patternText: "'/' or a path that starts and ends with '/'", doc: "the path, '/' (default) or /division/…/" },
  PathPrefix: { type: 'string', pattern: PATH_PREFIX_RE, patternText: "a path prefix starting with '/'", doc: 'only entities whose path starts with this' },
  PolicyArn: { type: 'string', required: true, pattern: POLICY_ARN_RE, patternText: 'a policy ARN arn:aws:iam::<account>:policy/<path><name>', doc: 'the managed policy ARN' },
  PolicyDocument: { type: 'document', required: true, doc: 'the JSON policy document (inline JSON or, on the CLI, file://path)' },
  VersionId: { type: 'string', required: true, pattern: VERSION_ID_RE, patternText: 'a version ID such as v2', doc: 'the policy version, e.g. v2' },
  AccessKeyId: { type: 'string', required: true, pattern: ACCESS_KEY_ID_PATTERN, patternText: '16-128 upper-case letters and digits', doc: 'the access key ID' },
  Password: { type: 'string', required: true, doc: 'the console password (12+ characters, 3 of: lower case, upper case, digits, symbols)' },
  Marker: { type: 'string', doc: 'the Marker of the previous page' },
  MaxItems: { type: 'integer', min: 1, max: 1000, doc: 'page size, 1-1000 (default 100)' },
} as const satisfies Record<string, MemberSpec>;
