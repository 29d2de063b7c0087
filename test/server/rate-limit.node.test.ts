import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedWindowRateLimiter } from '../../src/server/rate-limit.js';

function limiter(options: { windowMs?: number; max?: number; maxClients?: number } = {}) {
  const time = { now: 0 };
  const instance = new FixedWindowRateLimiter({ windowMs: 1000, max: 2, maxClients: 100, ...options, now: () => time.now });
  return { time, instance };
}

test('allows max hits per window and says how long until the next window', () => {
  const { time, instance } = limiter();
  assert.deepEqual(instance.hit('a'), { allowed: true });
  time.now = 300;
  assert.deepEqual(instance.hit('a'), { allowed: true });
  time.now = 400;
  assert.deepEqual(instance.hit('a'), { allowed: false, retryAfterMs: 600 });
  assert.deepEqual(instance.hit('a'), { allowed: false, retryAfterMs: 600 }, 'refused hits do not extend the window');
  time.now = 1000;
  assert.deepEqual(instance.hit('a'), { allowed: true });
});

test('keeps one window per key', () => {
  const { instance } = limiter({ max: 1 });
  assert.equal(instance.hit('a').allowed, true);
  assert.equal(instance.hit('b').allowed, true);
  assert.equal(instance.hit('a').allowed, false);
  assert.equal(instance.hit('b').allowed, false);
});

test('forgets expired windows and never remembers more than maxClients', () => {
  const { time, instance } = limiter({ max: 1, maxClients: 3 });
  for (const key of ['a', 'b', 'c']) instance.hit(key);
  assert.equal(instance.size, 3);
  instance.hit('d');
  assert.equal(instance.size, 3, 'the oldest window made room');
  assert.equal(instance.hit('a').allowed, true, "a's window was the one forgotten");
  assert.equal(instance.hit('d').allowed, false);

  time.now = 5000;
  instance.hit('e');
  assert.equal(instance.size, 1, 'expired windows are swept when a new one opens');
});
