// The HTTP side of member SSO (docs/sso.md): POST /v1/sso/start (company ID → the provider's
// authorization URL), GET /sso/callback (the redirect URI registered at the provider: code → ticket,
// then back into the messenger at /app/#/sso), POST /v1/sso/session (ticket + binding secret + device →
// member session). Thin: the work is in usecases/member/sso.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LoginRequest } from '@enclave/protocol';
import { REDIRECT_PATH } from '../../domain/sso/oidc.js';
import { SignInThrottle } from '../../domain/console-sessions/sessions.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import { clientOfState, completeCallback, redeemTicket, SsoError, startSso, type SsoDevice } from '../../usecases/member/sso.js';
import { parse, type MemberRoutes } from './http.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a CLI sign-in ends on: the ticket to paste (or the reason it failed). No script, no links. */
function cliPage(fragment: URLSearchParams): string {
  const ticket = fragment.get('ticket');
  const body = ticket
    ? `<h1>Signed in with SSO</h1><p>Paste this sign-in code into the <code>enclave</code> command that is waiting for it. It works once, only for that command, within 5 minutes.</p><p><code id="ticket">${escapeHtml(ticket)}</code></p>`
    : `<h1>SSO sign-in failed</h1><p id="error">${escapeHtml(fragment.get('message') ?? '')}</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Enclave SSO</title></head><body>${body}</body></html>`;
}

export const SsoStartRequest = z.object({
  companyId: z.string().trim().min(1).max(80),
  /** A random secret (≥ 32 characters) the client keeps until it redeems the ticket. */
  binding: z.string().min(32).max(200),
  /** 'cli': the callback shows the ticket on a page, to paste into `enclave sso-login`. */
  client: z.enum(['web', 'cli']).optional(),
});

export const SsoSessionRequest = z.object({
  ticket: z.string().min(16).max(200),
  binding: z.string().min(32).max(200),
  device: LoginRequest.shape.device,
});

/** Registers the SSO routes: the JSON ones in the messaging scope, the browser callback at the root. */
export function registerSsoRoutes(app: FastifyInstance, scope: FastifyInstance, r: MemberRoutes): void {
  const deps = r.d.sso;
  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });

  // Guessing company IDs: after 5 unknown ones from an address in 15 minutes, that address waits (as
  // for invite codes; in memory per node).
  const throttle = new SignInThrottle();
  scope.post('/v1/sso/start', async (req, reply) => {
    const key = [SignInThrottle.ipKey(req.ip)];
    const wait = throttle.retryAfterMs(key, deps.now());
    if (wait > 0) {
      const minutes = Math.max(1, Math.ceil(wait / 60_000));
      throw fail('rate_limited', `Too many unknown company IDs from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    let out;
    try {
      out = await startSso(deps, parse(SsoStartRequest, req.body));
    } catch (err) {
      if (err instanceof SsoError && err.reason === 'company_id') throttle.recordFailure(key, deps.now());
      throw err;
    }
    const r = json(200, out);
    return reply.status(r.status).header('content-type', 'application/json').header('cache-control', 'no-store').send(r.body);
  });

  scope.post('/v1/sso/session', async (req, reply) => {
    const body = parse(SsoSessionRequest, req.body);
    const out = await r.run((events) => redeemTicket(deps, events, { ticket: body.ticket, binding: body.binding, device: body.device as SsoDevice }));
    return reply.status(200).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(out));
  });

  // The provider sends the browser here. The answer is always a redirect into the messenger, with a
  // ticket or with the reason in the guide's words, in the fragment (never sent to a server again).
  app.get(REDIRECT_PATH, async (req, reply) => {
    const raw = req.raw.url ?? '';
    const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
    const fragment = new URLSearchParams();
    const client = await clientOfState(deps, query).catch(() => 'web' as const);
    try {
      const { ticket, state, email } = await completeCallback(deps, query);
      fragment.set('ticket', ticket);
      fragment.set('state', state);
      // The messenger keeps one encrypted store per account on a browser: it needs to know whose.
      fragment.set('email', email);
    } catch (err) {
      if (!(err instanceof MessagingError)) {
        req.log.error({ err }, 'SSO callback failed');
        fragment.set('error', 'internal');
        fragment.set('message', `An internal error occurred. Request ID: ${req.id}`);
      } else {
        if (err instanceof SsoError) req.log.warn({ reason: err.reason, message: err.message }, 'SSO sign-in refused');
        fragment.set('error', err instanceof SsoError ? err.reason : err.code);
        fragment.set('message', err.message);
      }
    }
    if (client === 'cli') {
      return reply
        .status(fragment.has('ticket') ? 200 : 400)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'")
        .send(cliPage(fragment));
    }
    return reply.status(303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', `/app/#/sso?${fragment.toString()}`).send();
  });
}
