#!/usr/bin/env node
// The `enclave-retention-bot` command as npm links it (`npx enclave-retention-bot`): runs the built
// bot. npm links a bin only when its file exists at install time, and dist/ does not exist yet in a
// fresh clone, so the link points at this file, which is in the repository.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('enclave-retention-bot: the bot is not built yet: run `npm run build` (or `npx tsc -b packages/retention-bot`) in the Enclave repository.\n');
  process.exit(1);
}
await import(main.href);
