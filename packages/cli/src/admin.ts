// `enclave admin <operation>`: one subcommand per admin API operation, named and flagged as the AWS
// CLI names them (list-networks --network-id …), built from the model so a new operation needs no code.
import { readFileSync } from 'node:fs';
import { allOperations, type ModelMember, type ModelOperation } from '@enclave/admin-api';
import { AdminClient } from '@enclave/admin-api/client';
import { Command, Option } from 'commander';
import { CHUNK_SIZE, chunk, chunkedListMember, maxBaseTokenLength, runChunked } from './batch.js';
import { resolveCredentials } from './credentials.js';
import { usersFromCsv } from './csv.js';
import { EXIT_USAGE, usageError } from './errors.js';
import { checkInput, mergeInput, parseCliInputJson } from './input.js';
import { coerceFlagValue, describeMember, flagKind, inputMembers, memberFlag, shapeOf } from './model-flags.js';
import { kebabCase } from './names.js';
import { printJson, processOut, reportAdminError, type Out } from './output.js';
import { collectPages } from './paginate.js';
import { createProgress } from './progress.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';
export const DEFAULT_REGION = 'us-east-1';

/** Flags of `enclave admin` itself and of every operation; no member flag may take one of these. */
const RESERVED_FLAGS = ['--endpoint-url', '--region', '--access-key-id', '--secret-access-key', '--data-dir', '--cli-input-json', '--client-token', '--all-pages', '--users-file', '--help'];

export interface MemberFlag {
  member: string;
  flag: string;
  target: string;
  options: Option[];
}

export interface OperationSpec {
  name: string;
  command: string;
  op: ModelOperation;
  members: Record<string, ModelMember>;
  flags: MemberFlag[];
  mutating: boolean;
  /** The input member that carries the idempotency token, if any. */
  tokenMember: string | undefined;
  paginated: boolean;
  listOutputs: string[];
  chunkedMember: string | undefined;
}

function memberOptions(name: string, m: ModelMember): Option[] {
  const flag = memberFlag(name);
  const desc = describeMember(name, m);
  switch (flagKind(m.target)) {
    case 'boolean':
      return [new Option(`${flag} [true|false]`, desc), new Option(`--no-${flag.slice(2)}`, `same as ${flag} false`)];
    case 'list':
      return [new Option(`${flag} <value...>`, desc)];
    case 'json':
      return [new Option(`${flag} <json>`, desc)];
    case 'integer':
      return [new Option(`${flag} <integer>`, desc)];
    case 'timestamp':
      return [new Option(`${flag} <timestamp>`, desc)];
    default:
      return [new Option(`${flag} <string>`, desc)];
  }
}

export function operationSpec(name: string, op: ModelOperation): OperationSpec {
  const members = inputMembers(op.input);
  const tokenMember = Object.entries(members).find(([, m]) => m.idempotencyToken)?.[0];
  const flags: MemberFlag[] = [];
  for (const [member, m] of Object.entries(members)) {
    if (member === tokenMember) continue;
    const flag = memberFlag(member);
    if (RESERVED_FLAGS.includes(flag) || flags.some((f) => f.flag === flag)) throw new Error(`${name}: member ${member} clashes with flag ${flag}`);
    flags.push({ member, flag, target: m.target, options: memberOptions(member, m) });
  }
  const out = shapeOf(op.output);
  const listOutputs = out.type === 'structure' ? Object.entries(out.members).filter(([, m]) => shapeOf(m.target).type === 'list').map(([k]) => k) : [];
  return {
    name,
    command: kebabCase(name),
    op,
    members,
    flags,
    mutating: !op.readonly,
    tokenMember,
    paginated: 'nextToken' in members && listOutputs.length > 0,
    listOutputs,
    chunkedMember: chunkedListMember[name],
  };
}

export function operationSpecs(): OperationSpec[] {
  return Object.entries(allOperations)
    .map(([name, op]) => operationSpec(name, op))
    .sort((a, b) => a.command.localeCompare(b.command));
}

