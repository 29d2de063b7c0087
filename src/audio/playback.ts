import { ContextEngine, type AudioContextOption } from './context.js';
import { AudioEngineError } from './errors.js';
import { FeedQueue } from './feed-queue.js';
import { meterLevel } from './pcm.js';
import type { PlaybackReport } from './truncation.js';
import { loadAudioWorklets } from './worklet-loader.js';
import {
  PLAYBACK_PROCESSOR,
  type PlaybackInMessage,
  type PlaybackOutMessage,
  type PlaybackProcessorOptions,
} from './worklet-processors.js';

/** Rate of the PCM16 the engine plays (the API's output rate). */
export const PLAYBACK_SAMPLE_RATE = 24000;
/**
 * Default prebuffer: the lead built before playback starts, and again after an underrun. Deliveries
 * jittered by ±J ms need 2J of lead; 150 ms covers ±60 ms with room for the render callbacks.
 */
export const DEFAULT_PREBUFFER_MS = 150;

/** Options of `AudioPlayback`; every outside dependency is injectable and has a real default. */
export interface AudioPlaybackOptions {
  /**
   * The playback context, or a factory. Default: an AudioContext at 24 kHz, so every received
   * sample is one rendered sample (exact truncation, no resampling in JavaScript) and a render
   * quantum is 5.3 ms; if the browser refuses that rate, the native rate, with interpolation in the worklet.
   */
  audioContext?: AudioContextOption;
  /** A self-hosted worklet module, for pages whose CSP forbids `blob:` (see worklet-loader.ts). */
  workletUrl?: string | URL;
  /**
   * Lead to build before starting and after an underrun, in ms (default 150): audio queued ahead of
   * the newest delta, since a delta arrives about when its first sample is due. An ended item, or
   * 4× this much audio, starts at once.
   */
  prebufferMs?: number;
  /** Capacity of the worklet's ring in seconds (default 10); more audio waits on the main thread. */
  capacitySeconds?: number;
  /** Fade on interrupt, at the end of the stream and after an underrun, in ms (default 5). */
  fadeMs?: number;
  /**
   * Where the output goes (default: the context's destination), for pages that route the voice
   * through their own graph (a visualizer, ducking). It must belong to the playback context.
   */
  destination?: AudioNode;
  /** Output device (`setSinkId`) to use from the start. */
  sinkId?: string;
  /** About 10 times a second while sound plays (once when it stops): the output level as a meter reading in [0, 1], and its RMS. */
  onLevel?: (level: number, rms: number) => void;
  /** The first sample of an item was rendered. */
  onStarted?: (itemId: string) => void;
  /** An item finished playing (its `end()` was called and all of it was rendered, or the next item started). */
  onItemDone?: (itemId: string, renderedSamples: number) => void;
  /** Everything queued has played and no item is open: the assistant has finished speaking. */
  onDrained?: () => void;
  /** Audio ran out before the item ended; it resumes after the prebuffer. */
  onUnderrun?: (itemId: string) => void;
  /** Errors after start(): the context closed under us, the output device refused. */
  onError?: (error: AudioEngineError) => void;
  /** The playback context's state (`running`, `suspended`, `interrupted`, `closed`). */
  onContextState?: (state: string) => void;
}

/** Counters for meters and the benchmark. */
export interface PlaybackStats {
  /** Underruns since start. */
  underruns: number;
  /** Samples queued and not yet played (worklet ring plus main-thread backlog). */
  queuedSamples: number;
  /** Items known to the engine (queued or playing). */
  items: number;
}

interface Item {
  id: string;
  handle: number;
  /** Queued by a socket worker, which also ends it. */
  fed: boolean;
  contentIndex: number;
  received: number;
  rendered: number;
}

/**
 * Plays the assistant's PCM16 24 kHz audio through a jitter-buffered worklet and counts, per item,
 * the samples actually rendered, so a barge-in can tell the server exactly what the user heard.
 * Underruns play silence and keep the node and the counts; `interrupt()` fades out within one
 * render quantum, and later audio of the interrupted item is dropped.
 */
export class AudioPlayback extends ContextEngine {
  #o: AudioPlaybackOptions;
  #node: AudioWorkletNode | null = null;
  #byId = new Map<string, Item>();
  #byHandle = new Map<number, Item>();
  #dropped: string[] = [];
  #feed: FeedQueue;
  #handles = 0;
  #tokens = 0;
  #pending = new Map<number, (reply: Extract<PlaybackOutMessage, { type: 'interrupted' | 'synced' }>) => void>();
  #underruns = 0;
  #sinkId: string | undefined;
  #closed = false;
  #route: ((capacity: number) => MessagePort) | null = null;

  constructor(options: AudioPlaybackOptions = {}) {
    super(options, 'playback');
    this.#o = options;
    this.#feed = new FeedQueue(Math.round((options.capacitySeconds ?? 10) * PLAYBACK_SAMPLE_RATE), (m, t) => this.#post(m, t));
    this.#feed.open = false;
    this.#sinkId = options.sinkId;
  }

