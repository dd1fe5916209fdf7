// What the console's and the messenger's browser tests share: Debian Chromium (skipped with a reason
// when absent), building the web app when it is older than its sources, axe-core checks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.ENCLAVE_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const skipReason = `browser tests skipped: ${CHROMIUM} is absent (install Debian's chromium package, as .ci/run does)`;
if (!haveChromium) console.warn(skipReason);

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Headless Debian Chromium with the flags every browser test uses, and `extraArgs` (fake media devices). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run', ...extraArgs] });
}

/** Newest modification time of a file or of any file under a directory (0 when absent). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

/**
 * Builds a web app (`npm run <script> -w @enclave/web`) when its index.html is missing or older than
 * any of its sources (npm test builds it first; this covers a bare `vitest` and an app edited since
 * the last build), once across parallel test files (a lock directory).
 */
export function ensureWebBuilt(o: { dist: string; sources: string[]; script: string; lock: string }): void {
  const upToDate = () => {
    const index = join(o.dist, 'index.html');
    return existsSync(index) && statSync(index).mtimeMs >= Math.max(...o.sources.map(newest));
  };
  if (upToDate()) return;
  const lock = join(root, 'packages', 'web', o.lock);
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (upToDate()) return;
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!upToDate()) execFileSync('npm', ['run', o.script, '-w', '@enclave/web'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmdirSync(lock);
  }
}

const requireCjs = createRequire(import.meta.url);
const axeSource = () => readFileSync(requireCjs.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource());
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))`,
  )) as unknown[];
  expect(violations, `axe violations on ${label}`).toEqual([]);
}
