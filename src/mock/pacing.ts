// How fast responses stream: chunks of audio (or words of text) per event-loop turn, faster than
// real time as OpenAI streams, never all in one tick so clients can cancel or barge in between.
import type { MockClock } from './clock.js';

/** Streaming pace of responses. */
export interface PacingOptions {
  /** Audio per `response.output_audio.delta`, in ms, used in turn so chunk sizes vary. Default [100, 140, 200, 160, 120]. */
  chunkMs: number[];
  /** Deltas (audio chunks, text words, argument slices) sent per turn. Default 3. */
  chunksPerTick: number;
  /** Wait between turns on the mock's clock; 0 (default) yields to the event loop only (setImmediate). */
  tickMs: number;
}

export const DEFAULT_PACING: PacingOptions = { chunkMs: [100, 140, 200, 160, 120], chunksPerTick: 3, tickMs: 0 };

/** Paces response streaming, and holds it while a fault "stalls" the model. */
export class Pacer {
  private stalledFlag = false;
  private disposed = false;
  private waiters: Array<() => void> = [];

  constructor(
    public pacing: PacingOptions,
    private readonly clock: MockClock,
  ) {}

  get stalled(): boolean {
    return this.stalledFlag && !this.disposed;
  }

  /** Resolves at the next streaming turn (and not before a stall is lifted). */
  async tick(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.pacing.tickMs > 0) this.clock.setTimeout(resolve, this.pacing.tickMs);
      else setImmediate(resolve);
    });
    while (this.stalled) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Holds every response stream at its next chunk until {@link resume}. */
  stall(): void {
    this.stalledFlag = true;
  }

  resume(): void {
    this.stalledFlag = false;
    this.release();
  }

  /** The connection closed: let every waiting stream run out (they check their own state). */
  dispose(): void {
    this.disposed = true;
    this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
