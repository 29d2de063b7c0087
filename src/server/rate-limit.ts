/**
 * In-memory fixed-window rate limiter, keyed per client. Pure: no I/O, no Node imports, an injected clock.
 * State lives in one process (or one Worker isolate): it is a first line of defence, not a global quota.
 */

export interface FixedWindowOptions {
  /** Window length in milliseconds. */
  windowMs: number;
  /** Requests allowed per client key in one window. */
  max: number;
  /** Most client keys remembered at once; the oldest windows are forgotten first. */
  maxClients: number;
  /** Clock in milliseconds. */
  now: () => number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Window {
  start: number;
  count: number;
}

export class FixedWindowRateLimiter {
  readonly #options: FixedWindowOptions;
  // Insertion order is window-start order (a new window is re-inserted), so expired windows sit at the front.
  readonly #windows = new Map<string, Window>();

  constructor(options: FixedWindowOptions) {
    this.#options = options;
  }

  /** Counts one request for `key` and says whether it may proceed. */
  hit(key: string): RateLimitDecision {
    const { windowMs, max } = this.#options;
    const now = this.#options.now();
    const current = this.#windows.get(key);
    if (current && now - current.start < windowMs) {
      if (current.count >= max) return { allowed: false, retryAfterMs: current.start + windowMs - now };
      current.count += 1;
      return { allowed: true };
    }
    this.#windows.delete(key);
    this.#makeRoom(now);
    this.#windows.set(key, { start: now, count: 1 });
    return { allowed: true };
  }

  /** How many client keys are remembered (for tests and diagnostics). */
  get size(): number {
    return this.#windows.size;
  }

  #makeRoom(now: number): void {
    const { windowMs, maxClients } = this.#options;
    for (const [key, window] of this.#windows) {
      if (this.#windows.size < maxClients && now - window.start < windowMs) return;
      this.#windows.delete(key);
    }
  }
}
