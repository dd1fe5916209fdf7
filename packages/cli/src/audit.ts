// `enclave audit lookup`: the account's audit records from the server (POST /audit/LookupEvents,
// signed like every admin call), newest first, as CloudTrail's LookupEvents.
// `enclave audit validate`: checks a delivered trail (a directory or an S3 bucket) as
// `aws cloudtrail validate-logs` does: digest signatures and chain, log file hashes, missing and
// unlisted files. Exit 0 when the trail is valid, 1 when it is not (every problem listed). See
// docs/audit.md.
import { readFileSync } from 'node:fs';
import { AdminClient } from '@enclave/admin-api/client';
import { Command, Option } from 'commander';
import { DEFAULT_ENDPOINT, DEFAULT_REGION, endpointOf } from './admin.js';
import { resolveCredentials } from './credentials.js';
import { CliError, EXIT_OTHER, EXIT_USAGE, errorMessage, usageError } from './errors.js';
import { printJson, processOut, reportAdminError, type Out } from './output.js';
import { collectPages } from './paginate.js';

export const EXIT_INVALID_TRAIL = 1;

interface LookupFlags {
  endpointUrl?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  dataDir?: string;
  startTime?: string;
  endTime?: string;
  eventName?: string;
  principalArn?: string;
  readOnly?: string;
  maxResults?: string;
  nextToken?: string;
  allPages?: boolean;
}

interface ValidateFlags {
  dir?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  s3Endpoint?: string;
  s3Region?: string;
  accountId?: string;
  region?: string;
  publicKey?: string;
  startTime?: string;
  endTime?: string;
  trailName?: string;
  json?: boolean;
}

/** What `enclave audit validate` reads of the server's TrailValidationReport (audit/validate.ts). */
interface TrailReport {
  valid: boolean;
  from: string | null;
  to: string | null;
  digests: { checked: number; valid: number };
  logFiles: { checked: number; valid: number };
  problems: { kind: string; key: string; location: string; message: string }[];
  pending: string[];
}

type ValidateTrail = (options: {
  source: { kind: 'dir'; dir: string } | { kind: 's3'; bucket: string; prefix?: string; endpoint?: string; region?: string };
  accountId: string;
  region: string;
  publicKeyPem: string;
  from?: number;
  to?: number;
  trailName?: string;
}) => Promise<TrailReport>;

/** The server's validateTrail, loaded only when needed (it brings the S3 client). */
async function loadValidateTrail(): Promise<ValidateTrail> {
  const mod = (await import('@enclave/server/audit')) as unknown as { validateTrail: ValidateTrail };
  return mod.validateTrail;
}

/** A time flag: ISO 8601, or epoch seconds. */
export function parseTimeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  const t = /^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) : NaN;
  if (!Number.isFinite(t)) throw usageError(`${flag}: expected an ISO 8601 time (2024-05-01T10:00:00Z) or epoch seconds, got "${value}"`);
  return t;
}

/** The LookupEvents body from the flags; times are passed on as given (ISO or epoch seconds). */
export function lookupBody(flags: LookupFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [flag, key] of [
    ['--start-time', 'startTime'],
    ['--end-time', 'endTime'],
  ] as const) {
    const v = flags[key];
    if (v === undefined) continue;
    parseTimeFlag(flag, v);
    body[key] = /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v.trim();
  }
  if (flags.eventName !== undefined) body.eventName = flags.eventName;
  if (flags.principalArn !== undefined) body.principalArn = flags.principalArn;
  if (flags.readOnly !== undefined) {
    if (flags.readOnly !== 'true' && flags.readOnly !== 'false') throw usageError(`--read-only: expected true or false, got "${flags.readOnly}"`);
    body.readOnly = flags.readOnly === 'true';
  }
  if (flags.maxResults !== undefined) {
    const n = Number(flags.maxResults);
    if (!/^\d+$/.test(flags.maxResults) || n < 1 || n > 50) throw usageError(`--max-results: expected an integer from 1 to 50, got "${flags.maxResults}"`);
    body.maxResults = n;
  }
  if (flags.nextToken !== undefined) body.nextToken = flags.nextToken;
  return body;
}

