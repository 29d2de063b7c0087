import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from '../../src/audio/ring-buffer.js';

describe('RingBuffer', () => {
  test('reads back what was written, in order, across the wrap-around', () => {
    const ring = new RingBuffer(new Int16Array(5));
    assert.equal(ring.write([1, 2, 3]), 3);
    const out = new Int16Array(5);
    assert.equal(ring.read(out, 0, 2), 2);
    assert.equal(ring.write([4, 5, 6, 7]), 4);
    assert.equal(ring.available, 5);
    assert.equal(ring.read(out, 0, 5), 5);
    assert.deepEqual([...out], [3, 4, 5, 6, 7]);
    assert.equal(ring.available, 0);
  });

  test('never grows: a write takes what fits and reports it', () => {
    const ring = new RingBuffer(new Float32Array(4));
    assert.equal(ring.write([1, 2, 3]), 3);
    assert.equal(ring.write([4, 5, 6]), 1);
    assert.equal(ring.free, 0);
    assert.equal(ring.capacity, 4);
    const out = new Float32Array(6);
    assert.equal(ring.read(out, 1, 6), 4);
    assert.deepEqual([...out], [0, 1, 2, 3, 4, 0]);
  });

  test('reads Int16 samples as scaled floats (PCM16 to [-1, 1))', () => {
    const ring = new RingBuffer(new Int16Array(4));
    ring.write(Int16Array.of(-32768, 16384));
    const out = new Float32Array(2);
    ring.read(out, 0, 2, 1 / 32768);
    assert.deepEqual([...out], [-1, 0.5]);
  });

  test('trim drops the newest samples and keeps the oldest', () => {
    const ring = new RingBuffer(new Int16Array(4));
    ring.write([1, 2, 3]);
    ring.skip(1);
    ring.write([4, 5]);
    assert.equal(ring.trim(2), 2);
    assert.equal(ring.trim(-1), 0);
    ring.write([9]);
    const out = new Int16Array(3);
    assert.equal(ring.read(out, 0, 3), 3);
    assert.deepEqual([...out], [2, 3, 9]);
    assert.equal(ring.trim(5), 0);
  });

  test('skip drops samples from the front; clear empties it', () => {
    const ring = new RingBuffer(new Int16Array(4));
    ring.write([1, 2, 3, 4]);
    assert.equal(ring.skip(3), 3);
    ring.write([5, 6]);
    const out = new Int16Array(3);
    assert.equal(ring.read(out, 0, 3), 3);
    assert.deepEqual([...out], [4, 5, 6]);
    ring.write([7]);
    ring.clear();
    assert.equal(ring.available, 0);
    assert.equal(ring.skip(2), 0);
  });
});
