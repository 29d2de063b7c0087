import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findChromium } from '../../scripts/find-chromium.mjs';

test('the test command finds a Chromium binary', () => {
  assert.match(findChromium(), /chrom/i);
});
