import { expect } from '@open-wc/testing';
import { Backoff, backoffDelay } from '../../src/client/backoff.js';

describe('backoff', () => {
  it('doubles the ceiling per attempt, never exceeds maxMs, and jitters within [ceiling/2, ceiling]', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { ...opts, random: () => 0 }))).to.deep.equal([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { ...opts, random: () => 0.999999 }))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, { ...opts, random: () => 0.5 })).to.equal(300);
  });

  it('hands out maxAttempts delays, then null, and starts again after reset', () => {
    const b = new Backoff({ maxAttempts: 3, baseMs: 10, maxMs: 100, random: () => 0 });
    expect([b.next(), b.next(), b.next(), b.next()]).to.deep.equal([5, 10, 20, null]);
    expect(b.attempts).to.equal(3);
    b.reset();
    expect(b.next()).to.equal(5);
  });
});
