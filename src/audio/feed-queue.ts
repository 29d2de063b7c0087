// What feeds the playback worklet's fixed ring: the audio waiting for room, and the count of what
// is in the ring. Pure and self-contained (no imports at run time): the main thread's AudioPlayback
// and the socket worker (which runs it from its source text) both use it.
import type { PlaybackInMessage } from './worklet-processors.js';

/**
 * Moves queued chunks into the worklet's ring as far as it has room (`capacity` samples, of which
 * `posted - gone` are taken); the rest waits here, in order, with the items' ends.
 */
export class FeedQueue {
  #backlog: { handle: number; pcm: Int16Array | null }[] = [];
  #posted = 0;
  #gone = 0;
  /** False until there is a worklet to post to: chunks wait here meanwhile. */
  open = true;

  constructor(
    readonly capacity: number,
    readonly post: (message: PlaybackInMessage, transfer?: Transferable[]) => void,
  ) {}

  /** Samples in the ring and waiting here. */
  get queued(): number {
    let waiting = 0;
    for (const q of this.#backlog) waiting += q.pcm?.length ?? 0;
    return Math.max(0, this.#posted - this.#gone) + waiting;
  }

  /** Queues a chunk of item `handle` (taken over: it will be transferred), or its end with null. */
  push(handle: number, pcm: Int16Array | null): void {
    this.#backlog.push({ handle, pcm });
    this.pump();
  }

  /** The worklet's count of samples that ever left its ring (played, cleared or refused). */
  gone(count: number): void {
    if (count <= this.#gone) return;
    this.#gone = count;
    this.pump();
  }

  /** Drops what waits here (an interrupt cleared the ring too). */
  clear(): void {
    this.#backlog = [];
  }

  /** Forgets everything (a new worklet starts from an empty ring). */
  reset(): void {
    this.#backlog = [];
    this.#posted = this.#gone = 0;
  }

  pump(): void {
    if (!this.open) return;
    const backlog = this.#backlog;
    let i = 0;
    for (; i < backlog.length; i++) {
      const { handle, pcm } = backlog[i]!;
      if (!pcm) {
        this.post({ type: 'end', item: handle });
        continue;
      }
      const room = this.capacity - (this.#posted - this.#gone);
      if (room <= 0) break;
      const part = pcm.length > room ? pcm.subarray(0, room).slice() : pcm;
      // Count before posting: the transfer detaches the array (its length becomes 0).
      this.#posted += part.length;
      this.post({ type: 'chunk', item: handle, pcm: part }, [part.buffer]);
      if (part !== pcm) {
        backlog[i]!.pcm = pcm.subarray(room);
        break;
      }
    }
    backlog.splice(0, i);
  }
}