interface GlobalOptions {
  endpointUrl?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  dataDir?: string;
  cliInputJson?: string;
  clientToken?: string;
  allPages?: boolean;
  usersFile?: string;
}

/** The operation's input from --cli-input-json, member flags and --users-file, checked. */
export function collectInput(spec: OperationSpec, opts: GlobalOptions, flagValue: (attr: string) => unknown): Record<string, unknown> {
  const base = opts.cliInputJson !== undefined ? parseCliInputJson(opts.cliInputJson) : {};
  const flags: Record<string, unknown> = {};
  for (const f of spec.flags) {
    const raw = flagValue(f.options[0]!.attributeName());
    if (raw !== undefined) flags[f.member] = coerceFlagValue(f.flag, f.target, raw as string | boolean | string[]);
  }
  if (opts.usersFile !== undefined) {
    if (flags.users !== undefined) throw usageError('give either --users or --users-file, not both');
    let text: string;
    try {
      text = readFileSync(opts.usersFile === '-' ? 0 : opts.usersFile, 'utf8');
    } catch (err) {
      throw usageError(`--users-file: cannot read ${opts.usersFile}: ${(err as Error).message}`);
    }
    flags.users = usersFromCsv(text, opts.usersFile === '-' ? 'stdin' : opts.usersFile);
  }
  if (spec.tokenMember && opts.clientToken !== undefined) flags[spec.tokenMember] = opts.clientToken;
  const input = mergeInput(base, flags);
  checkInput(spec.members, input);
  return input;
}

/** The server URL from --endpoint-url, ENCLAVE_ENDPOINT or the default; shared by every command. */
export function endpointOf(endpointUrl: string | undefined): string {
  const endpoint = endpointUrl ?? (process.env.ENCLAVE_ENDPOINT || DEFAULT_ENDPOINT);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`invalid --endpoint-url / ENCLAVE_ENDPOINT "${endpoint}": expected a URL such as ${DEFAULT_ENDPOINT}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`invalid --endpoint-url / ENCLAVE_ENDPOINT "${endpoint}": use http:// or https://`);
  return endpoint;
}

export async function runOperation(spec: OperationSpec, opts: GlobalOptions, flagValue: (attr: string) => unknown, out: Out = processOut): Promise<void> {
  const input = collectInput(spec, opts, flagValue);
  const endpoint = endpointOf(opts.endpointUrl);
  const region = opts.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || DEFAULT_REGION);
  const credentials = resolveCredentials({ accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, dataDir: opts.dataDir });
  // Operations without a clientToken member still honour X-Client-Token (the server reads the header).
  const headerToken = spec.mutating && !spec.tokenMember ? opts.clientToken : undefined;
  const client = new AdminClient({
    endpoint,
    region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    ...(headerToken ? { headers: { 'x-client-token': headerToken } } : {}),
  });

  const items = spec.chunkedMember ? input[spec.chunkedMember] : undefined;
  let result: Record<string, unknown>;
  if (spec.chunkedMember && Array.isArray(items) && items.length > CHUNK_SIZE) {
    const member = spec.chunkedMember;
    const tokenMember = spec.tokenMember;
    const token = tokenMember ? (input[tokenMember] as string | undefined) : undefined;
    const count = chunk(items).length;
    if (token !== undefined && token.length > maxBaseTokenLength(count)) {
      throw usageError(`--client-token: at most ${maxBaseTokenLength(count)} characters when ${items.length} items are sent in ${count} chunks (each chunk uses <token>-<n>)`);
    }
    const progress = createProgress({ label: spec.command, total: items.length, chunks: count });
    try {
      result = await runChunked({
        items,
        clientToken: token,
        send: (part, partToken) => {
          const chunkInput: Record<string, unknown> = { ...input, [member]: part };
          if (tokenMember) {
            if (partToken === undefined) delete chunkInput[tokenMember];
            else chunkInput[tokenMember] = partToken;
          }
          return client.call(spec.name, chunkInput);
        },
        onProgress: (done, chunks) => progress.update(done, chunks),
      });
    } finally {
      progress.stop();
    }
  } else if (spec.paginated && opts.allPages) {
    result = await collectPages({ input, listMembers: spec.listOutputs, call: (i) => client.call(spec.name, i) });
  } else {
    result = await client.call(spec.name, input);
  }
  printJson(out, result);
}

