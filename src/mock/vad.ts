// Energy-based voice activity detection on the timeline of the appended audio itself (sample
// counts, not wall time), so that the same audio always gives the same events.

/** VAD settings in the units of the GA session (`audio.input.turn_detection`). */
export interface VadParams {
  /** 0..1; a 10 ms frame is speech when its RMS exceeds 10^((60·threshold − 60)/20) of full scale. */
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export type VadEvent =
  | { kind: 'speech_started'; /** first sample of the padded speech */ startSample: number; onsetSample: number }
  | { kind: 'speech_stopped'; /** sample where silence_duration_ms of silence completed */ endSample: number; lastSpeechSample: number };

/** The RMS level (0..1 of full scale) above which a frame counts as speech for `threshold`. */
export function speechLevel(threshold: number): number {
  return Math.pow(10, (threshold * 60 - 60) / 20);
}

/**
 * Tracks the session's input audio timeline (every sample ever appended) and, when enabled, finds
 * speech onsets and ends in 10 ms frames. Keeps no audio: only running sums and sample positions.
 */
export class EnergyVad {
  /** Samples appended during the whole session. */
  position = 0;
  /** First sample still in the input buffer (audio before it was committed or cleared). */
  bufferStart = 0;
  enabled = true;
  inSpeech = false;
  private params: VadParams;
  private readonly frameSize: number;
  private frameSum = 0;
  private frameCount = 0;
  private lastSpeechEnd = 0;

  constructor(
    readonly sampleRate: number,
    params: VadParams,
  ) {
    this.frameSize = Math.round(sampleRate / 100);
    this.params = params;
  }

  setParams(params: VadParams): void {
    this.params = params;
  }

  /** Samples in the input buffer, i.e. appended since the last commit or clear. */
  get bufferedSamples(): number {
    return this.position - this.bufferStart;
  }

  ms(sample: number): number {
    return Math.floor((sample * 1000) / this.sampleRate);
  }

  /** Feeds appended samples; returns the VAD events they complete, in order. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const level = speechLevel(this.params.threshold);
    const silence = (this.params.silenceDurationMs * this.sampleRate) / 1000;
    const prefix = Math.round((this.params.prefixPaddingMs * this.sampleRate) / 1000);
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]! / 32768;
      this.frameSum += v * v;
      this.frameCount++;
      this.position++;
      if (this.frameCount < this.frameSize) continue;
      const rms = Math.sqrt(this.frameSum / this.frameCount);
      const frameEnd = this.position;
      const frameStart = frameEnd - this.frameCount;
      this.frameSum = 0;
      this.frameCount = 0;
      if (!this.enabled) continue;
      const speech = rms > level;
      if (!this.inSpeech && speech) {
        this.inSpeech = true;
        this.lastSpeechEnd = frameEnd;
        events.push({ kind: 'speech_started', startSample: Math.max(this.bufferStart, frameStart - prefix), onsetSample: frameStart });
      } else if (this.inSpeech && speech) {
        this.lastSpeechEnd = frameEnd;
      } else if (this.inSpeech && frameEnd - this.lastSpeechEnd >= silence) {
        this.inSpeech = false;
        // Server VAD commits the buffer at the stop: later audio starts a new buffer.
        this.bufferStart = frameEnd;
        events.push({ kind: 'speech_stopped', endSample: frameEnd, lastSpeechSample: this.lastSpeechEnd });
      }
    }
    return events;
  }

  /** The input buffer was committed or cleared: what follows starts a new buffer. */
  resetBuffer(): void {
    this.bufferStart = this.position;
    this.inSpeech = false;
  }
}
