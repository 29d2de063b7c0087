/** Typed arrays a `RingBuffer` can store samples in. */
export type SampleArray = Int16Array | Float32Array;

/**
 * A fixed-capacity FIFO of samples. It never grows: `write` takes what fits and says how much.
 * Reading copies with a loop (no `subarray` views), so it allocates nothing on the audio thread.
 * Self-contained: the playback worklet embeds its source.
 */
export class RingBuffer {
  private readonly data: SampleArray;
  private head = 0;
  private size = 0;

  /** @param storage The backing array; its length is the capacity. */
  constructor(storage: SampleArray) {
    this.data = storage;
  }

  /** Samples the buffer can hold. */
  get capacity(): number {
    return this.data.length;
  }

  /** Samples waiting to be read. */
  get available(): number {
    return this.size;
  }

  /** Room left, in samples. */
  get free(): number {
    return this.data.length - this.size;
  }

  /** Appends as many samples of `src` as fit and returns that count (the rest is not stored). */
  write(src: ArrayLike<number>): number {
    const cap = this.data.length;
    const n = Math.min(src.length, cap - this.size);
    let w = (this.head + this.size) % cap;
    for (let i = 0; i < n; i++) {
      this.data[w] = src[i];
      if (++w === cap) w = 0;
    }
    this.size += n;
    return n;
  }

  /**
   * Moves up to `count` samples into `dst` from `offset`, each multiplied by `scale`, and returns
   * how many were read.
   */
  read(dst: SampleArray, offset: number, count: number, scale = 1): number {
    const cap = this.data.length;
    const n = Math.min(count, this.size);
    let r = this.head;
    for (let i = 0; i < n; i++) {
      dst[offset + i] = this.data[r] * scale;
      if (++r === cap) r = 0;
    }
    this.head = r;
    this.size -= n;
    return n;
  }

  /** Drops up to `count` samples from the front and returns how many were dropped. */
  skip(count: number): number {
    const n = Math.min(count, this.size);
    this.head = (this.head + n) % this.data.length;
    this.size -= n;
    return n;
  }

  /** Drops up to `count` samples from the back (the newest) and returns how many were dropped. */
  trim(count: number): number {
    const n = Math.min(Math.max(0, count), this.size);
    this.size -= n;
    return n;
  }

  /** Empties the buffer. */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
