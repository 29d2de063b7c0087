import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// The size budget users compare us on (peers ship 100-450 kB): the classic-script bundle, min+gzip.
const IIFE_BUDGET_BYTES = 25 * 1024;

function gzSize(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

test(`dist/realtime-voice.iife.js stays within ${IIFE_BUDGET_BYTES} bytes min+gzip`, () => {
  const size = gzSize('dist/realtime-voice.iife.js');
  console.log(`dist/realtime-voice.iife.js: ${size} bytes gzip -9`);
  assert.ok(size <= IIFE_BUDGET_BYTES, `the IIFE bundle is ${size} bytes gzipped, over the ${IIFE_BUDGET_BYTES}-byte budget`);
});

test('the self-contained bundles import nothing and load nothing from other hosts', () => {
  for (const file of ['dist/realtime-voice.js', 'dist/realtime-voice.iife.js']) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /^\s*import\s.+from\s*["']/m, `${file} has a static import`);
    assert.doesNotMatch(code, /\bimport\(\s*["'`]https?:/, `${file} imports from a URL`);
    assert.doesNotMatch(code, /["'`]https?:\/\/(?!api\.openai\.com|www\.w3\.org)[^"'`\s]+/, `${file} names a third-party host`);
  }
});
