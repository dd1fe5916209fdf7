// Loads the handlers: one module per admin operation in this folder, each default-exporting
// defineQuery('<OperationName>', …) or defineCommand('<OperationName>', …). The adapter refuses to
// start when an operation of the model has no handler, so a new operation cannot be forgotten.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kebabCase } from '../../kernel/names.js';
import type { OperationHandler } from './operation.js';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_HANDLERS = new Set(['index', 'operation']);
const files = readdirSync(here).filter((f) => /^[a-z0-9-]+\.(ts|js)$/.test(f) && !f.endsWith('.test.ts') && !NOT_HANDLERS.has(f.replace(/\.(ts|js)$/, '')));

export const handlers: Record<string, OperationHandler> = {};
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { default?: OperationHandler };
  const handler = mod.default;
  const base = file.replace(/\.(ts|js)$/, '');
  if (!handler || kebabCase(handler.name) !== base) throw new Error(`${file} must default-export defineQuery/defineCommand('<Name>', …) whose kebab-case name is ${base}`);
  handlers[handler.name] = handler;
}
