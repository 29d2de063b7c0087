import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// The size users compare us on (peers ship 100-450 kB): the classic-script bundle, min+gzip.
// Issue 6 sets the target at 25 kB; the widget measured 43.7 kB when this ceiling was set, and 45.4 kB with the
// WebRTC transport (+1.6 kB), so CI holds it there (a ratchet: lower it as the size comes down) until the target is reached.
const IIFE_TARGET_BYTES = 25 * 1024;
const IIFE_CEILING_BYTES = 45 * 1024;

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
