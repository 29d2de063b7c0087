import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { audioEndMs, planTruncation } from '../../src/audio/truncation.js';

describe('truncation maths', () => {
  test('audio_end_ms is the rendered samples in whole milliseconds, floored', () => {
    assert.equal(audioEndMs(24000, 48000), 1000);
    assert.equal(audioEndMs(23, 48000), 0);
    assert.equal(audioEndMs(47, 48000), 1);
    assert.equal(audioEndMs(12345, 99999), 514);
  });

  test('never beyond the audio received, never negative', () => {
    assert.equal(audioEndMs(48000, 24000), 1000);
    assert.equal(audioEndMs(-5, 100), 0);
  });

  test('plans a truncate only when something was really cut off', () => {
    const report = { itemId: 'item_1', contentIndex: 0, renderedSamples: 36000, receivedSamples: 72000 };
    assert.deepEqual(planTruncation(report), { itemId: 'item_1', contentIndex: 0, audioEndMs: 1500 });
    assert.equal(planTruncation({ ...report, renderedSamples: 72000 }), null);
    assert.equal(planTruncation(null), null);
  });

  test('an item interrupted before any sample played is truncated at 0 ms', () => {
    const plan = planTruncation({ itemId: 'item_2', contentIndex: 1, renderedSamples: 0, receivedSamples: 4800 });
    assert.deepEqual(plan, { itemId: 'item_2', contentIndex: 1, audioEndMs: 0 });
  });
});