/**
 * The options every command that calls the server shares: where it is, and whose signed request this
 * is (`callerWords` prefixes the key options' help, e.g. "the caller's "). Usage errors exit 252.
 */
export function addCallerOptions(cmd: Command, callerWords: string): Command {
  return cmd
    .addOption(new Option('--endpoint-url <url>', `server URL (env ENCLAVE_ENDPOINT, default ${DEFAULT_ENDPOINT})`))
    .addOption(new Option('--region <region>', `signing region (env AWS_REGION, AWS_DEFAULT_REGION; default ${DEFAULT_REGION})`))
    .addOption(new Option('--access-key-id <id>', `${callerWords}access key ID (else AWS_ACCESS_KEY_ID, ENCLAVE_ROOT_ACCESS_KEY_ID, <data-dir>/bootstrap-credentials.json)`))
    .addOption(new Option('--secret-access-key <secret>', `${callerWords}secret access key (else AWS_SECRET_ACCESS_KEY, ENCLAVE_ROOT_SECRET_ACCESS_KEY)`))
    .addOption(new Option('--data-dir <dir>', 'server data directory holding bootstrap-credentials.json (env ENCLAVE_DATA_DIR, default ./data)'))
    .configureHelp({ showGlobalOptions: true })
    .exitOverride((err) => {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : EXIT_USAGE);
    });
}

/** Adds `enclave admin` and its operations to the program. */
export function registerAdmin(program: Command): Command {
  const admin = addCallerOptions(program.command('admin').description('call the admin API (the AWS Wickr Admin API) of an Enclave server'), '');
  admin.addHelpText('after', '\nExit codes: 0 success, 252 usage error, 253 missing credentials, 254 service error, 255 other error (e.g. connection refused).');

  for (const spec of operationSpecs()) {
    const cmd = admin.command(spec.command).description(`${spec.name}: ${spec.op.method} ${spec.op.uri}`);
    cmd.addOption(new Option('--cli-input-json <json>', 'the input as JSON (inline or file://path.json); member flags override it'));
    for (const f of spec.flags) for (const o of f.options) cmd.addOption(o);
    if (spec.mutating) {
      cmd.addOption(
        new Option('--client-token <token>', `idempotency token (X-Client-Token)${spec.chunkedMember ? `; over ${CHUNK_SIZE} items each chunk n uses <token>-n` : ''}`),
      );
    }
    if (spec.paginated) cmd.addOption(new Option('--all-pages', `follow nextToken and merge ${spec.listOutputs.join(', ')} of all pages`));
    if (spec.name === 'BatchCreateUser') {
      cmd.addOption(new Option('--users-file <path>', "CSV with the header username,firstName,lastName,securityGroupId ('-' reads stdin; ';' separates several groups)"));
    }
    if (spec.chunkedMember) cmd.addHelpText('after', `\nMore than ${CHUNK_SIZE} ${spec.chunkedMember} are sent in chunks of ${CHUNK_SIZE} and the answers merged.`);
    cmd.action(async (_options: unknown, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions>();
      try {
        await runOperation(spec, opts, (attr) => command.getOptionValue(attr));
      } catch (err) {
        process.exitCode = reportAdminError(processOut, err, spec.name, spec.command, opts.endpointUrl ?? (process.env.ENCLAVE_ENDPOINT || DEFAULT_ENDPOINT));
      }
    });
  }
  return admin;
}
