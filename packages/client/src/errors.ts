/**
 * errors.ts — owns EnclaveError, the one error type the SDK throws, and the mapping of server error
 * bodies, WebSocket error frames and network failures onto it. Messages are the guide's texts from
 * ERROR_TEXTS. Must never put message content, keys or tokens into an error message.
 */
import { ERROR_TEXTS, type ErrorCode } from '@enclave/protocol';

export type EnclaveErrorCode = ErrorCode;

export interface EnclaveErrorDetails {
  status?: number;
  details?: { field: string; reason: string }[];
  lockedUntil?: number;
}

export class EnclaveError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly details?: { field: string; reason: string }[];
  readonly lockedUntil?: number;

  constructor(code: string, message?: string, extra: EnclaveErrorDetails = {}) {
    super(message ?? textFor(code));
    this.name = 'EnclaveError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.details) this.details = extra.details;
    if (extra.lockedUntil !== undefined) this.lockedUntil = extra.lockedUntil;
  }
}

/** The guide's text for a code (falls back to the generic text). */
export function textFor(code: string): string {
  return (ERROR_TEXTS as Record<string, string>)[code] ?? ERROR_TEXTS.internal;
}

/** An EnclaveError with the guide's message for `code`. */
export function enclaveError(code: EnclaveErrorCode, extra?: EnclaveErrorDetails): EnclaveError {
  return new EnclaveError(code, textFor(code), extra);
}

/** Network failure (DNS, refused, reset, aborted): the guide's "Unable to connect" error. */
export function connectError(): EnclaveError {
  return enclaveError('unable_to_connect');
}

export function isEnclaveError(err: unknown, code?: string): err is EnclaveError {
  return err instanceof EnclaveError && (code === undefined || err.code === code);
}
