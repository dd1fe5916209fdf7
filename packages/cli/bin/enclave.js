#!/usr/bin/env node
// The `enclave` command as npm links it (`npx enclave`): runs the built CLI. npm links a bin only when
// its file exists at install time, and dist/ does not exist yet in a fresh clone, so the link points
// at this file, which is in the repository.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('enclave: the CLI is not built yet: run `npm run build` in the Enclave repository.\n');
  process.exit(1);
}
await import(main.href);
