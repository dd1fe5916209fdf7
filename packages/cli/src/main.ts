#!/usr/bin/env node
// The `enclave` command: `enclave serve` runs the server, `enclave admin <operation>` calls its admin
// API. See docs/cli.md.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerAudit } from './audit.js';
import { registerChat } from './chat/index.js';
import { errorMessage } from './errors.js';
import { registerIam } from './iam.js';
import { registerServe } from './serve.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const program = new Command('enclave')
  .description('Enclave: a self-hosted messenger with an AWS Wickr-compatible admin API')
  .version(version())
  .showHelpAfterError('(add --help for usage)');
registerServe(program);
registerAdmin(program);
registerIam(program);
registerAudit(program);
registerChat(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`enclave: error: ${errorMessage(err)}\n`);
  if (process.env.ENCLAVE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}