export async function runLookup(flags: LookupFlags, out: Out = processOut): Promise<void> {
  const body = lookupBody(flags);
  const endpoint = endpointOf(flags.endpointUrl);
  const region = flags.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || DEFAULT_REGION);
  const credentials = resolveCredentials({ accessKeyId: flags.accessKeyId, secretAccessKey: flags.secretAccessKey, dataDir: flags.dataDir });
  const client = new AdminClient({ endpoint, region, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } });
  const call = async (input: Record<string, unknown>) => {
    const json = JSON.stringify(input);
    const res = await client.sendRaw<Record<string, unknown>>({ method: 'POST', path: '/audit/LookupEvents', query: {}, headers: { 'content-type': 'application/json' }, body: json });
    return res.body;
  };
  const result = flags.allPages ? await collectPages({ input: body, listMembers: ['events'], call }) : await call(body);
  printJson(out, result);
}

function describeReport(report: TrailReport, where: string, accountId: string, region: string): { stdout: string; stderr: string } {
  const lines = [`Validating the audit trail of account ${accountId} in ${region} at ${where}`];
  if (report.from && report.to) lines.push(`Results found for ${report.from} to ${report.to}:`);
  else lines.push('No digest files found.');
  lines.push('');
  for (const p of report.problems) {
    const what = p.kind.startsWith('digest') ? 'Digest file' : 'Log file';
    lines.push(`${what} ${p.location} INVALID (${p.kind}): ${p.message}`);
  }
  if (report.problems.length) lines.push('');
  lines.push(`${report.digests.valid}/${report.digests.checked} digest files valid`);
  lines.push(`${report.logFiles.valid}/${report.logFiles.checked} log files valid`);
  if (report.pending.length) lines.push(`${report.pending.length} log files delivered after the newest digest are not validated yet`);
  const stderr = report.valid ? '' : `enclave audit validate: the trail is NOT valid: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}\n`;
  return { stdout: lines.join('\n') + '\n', stderr };
}

export async function runValidate(flags: ValidateFlags, out: Out = processOut): Promise<number> {
  if ((flags.dir === undefined) === (flags.s3Bucket === undefined)) throw usageError('give either --dir or --s3-bucket');
  if (flags.dir !== undefined && (flags.s3Prefix !== undefined || flags.s3Endpoint !== undefined || flags.s3Region !== undefined)) {
    throw usageError('--s3-prefix, --s3-endpoint and --s3-region go with --s3-bucket, not --dir');
  }
  for (const [flag, v] of [
    ['--account-id', flags.accountId],
    ['--region', flags.region],
    ['--public-key', flags.publicKey],
  ] as const) {
    if (!v) throw usageError(`${flag} is required`);
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(flags.publicKey!, 'utf8');
  } catch (err) {
    throw usageError(`--public-key: cannot read ${flags.publicKey}: ${errorMessage(err)}`);
  }
  const from = parseTimeFlag('--start-time', flags.startTime);
  const to = parseTimeFlag('--end-time', flags.endTime);
  const source =
    flags.dir !== undefined
      ? ({ kind: 'dir', dir: flags.dir } as const)
      : {
          kind: 's3' as const,
          bucket: flags.s3Bucket!,
          ...(flags.s3Prefix !== undefined ? { prefix: flags.s3Prefix } : {}),
          ...(flags.s3Endpoint !== undefined ? { endpoint: flags.s3Endpoint } : {}),
          region: flags.s3Region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || flags.region!),
        };
  const validateTrail = await loadValidateTrail();
  let report: TrailReport;
  try {
    report = await validateTrail({
      source,
      accountId: flags.accountId!,
      region: flags.region!,
      publicKeyPem,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(flags.trailName !== undefined ? { trailName: flags.trailName } : {}),
    });
  } catch (err) {
    throw new CliError(`cannot validate the trail: ${errorMessage(err)}`, EXIT_OTHER);
  }
  if (flags.json) {
    out.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    const where = flags.dir ?? `s3://${flags.s3Bucket}/${flags.s3Prefix ? `${flags.s3Prefix.replace(/^\/+|\/+$/g, '')}/` : ''}`;
    const text = describeReport(report, where, flags.accountId!, flags.region!);
    out.stdout(text.stdout);
    if (text.stderr) out.stderr(text.stderr);
  }
  return report.valid ? 0 : EXIT_INVALID_TRAIL;
}

