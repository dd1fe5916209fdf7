// What `enclave admin` prints: the answer as pretty JSON on stdout (nothing for an empty answer, as
// the AWS CLI), errors on stderr in the AWS CLI's words, and the exit code that goes with them.
import { AdminApiError } from '@enclave/admin-api/client';
import { ChunkFailedError } from './batch.js';
import { CliError, EXIT_OTHER, EXIT_SERVICE, errorMessage } from './errors.js';

export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const processOut: Out = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

export function printJson(out: Out, value: Record<string, unknown>): void {
  if (Object.keys(value).length === 0) return;
  out.stdout(JSON.stringify(value, null, 4) + '\n');
}

export function formatServiceError(err: AdminApiError, operation: string): string {
  const lines = [`An error occurred (${err.errorType}) when calling the ${operation} operation: ${err.body.message ?? `HTTP ${err.status}`}`];
  for (const r of err.body.reasons ?? []) lines.push(`  - ${r.field ? `${r.field}: ` : ''}${r.reason ?? ''}`);
  if (err.requestId) lines.push(`Request ID: ${err.requestId}`);
  return lines.join('\n') + '\n';
}

function connectionCause(err: unknown): string | undefined {
  if (!(err instanceof TypeError) || err.message !== 'fetch failed') return undefined;
  return errorMessage((err as { cause?: unknown }).cause ?? err);
}

/** Prints an error of an admin command and returns its exit code. */
export function reportAdminError(out: Out, err: unknown, operation: string, command: string, endpoint: string | undefined): number {
  if (err instanceof ChunkFailedError) {
    printJson(out, err.partial);
    out.stderr(
      `${command}: chunk ${err.chunkIndex + 1} of ${err.chunkCount} failed; ${err.itemsDone} items were sent before it (their results are on stdout). ` +
        `Running the same command again with the same --client-token does not repeat the chunks that succeeded.\n`,
    );
    return reportAdminError(out, err.cause, operation, command, endpoint);
  }
  if (err instanceof AdminApiError) {
    out.stderr(formatServiceError(err, operation));
    return EXIT_SERVICE;
  }
  if (err instanceof CliError) {
    out.stderr(`enclave: error: ${err.message}\n`);
    return err.exitCode;
  }
  const cause = connectionCause(err);
  if (cause !== undefined) {
    out.stderr(`Could not connect to the endpoint URL: "${endpoint}": ${cause}\n`);
    return EXIT_OTHER;
  }
  out.stderr(`enclave: error: ${errorMessage(err)}\n`);
  if (process.env.ENCLAVE_DEBUG && err instanceof Error && err.stack) out.stderr(err.stack + '\n');
  return EXIT_OTHER;
}
