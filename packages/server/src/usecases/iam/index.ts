// Loads the /iam action handlers: one module per action in this folder, each default-exporting
// defineIamAction('<Action>', …). The set must equal IAM_ACTION_NAMES (the actions policies can name),
// so an action cannot be added without becoming known to ValidatePolicy, or the other way round.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kebabCase } from '../../kernel/names.js';
import { IAM_ACTION_NAMES } from '@enclave/admin-api';
import type { IamAction } from './action.js';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_HANDLERS = new Set(['index', 'action', 'common']);
const files = readdirSync(here).filter((f) => /^[a-z0-9-]+\.(ts|js)$/.test(f) && !f.endsWith('.test.ts') && !NOT_HANDLERS.has(f.replace(/\.(ts|js)$/, '')));

export const iamActions: Record<string, IamAction> = {};
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { default?: IamAction };
  const action = mod.default;
  const base = file.replace(/\.(ts|js)$/, '');
  if (!action || kebabCase(action.name) !== base) throw new Error(`${file} must default-export defineIamAction('<Name>', …) whose kebab-case name is ${base}`);
  iamActions[action.name] = action;
}
const loaded = Object.keys(iamActions).sort().join(',');
if (loaded !== [...IAM_ACTION_NAMES].sort().join(',')) throw new Error(`iam/operations and IAM_ACTION_NAMES disagree: ${loaded}`);
