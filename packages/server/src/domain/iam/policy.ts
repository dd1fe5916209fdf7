// The identity-based policy language, as far as Wickr supports it (the guide's IAM feature table):
// Version, Id, Statement (object or array), Sid, Effect, Action/NotAction, Resource/NotResource, with
// `*` and `?` wildcards and the ${aws:username} / ${aws:userid} policy variables. Resource-based
// elements (Principal, NotPrincipal), Condition (condition keys, ABAC) are not supported by Wickr and
// are rejected with a reason naming the statement, never silently ignored. Wildcards are matched by
// glob.ts (no RegExp, no backtracking); a pattern may have at most MAX_PATTERN_STARS `*`s. Pure: no I/O.
import { countStars, globMatch, MAX_PATTERN_STARS } from './glob.js';

export { globMatch, MAX_PATTERN_STARS } from './glob.js';

export type Effect = 'Allow' | 'Deny';

export interface Statement {
  sid?: string;
  effect: Effect;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
}

export interface PolicyDocument {
  version: string;
  statements: Statement[];
}

export class PolicyError extends Error {
  constructor(
    readonly statementIndex: number | undefined,
    message: string,
  ) {
    super(statementIndex === undefined ? message : `Statement[${statementIndex}]: ${message}`);
  }
}

const VERSIONS = ['2012-10-17', '2008-10-17'];
const UNSUPPORTED: Record<string, string> = {
  Principal: 'Principal is not supported: Wickr supports identity-based policies only, not resource-based policies',
  NotPrincipal: 'NotPrincipal is not supported: Wickr supports identity-based policies only, not resource-based policies',
  Condition: 'Condition is not supported: Wickr has no policy condition keys (and no ABAC)',
};
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource'];
const ACTION_RE = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;
const SID_RE = /^[A-Za-z0-9]*$/;
export const MAX_POLICY_SIZE = 6144;

function stringList(v: unknown, name: string, index: number): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x.length > 0)) {
    throw new PolicyError(index, `${name} must be a non-empty string or a non-empty array of strings`);
  }
  return list as string[];
}

/** A pattern with more `*` wildcards than a policy document may have, reported in the element's name. */
function checkWildcards(patterns: string[], element: string, index: number): void {
  for (const p of patterns) {
    const stars = countStars(p);
    if (stars > MAX_PATTERN_STARS) {
      throw new PolicyError(index, `${element} "${p}" has ${stars} * wildcards; at most ${MAX_PATTERN_STARS} are allowed in one ${element}`);
    }
  }
}

/**
 * Parses and validates a policy document; throws PolicyError with the statement index. `stored`: a
 * document read back from the database for evaluation — it was checked when it was written, under the
 * limits of the day, so the wildcard limit (added later, issue 17) is not applied again: a policy that
 * predates it keeps working (the matcher's cost does not depend on the number of wildcards).
 */
export function parsePolicy(text: string, opts: { stored?: boolean } = {}): PolicyDocument {
  if (text.length > MAX_POLICY_SIZE) throw new PolicyError(undefined, `The policy document exceeds ${MAX_POLICY_SIZE} characters`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new PolicyError(undefined, 'The policy document is not valid JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new PolicyError(undefined, 'The policy document must be a JSON object');
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!['Version', 'Id', 'Statement'].includes(key)) throw new PolicyError(undefined, `Unknown policy element ${key}`);
  }
  const version = d.Version === undefined ? '2008-10-17' : d.Version;
  if (typeof version !== 'string' || !VERSIONS.includes(version)) throw new PolicyError(undefined, `Version must be one of ${VERSIONS.join(', ')}`);
  if (d.Id !== undefined && typeof d.Id !== 'string') throw new PolicyError(undefined, 'Id must be a string');
  if (d.Statement === undefined) throw new PolicyError(undefined, 'Statement is required');
  const raw = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  if (raw.length === 0) throw new PolicyError(undefined, 'Statement must not be empty');
  const sids = new Set<string>();
  const statements = raw.map((s, i): Statement => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new PolicyError(i, 'must be a JSON object');
    const st = s as Record<string, unknown>;
    for (const key of Object.keys(st)) {
      if (UNSUPPORTED[key]) throw new PolicyError(i, UNSUPPORTED[key]!);
      if (!STATEMENT_KEYS.includes(key)) throw new PolicyError(i, `Unknown statement element ${key}`);
    }
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw new PolicyError(i, 'Effect must be Allow or Deny');
    const out: Statement = { effect: st.Effect };
    if (st.Sid !== undefined) {
      if (typeof st.Sid !== 'string' || !SID_RE.test(st.Sid)) throw new PolicyError(i, 'Sid must contain only letters and digits');
      if (st.Sid && sids.has(st.Sid)) throw new PolicyError(i, `Sid ${st.Sid} is used by more than one statement`);
      sids.add(st.Sid);
      out.sid = st.Sid;
    }
    if ((st.Action === undefined) === (st.NotAction === undefined)) throw new PolicyError(i, 'exactly one of Action or NotAction is required');
    if ((st.Resource === undefined) === (st.NotResource === undefined)) throw new PolicyError(i, 'exactly one of Resource or NotResource is required');
    const actions = stringList(st.Action ?? st.NotAction, st.Action !== undefined ? 'Action' : 'NotAction', i);
    for (const a of actions) if (!ACTION_RE.test(a)) throw new PolicyError(i, `Action "${a}" must be "*" or "<service>:<action>"`);
    if (!opts.stored) checkWildcards(actions, st.Action !== undefined ? 'Action' : 'NotAction', i);
    if (st.Action !== undefined) out.actions = actions;
    else out.notActions = actions;
    const resources = stringList(st.Resource ?? st.NotResource, st.Resource !== undefined ? 'Resource' : 'NotResource', i);
    for (const r of resources) if (r !== '*' && !r.startsWith('arn:')) throw new PolicyError(i, `Resource "${r}" must be "*" or an ARN`);
    if (!opts.stored) checkWildcards(resources, st.Resource !== undefined ? 'Resource' : 'NotResource', i);
    if (st.Resource !== undefined) out.resources = resources;
    else out.notResources = resources;
    return out;
  });
  return { version, statements };
}

/** Actions that name something outside the known set (accepted, as AWS does, but worth a warning). */
export function unknownActions(doc: PolicyDocument, known: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of doc.statements) {
    for (const a of [...(s.actions ?? []), ...(s.notActions ?? [])]) {
      if (a === '*' || /[*?]/.test(a)) {
        if (!known.some((k) => globMatch(a, k, true))) out.push(a);
      } else if (!known.some((k) => k.toLowerCase() === a.toLowerCase())) out.push(a);
    }
  }
  return [...new Set(out)];
}
