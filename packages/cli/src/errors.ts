// Exit codes follow the AWS CLI (https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-troubleshooting.html):
// 252 bad command line, 253 missing configuration or credentials, 254 the service returned an error,
// 255 anything else (e.g. the endpoint cannot be reached).
export const EXIT_USAGE = 252;
export const EXIT_CONFIG = 253;
export const EXIT_SERVICE = 254;
export const EXIT_OTHER = 255;

/** An error the CLI reports as a plain message (no stack trace) with a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** The most useful message of an error, including AggregateError (e.g. a refused IPv4 and IPv6 connect). */
export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return err.errors.map(errorMessage).join('; ') || 'unknown error';
  if (err instanceof Error) return err.message || String((err as { code?: string }).code ?? err.name);
  return String(err);
}
