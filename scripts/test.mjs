// `npm test`: builds, runs the Node-side tests (node:test under tsx) and the browser tests
// (@web/test-runner in Chromium), then prints one closing line `N passed, N failed`.
// Options: --only=node|browser, --files=<comma-separated globs or paths> (narrows the selected runner),
// SKIP_BUILD=1 to reuse dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from './find-chromium.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const only = args.only;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
// Per-run scratch directory, so that concurrent runs never read each other's counts.
const results = mkdtempSync(path.join(os.tmpdir(), 'rv-test-'));

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (c) => {
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
};

const chromium = findChromium();

if (!process.env.SKIP_BUILD) {
  const rc = run(process.execPath, ['scripts/build.mjs']);
  if (rc !== 0) {
    console.error('The build failed, so the tests did not run.');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

if (only !== 'browser') {
  const nodeFiles = args.files && only === 'node'
    ? args.files.split(',')
    : walk('test').filter((f) => f.endsWith('.node.test.ts')).sort();
  if (nodeFiles.length) {
    const countFile = path.join(results, 'node.json');
    const rc = run(process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/node-count-reporter.mjs', `--test-reporter-destination=${countFile}`,
      ...nodeFiles,
    ], { CHROME_PATH: chromium });
    const c = existsSync(countFile) ? JSON.parse(readFileSync(countFile, 'utf8') || '{}') : {};
    const counts = { passed: c.passed ?? 0, failed: c.failed ?? 0, skipped: c.skipped ?? 0 };
    if (rc !== 0 && counts.failed === 0) counts.failed = 1; // the runner itself failed
    add(counts);
    console.log(`node tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}

if (only !== 'node') {
  const countFile = path.join(results, 'browser.json');
  const env = { CHROME_PATH: chromium, WTR_COUNT_FILE: countFile };
  if (args.files && only === 'browser') env.WTR_FILES = args.files;
  const rc = run(process.execPath, [
    '--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js',
    '--config', 'web-test-runner.config.mjs', '--static-logging',
  ], env);
  const c = existsSync(countFile) ? JSON.parse(readFileSync(countFile, 'utf8')) : {};
  const counts = { passed: c.passed ?? 0, failed: c.failed ?? 0, skipped: c.skipped ?? 0 };
  if (rc !== 0 && counts.failed === 0) counts.failed = 1;
  add(counts);
  console.log(`browser tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

// A skipped test is a defect here (DEVELOPERS.md): it fails the run.
if (totals.skipped > 0) console.log(`${totals.skipped} skipped test(s): remove the skip.`);
const failed = totals.failed + totals.skipped;
console.log(`${totals.passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
