// Loads the /iam action handlers: one module per action in this folder, each default-exporting
// defineIamAction('<Action>', …). The set must equal IAM_ACTION_NAMES (the actions policies can name),
// so an action cannot be added without becoming known to ValidatePolicy, or the other way round.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IAM_ACTION_NAMES } from '../actions.js';
import type { IamAction } from '../operation.js';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => /^[A-Z]\w+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));

export const iamActions: Record<string, IamAction> = {};
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { default?: IamAction };
  const action = mod.default;
  const name = file.replace(/\.(ts|js)$/, '');
  if (!action || action.name !== name) throw new Error(`${file} must default-export defineIamAction('${name}', …)`);
  iamActions[name] = action;
}
const loaded = Object.keys(iamActions).sort().join(',');
if (loaded !== [...IAM_ACTION_NAMES].sort().join(',')) throw new Error(`iam/operations and IAM_ACTION_NAMES disagree: ${loaded}`);
