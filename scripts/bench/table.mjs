// What every bench section shares: the percentile they report, the Markdown table they print, and
// running one section on its own (`node scripts/bench/<section>.mjs`) the way run.mjs runs them all.
import { pathToFileURL } from 'node:url';

/** The q-th percentile (nearest rank, as the bench has always reported it); 50 is the median. */
export const percentile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((q / 100) * values.length))];

/** Rows of [metric, measured, target, result] as the README's tables. */
export function printTable(rows) {
  console.log('| Metric | Measured | Target | Result |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

export const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** When `moduleUrl` is the script node was started with: launches Chromium, runs `section(browser)` and prints its rows. */
export async function runAlone(moduleUrl, section, launch = {}) {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_FLAGS, CHROMIUM_PATH } = await import('../chromium.mjs');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, ...launch });
  try {
    printTable(await section(browser));
  } finally {
    await browser.close();
  }
}
