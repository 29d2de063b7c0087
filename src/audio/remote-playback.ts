// The assistant's voice over WebRTC: the remote stream plays through an <audio> element (so
// Chromium's echo canceller sees it), and an AnalyserNode meters it for the level display.
// Nothing is decoded or buffered here.
import { AudioEngineError } from './errors.js';
import { meterLevel } from './pcm.js';

export interface RemotePlaybackOptions {
  /** Context for the meter (default: a new AudioContext); call `start()` from the user gesture. */
  audioContext?: () => AudioContext;
  /** About 20 times a second while a stream plays: its level as a meter reading in [0, 1]. */
  onLevel?: (level: number) => void;
  /** Errors after start(): the voice did not play, the output device refused. */
  onError?: (error: AudioEngineError) => void;
  /** Output device (`setSinkId`) of the voice from the start; '' = the system default. */
  sinkId?: string;
}

export class RemotePlayback {
  readonly #o: RemotePlaybackOptions;
  #audio: HTMLAudioElement | null = null;
  #ctx: AudioContext | null = null;
  #analyser: AnalyserNode | null = null;
  #source: MediaStreamAudioSourceNode | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #sinkId: string | undefined;

  constructor(options: RemotePlaybackOptions = {}) {
    this.#o = options;
    this.#sinkId = options.sinkId;
  }

  /** Creates the element and the meter's context; call it synchronously from the user gesture (autoplay). Throws what the browser throws. */
  async start(): Promise<void> {
    this.#audio = new Audio();
    this.#ctx = this.#o.audioContext?.() ?? new AudioContext();
    this.#analyser = this.#ctx.createAnalyser();
    if (this.#sinkId !== undefined) this.setSinkId(this.#sinkId).catch((error: AudioEngineError) => this.#o.onError?.(error));
    await this.#ctx.resume();
  }

  /**
   * Plays through another output device (a `deviceId` of kind `audiooutput`; '' = default), at once
   * if started. Rejects with `output_device_unsupported` where HTMLMediaElement.setSinkId does not
   * exist, or `output_device_failed` (an unknown id, or refused).
   */
  async setSinkId(deviceId: string): Promise<void> {
    this.#sinkId = deviceId;
    const audio = this.#audio;
    if (!audio) return;
    if (typeof audio.setSinkId !== 'function')
      throw new AudioEngineError('output_device_unsupported', 'This browser cannot choose the output device of an audio element (no HTMLMediaElement.setSinkId).');
    await audio.setSinkId(deviceId).catch((error: Error) => {
      throw new AudioEngineError('output_device_failed', `Could not play through output device "${deviceId}": ${error?.message}`, error);
    });
  }

  /** Plays `stream` (the peer connection's remote audio) and meters it; a later stream (after a reconnect) replaces it. */
  attach(stream: MediaStream): void {
    const audio = this.#audio;
    if (!audio || !this.#ctx) return;
    audio.srcObject = stream;
    audio.play().catch((error: Error) => this.#audio === audio && this.#o.onError?.(new AudioEngineError('audio_context_failed', 'The voice did not play: ' + error.message, error)));
    this.#source?.disconnect();
    this.#source = this.#ctx.createMediaStreamSource(stream);
    this.#source.connect(this.#analyser!);
    this.#timer ??= setInterval(this.#meter, 50, new Float32Array(this.#analyser!.fftSize));
  }

  /** Stops playing and metering and closes the context. Safe to call at any time. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#source?.disconnect();
    if (this.#audio) this.#audio.srcObject = null;
    void this.#ctx?.close().catch(() => undefined);
    this.#audio = this.#ctx = this.#analyser = this.#source = null;
    this.#o.onLevel?.(0);
  }

  #meter = (samples: Float32Array<ArrayBuffer>): void => {
    this.#analyser?.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const v of samples) sum += v * v;
    this.#o.onLevel?.(meterLevel(Math.sqrt(sum / samples.length)));
  };
}
