// Errors of the client protocol: a code from the wire contract (ERROR_TEXTS), the guide's text, an
// HTTP status. Thrown by the messaging services, rendered by the REST routes and the socket.
import { ERROR_TEXTS, type ErrorBody, type ErrorCode } from '@enclave/protocol';

const STATUS: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  session_expired: 401,
  device_reset: 401,
  reauthentication_required: 401,
  invalid_credentials: 401,
  account_suspended: 403,
  forbidden: 403,
  not_member: 403,
  not_moderator: 403,
  policy_violation: 403,
  files_disabled: 403,
  location_disabled: 403,
  forwarding_disabled: 403,
  download_disabled: 403,
  not_found: 404,
  user_not_found: 404,
  different_network: 404,
  federation_not_allowed: 403,
  conflict: 409,
  already_registered: 409,
  too_large: 413,
  room_full: 409,
  account_locked: 423,
  device_approval_required: 428,
  email_verification_required: 428,
  rate_limited: 429,
  integrity: 400,
  internal: 500,
  unable_to_connect: 503,
};

export class MessagingError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: { field: string; reason: string }[],
    readonly extra: { lockedUntil?: number } = {},
  ) {
    super(message ?? ERROR_TEXTS[code]);
    this.status = STATUS[code] ?? 400;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}), ...this.extra };
  }
}

export const fail = (code: ErrorCode, message?: string, details?: { field: string; reason: string }[]) => new MessagingError(code, message, details);

/** A zod failure as a bad_request with one reason per issue. */
export function badRequestFrom(issues: readonly { path: PropertyKey[]; message: string }[]): MessagingError {
  const details = issues.slice(0, 20).map((i) => ({ field: i.path.map(String).join('.') || '(body)', reason: i.message }));
  return new MessagingError('bad_request', `The request is not valid: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`, details);
}
