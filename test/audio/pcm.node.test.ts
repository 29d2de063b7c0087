import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dbfs, floatToPcm16, meterLevel, pcm16FromFloat, pcm16ToFloat, rms } from '../../src/audio/pcm.js';
import { tone } from './signals.js';

describe('PCM16 conversion', () => {
  test('full scale maps to the Int16 limits and out-of-range samples are clamped', () => {
    assert.equal(pcm16FromFloat(1), 32767);
    assert.equal(pcm16FromFloat(-1), -32768);
    assert.equal(pcm16FromFloat(3.5), 32767);
    assert.equal(pcm16FromFloat(-2), -32768);
    assert.equal(pcm16FromFloat(0), 0);
    assert.equal(pcm16FromFloat(Number.NaN), 0);
  });

  test('rounds to the nearest step instead of truncating toward zero', () => {
    assert.equal(pcm16FromFloat(0.6 / 32767), 1);
    assert.equal(pcm16FromFloat(-0.6 / 32768), -1);
    assert.equal(pcm16FromFloat(0.4 / 32767), 0);
  });

  test('float -> PCM16 -> float keeps a tone within two PCM16 steps (rounding plus the asymmetric scale)', () => {
    const x = tone(440, 24000, 0.05, 0.9);
    const back = pcm16ToFloat(floatToPcm16(x));
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(back[i] - x[i]));
    assert.ok(worst <= 2 / 32768, `worst error ${worst}`);
  });

  test('writes into a caller array and decodes with 1/32768 steps', () => {
    const out = new Int16Array(3);
    assert.equal(floatToPcm16([0.5, -0.5, 1], out), out);
    assert.deepEqual([...out], [16384, -16384, 32767]);
    assert.deepEqual([...pcm16ToFloat(Int16Array.of(-32768, 16384))], [-1, 0.5]);
  });
});

describe('levels', () => {
  test('RMS of a sine is its amplitude over root two; of nothing, zero', () => {
    assert.ok(Math.abs(rms(tone(1000, 48000, 1, 0.5)) - 0.5 / Math.SQRT2) < 1e-4);
    assert.equal(rms([]), 0);
  });

  test('dBFS and the meter reading follow loudness (-60 dB -> 0, 0 dB -> 1)', () => {
    assert.equal(dbfs(1), 0);
    assert.ok(Math.abs(dbfs(0.1) + 20) < 1e-9);
    assert.equal(dbfs(0), -Infinity);
    assert.equal(meterLevel(0), 0);
    assert.equal(meterLevel(0.001), 0);
    assert.ok(Math.abs(meterLevel(Math.pow(10, -30 / 20)) - 0.5) < 1e-9);
    assert.equal(meterLevel(1), 1);
    assert.equal(meterLevel(2), 1);
  });
});
