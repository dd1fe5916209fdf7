// Identity-policy evaluation, as IAM does it for one account: default deny; any matching Deny wins;
// otherwise any matching Allow allows. Actions match case-insensitively, resources case-sensitively,
// both with `*` and `?`. Policy variables ${aws:username} and ${aws:userid} are replaced per request.
// Pure: no I/O.
import { globMatch, type PolicyDocument, type Statement } from './policy.js';

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

function substitute(pattern: string, vars: RequestContext['variables']): string {
  return pattern.replace(/\$\{aws:(username|userid)\}/gi, (_, name: string) => {
    const v = name.toLowerCase() === 'username' ? vars?.username : vars?.userid;
    // An unknown variable matches nothing (IAM treats it as a non-matching value).
    return v ?? '\u0000';
  });
}

function matchesAction(s: Statement, action: string): boolean {
  if (s.actions) return s.actions.some((a) => globMatch(a, action, true));
  return !s.notActions!.some((a) => globMatch(a, action, true));
}

function matchesResource(s: Statement, resource: string, vars: RequestContext['variables']): boolean {
  const hit = (p: string) => p === '*' || globMatch(substitute(p, vars), resource, false);
  if (s.resources) return s.resources.some(hit);
  return !s.notResources!.some(hit);
}

export function evaluate(policies: { name: string; document: PolicyDocument }[], req: RequestContext): EvaluationResult {
  let allow: EvaluationResult['matched'];
  for (const p of policies) {
    for (const s of p.document.statements) {
      if (!matchesAction(s, req.action) || !matchesResource(s, req.resource, req.variables)) continue;
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
