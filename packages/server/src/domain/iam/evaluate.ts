// Identity-policy evaluation, as IAM does it for one account: default deny; any matching Deny wins;
// otherwise any matching Allow allows. Actions match case-insensitively, resources case-sensitively,
// both with `*` and `?` (glob.ts: no RegExp, no backtracking). Policy variables
// ${aws:username} and ${aws:userid} are replaced per request. Pure: no I/O.
import { compileGlob, globMatch, matchGlob, type GlobPart } from './glob.js';
import type { PolicyDocument, Statement } from './policy.js';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface RequestContext {
  /** e.g. `wickr:ListNetworks` */
  action: string;
  /** The resource ARN, or `*` for actions without a resource. */
  resource: string;
  variables?: { username?: string; userid?: string };
}

export interface EvaluationResult {
  decision: Decision;
  /** The statement that decided (the Deny, or the first Allow). */
  matched?: { policy: string; sid?: string };
}

const VARIABLE_RE = /\$\{aws:(username|userid)\}/gi;

/**
 * Matches a Resource pattern, replacing policy variables by the caller's values taken literally (a `*`
 * in a value is not a wildcard). Policies of Version 2008-10-17 have no variables, as in IAM.
 */
function resourceMatches(pattern: string, resource: string, vars: RequestContext['variables'], withVariables: boolean): boolean {
  if (!withVariables || !pattern.includes('${')) return globMatch(pattern, resource, false);
  const parts: GlobPart[] = [];
  let last = 0;
  for (const m of pattern.matchAll(VARIABLE_RE)) {
    parts.push({ text: pattern.slice(last, m.index) });
    const value = m[1]!.toLowerCase() === 'username' ? vars?.username : vars?.userid;
    // An unknown variable matches nothing.
    if (value === undefined) return false;
    parts.push({ text: value, literal: true });
    last = m.index + m[0].length;
  }
  parts.push({ text: pattern.slice(last) });
  return matchGlob(compileGlob(parts, false), resource);
}

function matchesAction(s: Statement, action: string): boolean {
  if (s.actions) return s.actions.some((a) => globMatch(a, action, true));
  return !s.notActions!.some((a) => globMatch(a, action, true));
}

function matchesResource(s: Statement, resource: string, vars: RequestContext['variables'], withVariables: boolean): boolean {
  const hit = (p: string) => resourceMatches(p, resource, vars, withVariables);
  if (s.resources) return s.resources.some(hit);
  return !s.notResources!.some(hit);
}

export function evaluate(policies: { name: string; document: PolicyDocument }[], req: RequestContext): EvaluationResult {
  let allow: EvaluationResult['matched'];
  for (const p of policies) {
    const withVariables = p.document.version === '2012-10-17';
    for (const s of p.document.statements) {
      if (!matchesAction(s, req.action) || !matchesResource(s, req.resource, req.variables, withVariables)) continue;
      if (s.effect === 'Deny') return { decision: 'ExplicitDeny', matched: { policy: p.name, ...(s.sid ? { sid: s.sid } : {}) } };
      allow ??= { policy: p.name, ...(s.sid ? { sid: s.sid } : {}) };
    }
  }
  return allow ? { decision: 'Allow', matched: allow } : { decision: 'ImplicitDeny' };
}

/** The AWS-form message for a denied call. */
export function denialMessage(principalArn: string, action: string, resource: string, decision: Decision): string {
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}${decision === 'ExplicitDeny' ? ' with an explicit deny' : ''}`;
}
