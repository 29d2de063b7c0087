import type { ReactiveControllerHost } from 'lit';
import { AudioCapture } from '../audio/capture.js';
import { AudioEngineError } from '../audio/errors.js';
import { CAPTURE_CONTEXT, contextFactory, type GestureContexts, type Platform } from './platform.js';

/** What the capture needs from the element, read at each start. */
export interface CaptureSettings {
  inputDevice: string;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGain: boolean;
  workletUrl: string;
  muted: boolean;
  platform: Partial<Platform>;
}

export interface CaptureCallbacks {
  /** A 20 ms PCM16 frame at 24 kHz, lent for the call only. */
  onFrame(pcm: Int16Array): void;
  onLevel(level: number): void;
  /** The microphone failed after it had started (it keeps sending silence). */
  onError(error: AudioEngineError): void;
  /** The microphone track in use: once open, after each device swap, and null once stopped (WebRTC sends it as media). */
  onTrack?(track: MediaStreamTrack | null): void;
  /** Contexts made inside the press before the engine arrived. */
  contexts?: GestureContexts;
}

/** The microphone: an AudioCapture the session starts and stops (also when the element leaves the page), plus the device list for the picker. */
export class CaptureController {
  /** Audio inputs, filled once the microphone is open (labels need the permission). */
  devices: MediaDeviceInfo[] = [];
  #capture: AudioCapture | null = null;
  #sink: (() => MessagePort) | null = null;
  #paused = false;

  constructor(
    private readonly host: ReactiveControllerHost & CaptureSettings,
    private readonly callbacks: CaptureCallbacks,
  ) {}

  get active(): boolean {
    return this.#capture !== null;
  }

  /**
   * Opens the microphone. Call it synchronously from the user gesture (the AudioContext is made
   * before the first await). Rejects with an AudioEngineError and then holds nothing.
   */
  async start(): Promise<void> {
    if (this.#capture) return;
    const h = this.host;
    const { getUserMedia } = h.platform;
    const capture = new AudioCapture({
      deviceId: h.inputDevice || undefined,
      echoCancellation: h.echoCancellation,
      noiseSuppression: h.noiseSuppression,
      autoGainControl: h.autoGain,
      workletUrl: h.workletUrl || undefined,
      getUserMedia,
      audioContext: contextFactory(h.platform, this.callbacks.contexts, CAPTURE_CONTEXT),
      onFrame: this.callbacks.onFrame,
      onLevel: this.callbacks.onLevel,
      onError: this.callbacks.onError,
      onDeviceChange: () => {
        if (this.#capture === capture) this.callbacks.onTrack?.(capture.track);
        void this.#listDevices();
      },
    });
    this.#capture = capture;
    capture.setMuted(h.muted);
    capture.pauseFrames(this.#paused);
    capture.route(this.#sink);
    try {
      await capture.start();
    } catch (error) {
      if (this.#capture === capture) this.#capture = null;
      throw error instanceof AudioEngineError ? error : new AudioEngineError('audio_context_failed', String(error));
    }
    if (this.#capture !== capture) return;
    this.callbacks.onTrack?.(capture.track);
    navigator.mediaDevices?.addEventListener('devicechange', this.#listDevices);
    await this.#listDevices();
  }

  /** Releases the microphone (the browser's recording indicator goes off) and the context. */
  stop(): void {
    const capture = this.#capture;
    this.#capture = null;
    navigator.mediaDevices?.removeEventListener('devicechange', this.#listDevices);
    if (capture) void capture.stop();
    if (capture) this.callbacks.onTrack?.(null);
    this.callbacks.onLevel(0);
  }

  /** Frames to a socket worker's port instead of `onFrame` (null: back to `onFrame`); kept across restarts. */
  route(sink: (() => MessagePort) | null): void {
    this.#sink = sink;
    this.#capture?.route(sink);
  }

  level(rms: number): void {
    this.#capture?.level(rms);
  }

  setMuted(muted: boolean): void {
    this.#capture?.setMuted(muted);
  }

  /** Holds the frames back in the worklet (levels still come); kept across restarts. */
  pauseFrames(paused: boolean): void {
    this.#paused = paused;
    this.#capture?.pauseFrames(paused);
  }

  /** Swaps the microphone without stopping the session; a device that cannot be opened is reported and the old one kept. */
  setDevice(deviceId: string): void {
    this.#capture?.setDevice(deviceId || undefined).catch((error: AudioEngineError) => this.callbacks.onError(error));
  }

  #listDevices = async (): Promise<void> => {
    const all = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    if (!this.#capture) return;
    this.devices = all.filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default' && d.deviceId !== '');
    this.host.requestUpdate();
  };
}
