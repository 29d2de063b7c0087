import { ContextEngine, type AudioContextOption } from './context.js';
import { AudioEngineError, microphoneError } from './errors.js';
import { meterLevel } from './pcm.js';
import { loadAudioWorklets } from './worklet-loader.js';
import { CAPTURE_PROCESSOR, type CaptureInMessage, type CaptureOutMessage, type CaptureProcessorOptions } from './worklet-processors.js';

/** Why the captured device changed. */
export type DeviceChangeReason =
  /** `setDevice()` was called. */
  | 'requested'
  /** The requested device came back (it had been unplugged). */
  | 'returned'
  /** The device disappeared from the device list; the default device is used instead. */
  | 'lost'
  /** The system default changed while following the default device. */
  | 'default-changed'
  /** The track ended (unplugged, revoked): a new one was opened. */
  | 'ended';

/** The device captured after a change. */
export interface CaptureDeviceChange {
  deviceId: string;
  label: string;
  reason: DeviceChangeReason;
}

/** Options of `AudioCapture`; every outside dependency is injectable and has a real default. */
export interface AudioCaptureOptions {
  /** Default: `navigator.mediaDevices.getUserMedia`. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Source of `devicechange` events and of the device list. Default: `navigator.mediaDevices`. */
  mediaDevices?: Pick<MediaDevices, 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;
  /**
   * The capture context, or a factory. Default: a new AudioContext at the device's native rate
   * (forcing 24 kHz breaks Firefox, which refuses to connect a microphone across rates).
   */
  audioContext?: AudioContextOption;
  /** The microphone to use (a `deviceId` from enumerateDevices). Default: the system default, followed when it changes. */
  deviceId?: string;
  /** Browser echo cancellation (default true). */
  echoCancellation?: boolean;
  /** Browser noise suppression (default true). */
  noiseSuppression?: boolean;
  /** Browser automatic gain control (default true). */
  autoGainControl?: boolean;
  /** A self-hosted worklet module, for pages whose CSP forbids `blob:` (see worklet-loader.ts). */
  workletUrl?: string | URL;
  /**
   * Receives each 20 ms frame: 480 samples of PCM16 at 24 kHz. The array is lent for the duration
   * of the call and then recycled by the worklet: encode or copy it before returning.
   */
  onFrame?: (pcm: Int16Array) => void;
  /** About 17 times a second (with every third frame), or 10 when routed to a socket worker: the microphone level as a meter reading in [0, 1] (also while muted), and its RMS. */
  onLevel?: (level: number, rms: number) => void;
  /** Errors after start(): the microphone lost for good, the context closed under us. */
  onError?: (error: AudioEngineError) => void;
  /** The device captured changed (hot swap); frames kept flowing. */
  onDeviceChange?: (change: CaptureDeviceChange) => void;
  /** The capture context's state (`running`, `suspended`, `interrupted`, `closed`). */
  onContextState?: (state: string) => void;
}

/** Samples per frame: 20 ms at 24 kHz. */
export const CAPTURE_FRAME_SAMPLES = 480;
// Frames given back to the worklet per message; its pool holds twice as many.
const RECYCLE_BATCH = 8;

/**
 * The microphone as a stream of 20 ms PCM16 frames at 24 kHz. The worklet resamples from the
 * context's native rate, mute sends silence frames (the server's clock keeps running), and the
 * device can be swapped (or is swapped when it disappears) without stopping the frames.
 */
export class AudioCapture extends ContextEngine {
  #o: AudioCaptureOptions;
  #node: AudioWorkletNode | null = null;
  #source: MediaStreamAudioSourceNode | null = null;
  #stream: MediaStream | null = null;
  #requested: string | undefined;
  #muted = false;
  #paused = false;
  #queue: Promise<unknown> = Promise.resolve();
  #frames = 0;
  #returned: ArrayBuffer[] = [];
  #sink: (() => MessagePort) | null = null;

  constructor(options: AudioCaptureOptions = {}) {
    super(options, 'capture');
    this.#o = options;
    this.#requested = options.deviceId || undefined;
  }

  /** The microphone track in use. */
  get track(): MediaStreamTrack | null {
    return this.#stream?.getAudioTracks()[0] ?? null;
  }

  /** True while muted: silence frames are sent. */
  get muted(): boolean {
    return this.#muted;
  }