/** Adds `enclave audit lookup` and `enclave audit validate` to the program. */
export function registerAudit(program: Command): Command {
  const audit = program
    .command('audit')
    .description('the audit trail: look up records, validate delivered log and digest files')
    .exitOverride((err) => {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : EXIT_USAGE);
    });

  const lookup = audit
    .command('lookup')
    .description('LookupEvents: the audit records of the account, newest first (POST /audit/LookupEvents)')
    .addOption(new Option('--endpoint-url <url>', `server URL (env ENCLAVE_ENDPOINT, default ${DEFAULT_ENDPOINT})`))
    .addOption(new Option('--region <region>', `signing region (env AWS_REGION, AWS_DEFAULT_REGION; default ${DEFAULT_REGION})`))
    .addOption(new Option('--access-key-id <id>', 'access key ID (else AWS_ACCESS_KEY_ID, ENCLAVE_ROOT_ACCESS_KEY_ID, <data-dir>/bootstrap-credentials.json)'))
    .addOption(new Option('--secret-access-key <secret>', 'secret access key (else AWS_SECRET_ACCESS_KEY, ENCLAVE_ROOT_SECRET_ACCESS_KEY)'))
    .addOption(new Option('--data-dir <dir>', 'server data directory holding bootstrap-credentials.json (env ENCLAVE_DATA_DIR, default ./data)'))
    .addOption(new Option('--start-time <time>', 'records at or after this time: ISO 8601 or epoch seconds'))
    .addOption(new Option('--end-time <time>', 'records at or before this time: ISO 8601 or epoch seconds'))
    .addOption(new Option('--event-name <name>', 'only this operation, e.g. CreateNetwork'))
    .addOption(new Option('--principal-arn <arn>', 'only calls by this principal (userIdentity.arn)'))
    .addOption(new Option('--read-only <true|false>', 'only read-only (true) or only mutating (false) calls'))
    .addOption(new Option('--max-results <n>', 'records per page, 1-50 (default 50)'))
    .addOption(new Option('--next-token <token>', 'the nextToken of the previous page'))
    .addOption(new Option('--all-pages', 'follow nextToken and print all records'));
  lookup.addHelpText('after', '\nExit codes: 0 success, 252 usage error, 253 missing credentials, 254 service error, 255 other error.');
  lookup.action(async (flags: LookupFlags) => {
    try {
      await runLookup(flags);
    } catch (err) {
      process.exitCode = reportAdminError(processOut, err, 'LookupEvents', 'audit lookup', flags.endpointUrl ?? (process.env.ENCLAVE_ENDPOINT || DEFAULT_ENDPOINT));
    }
  });

  const validate = audit
    .command('validate')
    .description('validate a delivered audit trail: digest signatures and chain, log file hashes, missing and unlisted files')
    .addOption(new Option('--dir <dir>', 'the directory the trail was delivered to (ENCLAVE_AUDIT_DIR)'))
    .addOption(new Option('--s3-bucket <bucket>', 'the S3 bucket the trail was delivered to (ENCLAVE_AUDIT_S3_BUCKET)'))
    .addOption(new Option('--s3-prefix <prefix>', 'key prefix in the bucket (ENCLAVE_AUDIT_S3_PREFIX)'))
    .addOption(new Option('--s3-endpoint <url>', 'S3-compatible endpoint, path-style (ENCLAVE_AUDIT_S3_ENDPOINT); credentials from the AWS environment'))
    .addOption(new Option('--s3-region <region>', 'region of the bucket (default AWS_REGION, else --region)'))
    .addOption(new Option('--account-id <id>', 'the account whose trail to validate'))
    .addOption(new Option('--region <region>', 'the region of the trail (the server region)'))
    .addOption(new Option('--public-key <file>', 'PEM public key: <data-dir>/audit-signing-public-key.pem'))
    .addOption(new Option('--start-time <time>', 'validate from this time: ISO 8601 or epoch seconds (default: the whole trail)'))
    .addOption(new Option('--end-time <time>', 'validate up to this time (default: the newest digest)'))
    .addOption(new Option('--trail-name <name>', 'only digests of this trail (default: any)'))
    .addOption(new Option('--json', 'print the full report as JSON'));
  validate.addHelpText('after', '\nExit codes: 0 the trail is valid, 1 it is not (the problems are listed), 252 usage error, 255 other error (e.g. S3 unreachable).');
  validate.action(async (flags: ValidateFlags) => {
    try {
      process.exitCode = await runValidate(flags);
    } catch (err) {
      if (err instanceof CliError) {
        processOut.stderr(`enclave audit validate: error: ${err.message}\n`);
        process.exitCode = err.exitCode;
      } else {
        processOut.stderr(`enclave audit validate: error: ${errorMessage(err)}\n`);
        process.exitCode = EXIT_OTHER;
      }
    }
  });
  return audit;
}
