import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler } from '../../src/audio/resampler.js';
import { db, rmsOf, runBlocks, seeded, tone } from './signals.js';

function resample(input: Float32Array, from: number, sizes = [128]): Float32Array {
  const r = new Resampler(from, 24000);
  const scratch = new Float32Array(r.maxOutputLength(Math.max(...sizes)));
  return runBlocks(input, sizes, (block) => scratch.slice(0, r.process(block, scratch)));
}

// Skip the filter's warm-up and the unflushed look-ahead at the end.
const steady = (x: Float32Array) => rmsOf(x, 200, x.length - 200);

for (const rate of [48000, 44100]) {
  describe(`Resampler ${rate} Hz -> 24 kHz`, () => {
    test('a 1 kHz tone keeps its level within 0.5 dB', () => {
      const out = resample(tone(1000, rate, 1, 0.5), rate);
      const change = db(steady(out) / (0.5 / Math.SQRT2));
      assert.ok(Math.abs(change) <= 0.5, `level changed by ${change.toFixed(3)} dB`);
      assert.ok(Math.abs(change) <= 0.05, `passband ripple ${change.toFixed(3)} dB is larger than designed`);
    });

    test('a 15 kHz tone (above the 12 kHz output Nyquist) is attenuated by at least 40 dB', () => {
      const out = resample(tone(15000, rate, 1, 0.5), rate);
      const attenuation = db(steady(out) / (0.5 / Math.SQRT2));
      assert.ok(attenuation <= -40, `15 kHz only attenuated by ${attenuation.toFixed(1)} dB`);
    });

    test('output is time-aligned with the input: sample n is the tone at n / 24000 s', () => {
      const out = resample(tone(440, rate, 0.5, 0.5), rate);
      const expected = tone(440, 24000, 0.5, 0.5);
      let worst = 0;
      for (let n = 200; n < out.length - 200; n++) worst = Math.max(worst, Math.abs(out[n] - expected[n]));
      assert.ok(worst < 2e-3, `largest deviation from the ideal 24 kHz tone: ${worst}`);
    });

    test('block boundaries are seamless: any block sizes give the same samples as one block', () => {
      const input = tone(3000, rate, 0.3, 0.8);
      const whole = resample(input, rate, [input.length]);
      const random = seeded(7);
      const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(random() * 700));
      const pieces = resample(input, rate, sizes);
      assert.equal(pieces.length, whole.length);
      assert.deepEqual(pieces, whole);
    });

    test('produces 24000 samples per second of input, minus the look-ahead it still holds', () => {
      const r = new Resampler(rate, 24000);
      const out = resample(new Float32Array(rate * 2), rate);
      assert.ok(out.length <= 48000 && out.length >= 48000 - 40, `got ${out.length} samples for 2 s`);
      assert.ok(r.maxOutputLength(128) >= Math.ceil((128 * 24000) / rate));
    });
  });
}

describe('Resampler at other rates', () => {
  for (const rate of [96000, 16000, 22050, 8000]) {
    test(`${rate} Hz: a 1 kHz tone passes at full level, with 24000 samples per second`, () => {
      const out = resample(tone(1000, rate, 1, 0.5), rate);
      assert.ok(Math.abs(db(steady(out) / (0.5 / Math.SQRT2))) <= 0.1);
      // The look-ahead still held is 16 zero crossings: 18 input samples at 8 kHz = 54 output samples.
      assert.ok(out.length <= 24000 && out.length >= 24000 - 60, `got ${out.length}`);
    });
  }

  test('24 kHz in, 24 kHz out: the samples are copied exactly', () => {
    const input = tone(5000, 24000, 0.1, 0.9);
    const out = resample(input, 24000, [100]);
    assert.deepEqual(out, input.subarray(0, out.length));
    assert.ok(out.length >= input.length - 1);
  });

  test('an odd rate (47999 Hz) still converts with an accurate level', () => {
    const out = resample(tone(1000, 47999, 1, 0.5), 47999);
    assert.ok(Math.abs(db(steady(out) / (0.5 / Math.SQRT2))) <= 0.1);
  });

  test('a too small output array truncates the call instead of overrunning it', () => {
    const r = new Resampler(48000, 24000);
    const small = new Float32Array(10);
    assert.equal(r.process(tone(1000, 48000, 0.01), small), 10);
  });

  test('reset() forgets history: the same input gives the same output again', () => {
    const r = new Resampler(44100, 24000);
    const out = new Float32Array(400);
    const input = tone(2000, 44100, 0.01, 0.5);
    const a = out.slice(0, r.process(input, out));
    r.reset();
    const b = out.slice(0, r.process(input, out));
    assert.deepEqual(a, b);
  });

  test('rejects a rate that is not positive', () => {
    assert.throws(() => new Resampler(0, 24000), RangeError);
  });
});
