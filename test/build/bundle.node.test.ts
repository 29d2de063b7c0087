import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

// The sizes users compare us on (peers ship 100-450 kB), min+gzip. Issue 6 set 25 kB for the whole widget; it measured
// 44.6 kB (44594 B) after minifying the stylesheet and trimming zod and Node-only code, 47.2 kB (47199 B) with the socket
// worker (issue 5), and 46.7 kB (46726 B) with the element's properties declared statically. Issue 17 split it: a visitor
// first loads the shell (the element, its render, styles, strings and the engine loader: 14 kB ceiling), and the engine
// on intent; the single file keeps the old 46 KiB ceiling (next goal 40 kB). Ceilings are a ratchet: lower them as sizes
// come down, never raise them.
const SIZES = [
  { file: 'dist/realtime-voice.iife.js', ceiling: 14_000, what: 'the shell (classic script), the first load' },
  { file: 'dist/realtime-voice.js', ceiling: 14_000, what: 'the shell (ES module), the first load' },
  { file: 'dist/realtime-voice.engine.js', ceiling: 38 * 1024, what: 'the engine, loaded on intent' },
  { file: 'dist/realtime-voice.all.iife.js', ceiling: 46 * 1024, what: 'the single file', goal: 40_000 },
];

function gzSize(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

for (const { file, ceiling, what, goal } of SIZES) {
  test(`${file} (${what}) stays within its ${ceiling}-byte min+gzip ceiling`, () => {
    const size = gzSize(file);
    console.log(`${file}: ${size} bytes gzip -9 (ceiling ${ceiling}${goal ? `, next goal ${goal}: ${size <= goal ? 'met' : 'not met yet'}` : ''})`);
    assert.ok(size <= ceiling, `${file} is ${size} bytes gzipped, over its ${ceiling}-byte ceiling`);
  });
}

test('a visitor who never touches the widget downloads less than a third of it', () => {
  const shell = gzSize('dist/realtime-voice.iife.js');
  const all = gzSize('dist/realtime-voice.all.iife.js');
  assert.ok(shell * 3 < all, `shell ${shell} B, single file ${all} B`);
});

test('the self-contained bundles import nothing and load nothing from other hosts', () => {
  for (const { file } of SIZES) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /^\s*import\s.+from\s*["']/m, `${file} has a static import`);
    assert.doesNotMatch(code, /\bimport\(\s*["'`]https?:/, `${file} imports from a URL`);
    assert.doesNotMatch(code, /["'`]https?:\/\/(?!api\.openai\.com|www\.w3\.org)[^"'`\s]+/, `${file} names a third-party host`);
  }
});

test('the bundled stylesheet has the source rules, without comments or indentation', { timeout: 60_000 }, async (t) => {
  const source = readFileSync('src/realtime-voice.styles.ts', 'utf8');
  const sourceCss = source.slice(source.indexOf('css`') + 4, source.lastIndexOf('`'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  t.after(() => browser.close());
  const tab = await browser.newPage();
  await tab.addScriptTag({ content: readFileSync('dist/realtime-voice.iife.js', 'utf8') });
  // Chromium's own parse of both texts, rule by rule: what the page actually gets. (No named inner functions: tsx would wrap them in __name.)
  const [bundledCss, bundledRules, sourceRules] = await tab.evaluate((text) => {
    const ctor = customElements.get('realtime-voice') as unknown as { styles: { cssText: string } };
    const [bundled, src] = [ctor.styles.cssText, text].map((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return [...sheet.cssRules].map((rule) => rule.cssText);
    });
    return [ctor.styles.cssText, bundled!, src!] as const;
  }, sourceCss);
  assert.ok(sourceRules.length > 30, `only ${sourceRules.length} rules read from the source`);
  assert.deepEqual(bundledRules, sourceRules);
  assert.doesNotMatch(bundledCss, /\/\*|\n/, 'the bundled CSS keeps comments or line breaks');
  assert.ok(bundledCss.length < sourceCss.length * 0.85, `bundled CSS ${bundledCss.length} chars, source ${sourceCss.length}`);
});