  /** Frames delivered since construction. */
  get frames(): number {
    return this.#frames;
  }

  protected createContext(): AudioContext {
    return new AudioContext({ latencyHint: 'interactive' });
  }

  protected async open(ctx: AudioContext, run: number): Promise<void> {
    // The microphone prompt and the module load run together; a refusal is awaited below.
    const streamPromise = this.#acquire(this.#requested);
    streamPromise.catch(() => undefined);
    try {
      await loadAudioWorklets(ctx, { workletUrl: this.#o.workletUrl });
    } catch (error) {
      streamPromise.then(stopTracks, () => undefined);
      throw error;
    }
    const stream = await streamPromise;
    if (run !== this.run) return stopTracks(stream);
    const options: CaptureProcessorOptions = {
      targetRate: 24000,
      frameSize: CAPTURE_FRAME_SAMPLES,
      poolSize: 2 * RECYCLE_BATCH,
      levelInterval: 0.05,
    };
    try {
      this.#node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
        processorOptions: options,
      });
    } catch (error) {
      stopTracks(stream);
      throw new AudioEngineError('audio_context_failed', `Could not create the capture worklet: ${(error as Error)?.message}`, error);
    }
    this.#node.port.onmessage = this.#onMessage;
    if (this.#muted) this.#node.port.postMessage({ type: 'mute', muted: true });
    if (this.#paused) this.#node.port.postMessage({ type: 'pause', paused: true });
    if (this.#sink) this.#route();
    this.#attach(stream);
    this.#devices()?.addEventListener('devicechange', this.#onDeviceChange);
  }

  /**
   * Stops capturing: releases the microphone (the browser's recording indicator goes off), stops
   * the worklet and closes the context if this object created it. Safe to call at any time.
   */
  stop(): Promise<void> {
    return this.release();
  }

  protected teardown(): void {
    this.#devices()?.removeEventListener('devicechange', this.#onDeviceChange);
    const node = this.#node;
    if (node) {
      node.port.postMessage({ type: 'stop' });
      node.port.onmessage = null;
      node.disconnect();
    }
    this.#detach(this.#source, this.#stream);
    this.#node = this.#source = this.#stream = null;
    this.#returned = [];
  }

  #devices() {
    return this.#o.mediaDevices ?? globalThis.navigator?.mediaDevices;
  }

  /**
   * Sends the frames and levels to the port `sink` returns (asked once per worklet: a socket worker
   * takes them there, off the main thread) instead of `onFrame`; the worker passes the levels back
   * through `level()`, about 10 times a second. null brings the frames back to `onFrame`.
   */
  route(sink: (() => MessagePort) | null): void {
    if (!sink && !this.#sink) return;
    this.#sink = sink;
    this.#route();
  }

  /** A level measured by the worklet and passed on by the socket worker: reported through `onLevel`. */
  level(rms: number): void {
    if (this.#node) this.#o.onLevel?.(meterLevel(rms), rms);
  }

  #route(): void {
    const port = this.#node ? (this.#sink?.() ?? null) : undefined;
    if (port === undefined) return;
    const message: CaptureInMessage = { type: 'route', port, levelInterval: port ? 0.1 : 0.05 };
    this.#node!.port.postMessage(message, port ? [port] : []);
  }

  /**
   * Holds the frames back in the worklet (paused) or lets them flow again; levels keep coming.
   * Push-to-talk pauses them between holds, so that nothing crosses threads while nothing is sent.
   * Unlike mute, the server's clock does not see silence: use it only when no audio is wanted.
   */
  pauseFrames(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#node?.port.postMessage({ type: 'pause', paused });
  }

  /** Mutes or unmutes. Muted, frames keep coming at the same pace, all zeros; the track stays open. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#node?.port.postMessage({ type: 'mute', muted });
  }

  /**
   * Switches to another microphone (undefined or '' = the system default) without stopping the
   * frames: the new stream is opened first and the old one released after. Rejects with an
   * `AudioEngineError` and keeps the current device if the new one cannot be opened.
   */
  setDevice(deviceId?: string): Promise<void> {
    this.#requested = deviceId || undefined;
    if (!this.#node && !this.starting) return Promise.resolve();
    return this.#serial(async () => {
      await this.starting;
      await this.#swap(this.#requested, 'requested');
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #acquire(deviceId: string | undefined): Promise<MediaStream> {
    const o = this.#o;
    const audio: MediaTrackConstraints = {
      echoCancellation: o.echoCancellation ?? true,
      noiseSuppression: o.noiseSuppression ?? true,
      autoGainControl: o.autoGainControl ?? true,
      channelCount: { ideal: 1 },
    };
    if (deviceId) audio.deviceId = { exact: deviceId };
    try {
      const gum = o.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
      return await gum({ audio });
    } catch (error) {
      throw microphoneError(error);
    }
  }

  async #swap(deviceId: string | undefined, reason: DeviceChangeReason): Promise<void> {
    const run = this.run;
    const stream = await this.#acquire(deviceId);
    if (run !== this.run || !this.#node) return stopTracks(stream);
    const [oldSource, oldStream] = [this.#source, this.#stream];
    this.#attach(stream);
    this.#detach(oldSource, oldStream);
    const track = this.track;
    this.#o.onDeviceChange?.({ deviceId: track?.getSettings().deviceId ?? '', label: track?.label ?? '', reason });
  }

  #attach(stream: MediaStream): void {
    const source = this.ctx!.createMediaStreamSource(stream);
    source.connect(this.#node!);
    stream.getAudioTracks()[0]?.addEventListener('ended', this.#onEnded);
    this.#source = source;
    this.#stream = stream;
  }

  #detach(source: MediaStreamAudioSourceNode | null, stream: MediaStream | null): void {
    source?.disconnect();
    stream?.getAudioTracks()[0]?.removeEventListener('ended', this.#onEnded);
    if (stream) stopTracks(stream);
  }

  #fail(error: AudioEngineError): void {
    this.#o.onError?.(error);
  }

  #onMessage = (e: MessageEvent<CaptureOutMessage>): void => {
    const d = e.data;
    const frame = d instanceof ArrayBuffer ? d : d.frame;
    if (!frame) return this.level((d as { rms: number }).rms);
    this.#frames++;
    try {
      this.#o.onFrame?.(new Int16Array(frame));
    } catch (error) {
      console.error('realtime-voice: onFrame threw', error);
    }
    if (!(d instanceof ArrayBuffer)) this.#o.onLevel?.(meterLevel(d.rms), d.rms);
    // Back to the worklet's pool in batches (each message costs a task on both threads), unless the
    // listener transferred the buffer elsewhere.
    if (frame.byteLength) this.#returned.push(frame);
    if (this.#returned.length >= RECYCLE_BATCH) {
      this.#node?.port.postMessage(this.#returned, this.#returned);
      this.#returned = [];
    }
  };

  // The track ended (unplugged, permission revoked): open the requested device if still there, else the default.
  #onEnded = (): void => {
    void this.#serial(async () => {
      try {
        const listed = this.#requested ? (await this.#inputs()).some((d) => d.deviceId === this.#requested) : false;
        await this.#swap(listed ? this.#requested : undefined, 'ended');
      } catch (error) {
        // Frames go on as silence, so the session survives until a microphone returns.
        this.#fail(new AudioEngineError('microphone_ended', `The microphone stopped and no other could be opened: ${(error as Error).message}`, error));
      }
    });
  };

  #onDeviceChange = (): void => {
    void this.#serial(async () => {
      if (!this.#node) return;
      try {
        const inputs = await this.#inputs();
        const track = this.track;
        const settings = track?.getSettings() ?? {};
        const present = inputs.some((d) => d.deviceId === settings.deviceId);
        if (!track || track.readyState === 'ended') await this.#swap(undefined, 'ended');
        else if (this.#requested) {
          const wanted = inputs.some((d) => d.deviceId === this.#requested);
          if (wanted && settings.deviceId !== this.#requested) await this.#swap(this.#requested, 'returned');
          else if (!wanted && !present) await this.#swap(undefined, 'lost');
        } else if (!present) await this.#swap(undefined, 'lost');
        else {
          // Chromium lists the system default as "default"; its group tells which device it is now.
          const def = inputs.find((d) => d.deviceId === 'default') ?? inputs[0];
          if (def?.groupId && settings.groupId && def.groupId !== settings.groupId) await this.#swap(undefined, 'default-changed');
        }
      } catch (error) {
        this.#fail(microphoneError(error));
      }
    });
  };

  async #inputs(): Promise<MediaDeviceInfo[]> {
    return (await this.#devices()!.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
