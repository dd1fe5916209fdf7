// Loads the handlers: one module per admin operation in this folder, each default-exporting
// defineOperation('<OperationName>', …). The adapter refuses to start when an operation of the model
// has no handler, so a new operation cannot be forgotten.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OperationHandler } from '../operation.js';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => /^[A-Z]\w+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));

export const handlers: Record<string, OperationHandler> = {};
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { default?: OperationHandler };
  const handler = mod.default;
  const name = file.replace(/\.(ts|js)$/, '');
  if (!handler || handler.name !== name) throw new Error(`${file} must default-export defineOperation('${name}', …)`);
  handlers[name] = handler;
}
