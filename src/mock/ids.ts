// Ids in OpenAI's prefixed style, deterministic per connection so test failures read the same each run.

export type IdPrefix = 'event' | 'item' | 'resp' | 'call' | 'sess' | 'conv';

export class IdGenerator {
  private readonly counters = new Map<IdPrefix, number>();

  /** @param tag distinguishes connections of one server, e.g. "mock3". */
  constructor(private readonly tag: string) {}

  next(prefix: IdPrefix): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}_${this.tag}_${n}`;
  }
}
