// Errors as values: every failure an admin operation can report, named by the model's error shape
// (which decides the HTTP status and the x-amzn-errortype header) with a message in the guide's words.
import { shapes } from '../model/model.generated.js';

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
