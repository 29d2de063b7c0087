import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

// The size users compare us on (peers ship 100-450 kB): the classic-script bundle, min+gzip.
// Issue 6 sets the target at 25 kB; the widget measured 44.6 kB (44594 B) after minifying the stylesheet and trimming
// zod and Node-only code, then 47.2 kB (47199 B) with the socket worker that takes the audio off the main thread (issue 5,
// +2.5 kB), and 46.7 kB (46726 B) with the element's properties declared statically, when this ceiling was set. CI holds it
// there (a ratchet: lower it as the size comes down) until the target is reached.
const IIFE_TARGET_BYTES = 25 * 1024;
const IIFE_CEILING_BYTES = 46 * 1024;

function gzSize(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

test(`dist/realtime-voice.iife.js stays within its ${IIFE_CEILING_BYTES}-byte min+gzip ceiling`, () => {
  const size = gzSize('dist/realtime-voice.iife.js');
  console.log(`dist/realtime-voice.iife.js: ${size} bytes gzip -9 (ceiling ${IIFE_CEILING_BYTES}, target ${IIFE_TARGET_BYTES}: ${size <= IIFE_TARGET_BYTES ? 'met' : 'not met yet'})`);
  assert.ok(size <= IIFE_CEILING_BYTES, `the IIFE bundle is ${size} bytes gzipped, over its ${IIFE_CEILING_BYTES}-byte ceiling`);
});

test('the self-contained bundles import nothing and load nothing from other hosts', () => {
  for (const file of ['dist/realtime-voice.js', 'dist/realtime-voice.iife.js']) {
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
