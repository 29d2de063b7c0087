/** Reconnect policy: jittered exponential backoff with a bounded number of attempts. */
export interface BackoffOptions {
  /** Attempts allowed after a drop before giving up (default 5). */
  maxAttempts?: number;
  /** Delay scale of the first retry, in ms (default 500). */
  baseMs?: number;
  /** Upper bound of any delay, in ms (default 15000). */
  maxMs?: number;
  /** Random source in [0, 1), injectable for tests (default Math.random). */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { maxAttempts: 5, baseMs: 500, maxMs: 15_000 } as const;

/**
 * Delay before retry number `attempt` (1-based): "equal jitter", half fixed and half random, so that
 * many clients dropped together do not return together, yet no retry is immediate.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Counts attempts and hands out delays until the budget is spent. */
export class Backoff {
  #attempts = 0;
  constructor(private readonly options: BackoffOptions = {}) {}

  /** Attempts used since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  get maxAttempts(): number {
    return this.options.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts;
  }

  /** The delay before the next attempt, or null once `maxAttempts` is reached. */
  next(): number | null {
    if (this.#attempts >= this.maxAttempts) return null;
    this.#attempts++;
    return backoffDelay(this.#attempts, this.options);
  }

  reset(): void {
    this.#attempts = 0;
  }
}
