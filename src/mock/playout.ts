// The output audio buffer of a WebRTC session: the assistant's voice leaves in real time, 20 ms at
// a time, rendered from the response's plan as it plays (nothing is buffered), with GA's
// output_audio_buffer.started / stopped / cleared events.
import type { MockClock } from './clock.js';
import { renderVoice, type VoicePlan } from './voice.js';

/** Where the voice goes: one 20 ms frame of PCM16 mono at `rate` per call. */
export interface SessionMedia {
  readonly rate: number;
  write(pcm: Int16Array): void;
}

/** One response's voice, as far as the model has produced it. */
export interface PlayoutSource {
  responseId: string;
  itemId: string;
  plan: VoicePlan;
  /** Samples produced so far (the model runs ahead of playback). */
  produced(): number;
  /** No more samples will be produced (completed or cancelled). */
  ended(): boolean;
}

/** What a clear cut: the voice that was playing, and how much of it the user heard. */
export interface ClearedVoice {
  responseId: string;
  itemId: string;
  playedSamples: number;
}

const FRAME_MS = 20;
/** Frames sent at once at most after the event loop was late, so a stall does not burst. */
const MAX_CATCH_UP = 5;

export class Playout {
  private queue: PlayoutSource[] = [];
  private played = 0;
  private started = false;
  private timer: unknown;
  private nextAt = 0;
  private disposed = false;

  constructor(
    private readonly media: SessionMedia,
    private readonly clock: MockClock,
    private readonly events: { started(responseId: string): void; stopped(responseId: string): void },
  ) {}

  /** True while a voice is queued or playing. */
  get active(): boolean {
    return this.queue.length > 0;
  }

  /** Queues a response's voice after whatever is playing. */
  add(source: PlayoutSource): void {
    if (this.disposed) return;
    this.queue.push(source);
    if (this.queue.length === 1) {
      this.nextAt = this.clock.now();
      this.tick();
    }
  }

  /** Stops now and forgets everything queued; returns what was playing (or about to), or null. */
  clear(): ClearedVoice | null {
    const current = this.queue[0];
    this.queue = [];
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const cut = current ? { responseId: current.responseId, itemId: current.itemId, playedSamples: this.played } : null;
    this.played = 0;
    this.started = false;
    return cut;
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private tick = (): void => {
    this.timer = undefined;
    const frame = Math.round((this.media.rate * FRAME_MS) / 1000);
    for (let n = 0; n < MAX_CATCH_UP && this.queue.length && this.clock.now() >= this.nextAt; n++) {
      const source = this.queue[0]!;
      const total = source.ended() ? Math.min(source.produced(), source.plan.totalSamples) : source.produced();
      if (this.played >= total && source.ended()) {
        this.finish(source);
        continue;
      }
      if (total - this.played < frame && !source.ended()) {
        // The model is behind (or stalled): look again in a frame, without a burst after
        this.nextAt = this.clock.now() + FRAME_MS;
        break;
      }
      if (!this.started) {
        this.started = true;
        this.events.started(source.responseId);
      }
      const count = Math.min(frame, total - this.played);
      const pcm = new Int16Array(frame);
      pcm.set(renderVoice(source.plan, this.played, count));
      this.played += count;
      this.media.write(pcm);
      this.nextAt += FRAME_MS;
    }
    if (this.queue.length && !this.disposed) {
      // Never behind by more than the catch-up allowance: a paused process resumes at the present.
      this.nextAt = Math.max(this.nextAt, this.clock.now() - MAX_CATCH_UP * FRAME_MS);
      this.timer = this.clock.setTimeout(this.tick, Math.max(1, this.nextAt - this.clock.now()));
    }
  };

  private finish(source: PlayoutSource): void {
    this.queue.shift();
    const wasStarted = this.started;
    this.played = 0;
    this.started = false;
    if (wasStarted) this.events.stopped(source.responseId);
  }
}
