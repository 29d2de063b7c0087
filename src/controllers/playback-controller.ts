import type { ReactiveControllerHost } from 'lit';
import { AudioEngineError } from '../audio/errors.js';
import { AudioPlayback } from '../audio/playback.js';
import { RemotePlayback } from '../audio/remote-playback.js';
import { planTruncation, type TruncationPlan } from '../audio/truncation.js';
import type { PlaybackOutMessage } from '../audio/worklet-processors.js';
import { CAPTURE_CONTEXT, contextFactory, VOICE_CONTEXT, type GestureContexts, type Platform } from './platform.js';

export interface PlaybackSettings {
  workletUrl: string;
  /** `webrtc`: the voice is a remote media stream (RemotePlayback) instead of PCM deltas (AudioPlayback). */
  transport: 'websocket' | 'webrtc';
  /** `deviceId` of the speaker for the voice ('' = the system default). */
  outputDevice: string;
  platform: Partial<Platform>;
}

export interface PlaybackCallbacks {
  onLevel(level: number): void;
  /** True when the assistant's voice starts playing, false when everything queued has played or was cut. */
  onSpeaking(speaking: boolean): void;
  onError(error: AudioEngineError): void;
  /** Contexts made inside the press before the engine arrived. */
  contexts?: GestureContexts;
}

/** The assistant's voice: an AudioPlayback the session opens and closes (also when the element leaves the page), and the barge-in maths. */
export class PlaybackController {
  #playback: AudioPlayback | null = null;
  #remote: RemotePlayback | null = null;
  #speaking = false;
  #pending = false;
  #lastItem: string | null = null;
  #sink: ((capacity: number) => MessagePort) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & PlaybackSettings,
    private readonly callbacks: PlaybackCallbacks,
  ) {}

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Audio has arrived that has not finished playing (it may still be filling the prebuffer). */
  get pending(): boolean {
    return this.#pending;
  }

  /** Creates the output context; call it synchronously from the user gesture (Safari, iOS). */
  start(): Promise<void> {
    if (this.#playback || this.#remote) return Promise.resolve();
    const { platform } = this.host;
    const contexts = this.callbacks.contexts;
    const sinkId = this.host.outputDevice || undefined;
    // WebRTC: the voice is the peer connection's remote stream, played by an <audio> element.
    const playback: { start(): Promise<void> } = this.host.transport === 'webrtc' ? (this.#remote = new RemotePlayback({
      audioContext: contextFactory(platform, contexts, CAPTURE_CONTEXT),
      onLevel: this.callbacks.onLevel,
      onError: this.callbacks.onError,
      sinkId,
    })) : (this.#playback = new AudioPlayback({
      workletUrl: this.host.workletUrl || undefined,
      audioContext: contextFactory(platform, contexts, VOICE_CONTEXT),
      onLevel: this.callbacks.onLevel,
      onStarted: () => this.#setSpeaking(true),
      onDrained: () => {
        this.#pending = false;
        this.#setSpeaking(false);
      },
      onError: this.callbacks.onError,
      sinkId,
    }));
    this.#playback?.route(this.#sink);
    return playback.start().catch((error: unknown) => {
      if (this.#playback === playback) this.#playback = null;
      if (this.#remote === playback) this.close();
      throw error instanceof AudioEngineError ? error : new AudioEngineError('audio_context_failed', String(error));
    });
  }

  /** Moves the voice to another output device ('' = the system default) without a gap; a refusal goes to `onError` and the voice plays on where it was. */
  setOutputDevice(deviceId: string): void {
    (this.#playback ?? this.#remote)?.setSinkId(deviceId).catch(this.callbacks.onError);
  }

  /** The worklet reports through a socket worker's port (null: straight back); kept across restarts. */
  route(sink: ((capacity: number) => MessagePort) | null): void {
    this.#sink = sink;
    this.#playback?.route(sink);
  }

  receive(message: PlaybackOutMessage): void {
    this.#playback?.receive(message);
  }

  /** Audio a socket worker queued into the worklet itself. */
  adopt(itemId: string, handle: number, samples: number, contentIndex: number): void {
    if (this.#playback?.adopt(itemId, handle, samples, contentIndex)) this.#queued(itemId);
  }

  enqueue(itemId: string, pcm: Int16Array, contentIndex: number): void {
    if (this.#playback?.enqueue(itemId, pcm, contentIndex)) this.#queued(itemId);
  }

  #queued(itemId: string): void {
    this.#pending = true;
    this.#lastItem = itemId;
  }

  /** WebRTC: the remote stream of a (new) connection. */
  attach(stream: MediaStream): void {
    this.#remote?.attach(stream);
  }

  /** WebRTC: a reply's voice is on its way (its audio part opened); it starts with `outputPlaying(true)`. */
  expectVoice(): void {
    if (this.#remote) this.#pending = true;
  }

  /** WebRTC: the server's output buffer started playing, or drained, or was cleared. */
  outputPlaying(playing: boolean): void {
    if (!this.#remote) return;
    this.#pending = false;
    this.#setSpeaking(playing);
  }

  /** No more audio comes for the item: play its tail even below the prebuffer. */
  end(itemId: string): void {
    this.#playback?.end(itemId);
  }

  /** The connection was lost mid-reply: no `output_audio.done` will come, so play what arrived instead of holding it back. */
  endAll(): void {
    if (this.#pending && this.#lastItem) this.end(this.#lastItem);
    this.outputPlaying(false); // WebRTC: the call and its voice are gone
  }

  /**
   * Stops the voice now; `speaking` is false at once, without `onSpeaking`. Resolves with the truncation to send (what the user actually heard of the
   * cut item) and how long the stop took, or null when nothing was playing or queued.
   */
  async interrupt(): Promise<{ plan: TruncationPlan | null; ms: number } | null> {
    if (this.#remote) {
      // The server stops the stream and truncates by itself (output_audio_buffer.clear): nothing to plan here.
      this.#speaking = this.#pending = false;
      this.callbacks.onLevel(0);
      return null;
    }
    const playback = this.#playback;
    if (!playback) return null;
    const started = performance.now();
    // Silent now: the caller reports the state change under its own reason (interrupt, speech-started).
    this.#speaking = false;
    this.#pending = false;
    this.callbacks.onLevel(0);
    const report = await playback.interrupt();
    if (!report) return null;
    return { plan: planTruncation(report), ms: performance.now() - started };
  }

  /** Stops the voice and closes the output context. */
  close(): void {
    const playback = this.#playback;
    this.#playback = null;
    if (playback) void playback.close();
    this.#remote?.close();
    this.#remote = null;
    this.#pending = false;
    this.#setSpeaking(false);
  }

  #setSpeaking(speaking: boolean): void {
    if (!speaking) this.callbacks.onLevel(0);
    if (speaking === this.#speaking) return;
    this.#speaking = speaking;
    this.callbacks.onSpeaking(speaking);
  }
}