  /** Counters for meters and the benchmark. */
  get stats(): PlaybackStats {
    return { underruns: this.#underruns, queuedSamples: this.#feed.queued, items: this.#byId.size };
  }

  protected createContext(): AudioContext {
    try {
      return new AudioContext({ sampleRate: PLAYBACK_SAMPLE_RATE, latencyHint: 'interactive' });
    } catch {
      return new AudioContext({ latencyHint: 'interactive' });
    }
  }

  /**
   * Creates the context and the worklet. Call it from a user gesture: the context is created and
   * resumed before the first await (Safari, iOS). Audio enqueued before it resolves is kept.
   */
  override start(): Promise<void> {
    this.#closed = false;
    return super.start();
  }

  protected async open(ctx: AudioContext, run: number): Promise<void> {
    await loadAudioWorklets(ctx, { workletUrl: this.#o.workletUrl });
    if (run !== this.run) return;
    const options: PlaybackProcessorOptions = {
      inputRate: PLAYBACK_SAMPLE_RATE,
      capacity: this.#feed.capacity,
      prebuffer: Math.round(((this.#o.prebufferMs ?? DEFAULT_PREBUFFER_MS) * PLAYBACK_SAMPLE_RATE) / 1000),
      fade: (this.#o.fadeMs ?? 5) / 1000,
      // Each message costs the main thread a task: ten a second keep the meter smooth (with its CSS transition).
      levelInterval: 0.1,
    };
    try {
      this.#node = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: options,
      });
    } catch (error) {
      throw new AudioEngineError('audio_context_failed', `Could not create the playback worklet: ${(error as Error)?.message}`, error);
    }
    this.#node.port.onmessage = this.#onMessage;
    if (this.#route) this.#routeNow();
    this.#node.connect(this.#o.destination ?? ctx.destination);
    this.#feed.open = true;
    this.#feed.pump();
    if (this.#sinkId !== undefined) this.setSinkId(this.#sinkId).catch((error) => this.#o.onError?.(error));
  }

  /**
   * Queues PCM16 (24 kHz mono) of an assistant item. The samples are copied, so the caller keeps
   * its array. Returns false, and drops the audio, when the item was interrupted (late deltas of
   * a truncated item must not play) or the engine is closed.
   */
  enqueue(itemId: string, pcm: Int16Array, contentIndex = 0): boolean {
    if (this.#closed || this.#dropped.includes(itemId)) return false;
    if (!pcm.length) return true;
    const item = this.#item(itemId, contentIndex);
    item.received += pcm.length;
    this.#feed.push(item.handle, pcm.slice());
    return true;
  }

  /**
   * Audio of an item that a socket worker decoded and queued into the worklet itself, under
   * `handle` (see `route`): counted here as `enqueue` would. Returns false when the item was interrupted.
   */
  adopt(itemId: string, handle: number, samples: number, contentIndex = 0): boolean {
    if (this.#closed || this.#dropped.includes(itemId)) return false;
    this.#item(itemId, contentIndex, handle).received += samples;
    return true;
  }

  /** The item of `itemId`, made on its first audio: under a handle of ours, or the socket worker's `fedHandle`. */
  #item(itemId: string, contentIndex: number, fedHandle?: number): Item {
    let item = this.#byId.get(itemId);
    if (!item) {
      item = { id: itemId, handle: fedHandle ?? ++this.#handles, fed: fedHandle !== undefined, contentIndex, received: 0, rendered: 0 };
      this.#byId.set(itemId, item);
      this.#byHandle.set(item.handle, item);
    }
    return item;
  }

  /**
   * No more audio will come for this item (`response.output_audio.done`): it may start even below
   * the prebuffer, fades out at its end, and `onDrained` follows when nothing else is queued.
   */
  end(itemId: string): void {
    const item = this.#byId.get(itemId);
    if (!item || item.fed) return; // the socket worker ends what it queued, in order with its chunks
    this.#feed.push(item.handle, null);
  }

  /**
   * Stops playback now (barge-in or a local interrupt): a 5 ms fade within the next render
   * quantum, then silence; everything queued is discarded and later audio of those items is
   * dropped. Resolves with what the playing item (or else the first queued one) had rendered and
   * received, or null when nothing was queued or playing. Feed it to `planTruncation`.
   */
  async interrupt(): Promise<PlaybackReport | null> {
    const items = [...this.#byId.values()];
    if (!items.length) return null;
    for (const item of items) this.#dropped.push(item.id);
    this.#dropped.splice(0, this.#dropped.length - 32);
    this.#byId.clear();
    this.#feed.clear();
    const node = this.#node;
    let current = items[0];
    let playingNow = 0;
    const ctx = this.ctx;
    if (node && ctx && ctx.state !== 'closed') {
      // A suspended realtime context renders nothing, so the worklet stops at once instead of fading;
      // an OfflineAudioContext renders again when its caller resumes it.
      const now = ctx.state !== 'running' && !('startRendering' in ctx);
      const r = await this.#ask({ type: 'interrupt', token: 0, now });
      if (r.type === 'interrupted') {
        this.#feed.gone(r.gone);
        const playing = this.#byHandle.get(r.item);
        if (playing && items.includes(playing)) {
          current = playing;
          playingNow = r.rendered;
        }
      }
    }
    for (const item of items) this.#byHandle.delete(item.handle);
    // Read after the reply: `done` reports that the worklet sent before it have been counted.
    return {
      itemId: current.id,
      contentIndex: current.contentIndex,
      renderedSamples: current.rendered + playingNow,
      receivedSamples: current.received,
    };
  }

  /**
   * Plays through another output device (a `deviceId` of kind `audiooutput`; '' = default).
   * Rejects with `output_device_unsupported` where AudioContext.setSinkId does not exist, or
   * `output_device_failed`.
   */
  async setSinkId(deviceId: string): Promise<void> {
    this.#sinkId = deviceId;
    const ctx = this.ctx as (AudioContext & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!ctx) return;
    if (typeof ctx.setSinkId !== 'function')
      throw new AudioEngineError('output_device_unsupported', 'This browser cannot choose the output device of Web Audio (no AudioContext.setSinkId).');
    try {
      await ctx.setSinkId(deviceId);
    } catch (error) {
      throw new AudioEngineError('output_device_failed', `Could not play through output device "${deviceId}": ${(error as Error)?.message}`, error);
    }
  }

  /** Stops playback, drops everything queued and closes the context if this object created it. */
  close(): Promise<void> {
    this.#closed = true;
    return this.release();
  }

  protected teardown(): void {
    const node = this.#node;
    if (node) {
      this.#post({ type: 'stop' });
      node.port.onmessage = null;
      node.disconnect();
    }
    this.#node = null;
    this.#byId.clear();
    this.#byHandle.clear();
    this.#feed.reset();
    this.#feed.open = false;
    for (const [token, resolve] of this.#pending) resolve({ type: 'synced', token });
    this.#pending.clear();
  }

  /**
   * Resolves once the worklet has handled every call made so far (enqueue, end, interrupt). For
   * OfflineAudioContext rendering: audio posted right before startRendering() may otherwise miss it.
   */
  async sync(): Promise<void> {
    if (this.#node) await this.#ask({ type: 'sync', token: 0 });
  }

  // Sends a message that the worklet answers with the same token.
  #ask(message: Extract<PlaybackInMessage, { token: number }>) {
    const token = (message.token = ++this.#tokens);
    const reply = new Promise<Extract<PlaybackOutMessage, { type: 'interrupted' | 'synced' }>>((resolve) =>
      this.#pending.set(token, resolve),
    );
    this.#post(message);
    return reply;
  }

  #post(message: PlaybackInMessage, transfer: Transferable[] = []): void {
    this.#node?.port.postMessage(message, transfer);
  }

  /**
   * Sends the worklet's reports to the port `sink` returns (asked once per worklet: a socket worker,
   * which passes them back through `receive()` along with the server's messages), or straight back
   * to this object with null.
   */
  route(sink: ((capacity: number) => MessagePort) | null): void {
    if (!sink && !this.#route) return;
    this.#route = sink;
    this.#routeNow();
  }

  /** One report of the worklet, passed on by a socket worker. */
  receive(message: PlaybackOutMessage): void {
    if (this.#node) this.#onMessage({ data: message } as MessageEvent<PlaybackOutMessage>);
  }

  #routeNow(): void {
    if (!this.#node) return;
    const port = this.#route?.(this.#feed.capacity) ?? null;
    this.#post({ type: 'route', port }, port ? [port] : []);
  }

  #onMessage = (e: MessageEvent<PlaybackOutMessage>): void => {
    const d = e.data;
    const o = this.#o;
    if (d.type === 'level') {
      this.#feed.gone(d.gone);
      o.onLevel?.(meterLevel(d.rms), d.rms);
    } else if (d.type === 'interrupted' || d.type === 'synced') {
      this.#pending.get(d.token)?.(d);
      this.#pending.delete(d.token);
    } else {
      const item = 'item' in d ? this.#byHandle.get(d.item) : undefined;
      if (d.type === 'drained') o.onDrained?.();
      else if (!item) return;
      else if (d.type === 'started') o.onStarted?.(item.id);
      else if (d.type === 'underrun') {
        this.#underruns++;
        o.onUnderrun?.(item.id);
      } else if (d.type === 'done') {
        item.rendered += d.rendered;
        this.#byId.delete(item.id);
        this.#byHandle.delete(item.handle);
        o.onItemDone?.(item.id, item.rendered);
      }
    }
  };
}
