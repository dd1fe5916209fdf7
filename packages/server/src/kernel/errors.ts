// The error catalogue of the admin plane (admin API, /iam, the audit API, console sessions): every
// failure as a value named by the AWS model's error shape (which decides the HTTP status and the
// x-amzn-errortype header) with a message in the guide's words, and its restJson1 serializer. The
// member plane's errors (codes of the client protocol) are kernel/member-errors.ts. No feature owns
// either: every layer may throw them, only transports serialize them.
import type { FastifyReply } from 'fastify';
import { shapes } from '@enclave/admin-api';

export type ErrorShape =
  | 'BadRequestError'
  | 'ForbiddenError'
  | 'InternalServerError'
  | 'RateLimitError'
  | 'ResourceNotFoundError'
  | 'UnauthorizedError'
  | 'ValidationError';

export interface ErrorReason {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  readonly shape: ErrorShape;
  readonly reasons: ErrorReason[] | undefined;

  constructor(shape: ErrorShape, message: string, reasons?: ErrorReason[]) {
    super(message);
    this.shape = shape;
    this.reasons = reasons;
  }

  get status(): number {
    const s = shapes[this.shape];
    return s?.type === 'structure' && s.httpError ? s.httpError : 500;
  }

  body(): Record<string, unknown> {
    return this.reasons ? { message: this.message, reasons: this.reasons } : { message: this.message };
  }
}

export const badRequest = (message: string) => new ApiError('BadRequestError', message);
export const notFound = (message: string) => new ApiError('ResourceNotFoundError', message);
export const forbidden = (message: string) => new ApiError('ForbiddenError', message);
export const unauthorized = (message: string) => new ApiError('UnauthorizedError', message);

export function validation(reasons: ErrorReason[]): ApiError;
export function validation(field: string, reason: string): ApiError;
export function validation(a: ErrorReason[] | string, reason?: string): ApiError {
  const reasons = typeof a === 'string' ? [{ field: a, reason: reason ?? 'invalid' }] : a;
  const message = reasons.map((r) => `${r.field}: ${r.reason}`).join('; ');
  return new ApiError('ValidationError', message, reasons);
}

/** A call refused by the IAM evaluator: 403 ForbiddenError on the wire, AccessDenied in the audit trail. */
export class AccessDeniedError extends ApiError {
  constructor(message: string) {
    super('ForbiddenError', message);
  }
}

/** Serializes an error as restJson1 does: the shape's status, x-amzn-errortype, and {"message", "reasons"}. */
export function sendAwsError(reply: FastifyReply, err: ApiError) {
  return reply.status(err.status).header('x-amzn-errortype', err.shape).header('content-type', 'application/json').send(JSON.stringify(err.body()));
}
