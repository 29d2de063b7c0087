// The two AudioWorklet processors (capture and playback), declared inside one self-contained
// function: its source text becomes the worklet module (worklet-sources.ts), so it may reference
// only its parameters and globals of AudioWorkletGlobalScope (tooling.md §4, style.md rules 9-10).
import type { Resampler } from './resampler.js';
import type { RingBuffer, SampleArray } from './ring-buffer.js';

/** Name under which the capture processor is registered. */
export const CAPTURE_PROCESSOR = 'realtime-voice-capture';
/** Name under which the playback processor is registered. */
export const PLAYBACK_PROCESSOR = 'realtime-voice-playback';

/** The parts of AudioWorkletGlobalScope the processors use (lib.dom does not declare them). */
export interface WorkletScope {
  AudioWorkletProcessor: new (options?: AudioWorkletNodeOptions) => { readonly port: MessagePort };
  registerProcessor(name: string, ctor: new (options: AudioWorkletNodeOptions) => WorkletProcessor): void;
  readonly sampleRate: number;
  readonly currentTime: number;
}

/** A processor instance as the audio thread drives it. */
export interface WorkletProcessor {
  readonly port: MessagePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

/** `processorOptions` of the capture processor. */
export interface CaptureProcessorOptions {
  /** Output rate (24000). */
  targetRate: number;
  /** Samples per posted frame (480 = 20 ms at 24 kHz). */
  frameSize: number;
  /** Frames preallocated and recycled through the port (the main thread returns them in batches). */
  poolSize: number;
  /** Seconds between level messages. */
  levelInterval: number;
}

/** `processorOptions` of the playback processor. */
export interface PlaybackProcessorOptions {
  /** Rate of the queued PCM (24000); the context may run at another rate. */
  inputRate: number;
  /** Ring capacity in input samples. */
  capacity: number;
  /**
   * Lead to build before starting (and after an underrun), in input samples: the audio queued ahead
   * of the newest chunk. A chunk arrives about when its first sample is due, so that is the margin
   * left for the next chunk to be late. Not waited for once the stream has ended, nor past 4× it.
   */
  prebuffer: number;
  /** Fade length in seconds (interrupt, end of stream, resume after an underrun). */
  fade: number;
  /** Seconds between level messages. */
  levelInterval: number;
}

/**
 * Capture worklet -> main thread: a frame (the ArrayBuffer of an Int16Array), or, every 50 ms or so,
 * a frame with the level since the previous one. Every message costs the main thread a task,
 * so the level rides on a frame instead of being a message of its own.
 */
export type CaptureOutMessage = ArrayBuffer | { type: 'level'; rms: number; peak: number; frame?: ArrayBuffer };
/**
 * Main thread -> capture worklet: frames given back for reuse (batched), mute, pause (no frames, levels
 * only: push-to-talk between holds), stop, or a route:
 * frames and levels (every `levelInterval` seconds) go to `port` (a socket worker, which gives the
 * frames back through it and passes the levels on); a null port brings them back to the main thread.
 */
export type CaptureInMessage =
  | ArrayBuffer[]
  | { type: 'mute'; muted: boolean }
  | { type: 'pause'; paused: boolean }
  | { type: 'stop' }
  | { type: 'route'; port: MessagePort | null; levelInterval: number };

/** Main thread -> playback worklet. Item handles are positive integers chosen by the main thread. */
export type PlaybackInMessage =
  | { type: 'chunk'; item: number; pcm: Int16Array }
  | { type: 'end'; item: number }
  | { type: 'interrupt'; token: number; now?: boolean }
  | { type: 'sync'; token: number }
  | { type: 'stop' }
  /** From now on everything the worklet reports goes to `port` (a socket worker, which passes it on), or back to the main thread with null. */
  | { type: 'route'; port: MessagePort | null };

/**
 * Playback worklet -> main thread. `gone` counts every sample that ever left the ring (played,
 * cleared or refused), so the main thread knows how much room the ring has.
 */
export type PlaybackOutMessage =
  | { type: 'level'; rms: number; peak: number; gone: number }
  | { type: 'started'; item: number; time: number }
  | { type: 'done'; item: number; rendered: number }
  | { type: 'underrun'; item: number }
  | { type: 'drained' }
  | { type: 'interrupted'; token: number; item: number; rendered: number; gone: number }
  | { type: 'synced'; token: number }
  | { type: 'overflow'; item: number; dropped: number };

/**
 * Registers both processors in `scope`. Never called on the main thread of a page: its text runs
 * in the worklet as `(fn)(globalThis, Resampler, RingBuffer, pcm16FromFloat)`. Tests and the bench
 * may call it with a stand-in scope to drive `process()` directly.
 */
export function defineRealtimeVoiceWorklets(
  scope: WorkletScope,
  ResamplerImpl: typeof Resampler,
  RingImpl: typeof RingBuffer,
  toPcm16: (sample: number) => number,
): void {
  // Shared by both: the throttled level meter and the stop flag.
  class Metered extends scope.AudioWorkletProcessor {
    alive = true;
    sum = 0;
    peak = 0;
    count = 0;
    nextLevel = 0;
    interval: number;

    constructor(options: AudioWorkletNodeOptions) {
      super(options);
      this.interval = (options.processorOptions as { levelInterval: number }).levelInterval;
    }

    measure(x: Float32Array, n: number): void {
      for (let i = 0; i < n; i++) {
        const s = x[i];
        this.sum += s * s;
        if (s > this.peak) this.peak = s;
        else if (-s > this.peak) this.peak = -s;
      }
      this.count += n;
    }

    // The level since the last one, at most once per interval of the audio clock (about 20 per second).
    level(): { type: 'level'; rms: number; peak: number } | null {
      if (scope.currentTime < this.nextLevel || !this.count) return null;
      const message = { type: 'level' as const, rms: Math.sqrt(this.sum / this.count), peak: this.peak };
      this.sum = this.peak = this.count = 0;
      this.nextLevel = scope.currentTime + this.interval;
      return message;
    }
  }

  class Capture extends Metered implements WorkletProcessor {
    resampler: Resampler;
    scratch: Float32Array;
    silence = new Float32Array(128);
    pool: Int16Array[] = [];
    poolSize: number;
    frame: Int16Array;
    size: number;
    fill = 0;
    muted = false;
    paused = false;
    route: MessagePort | null = null;

    constructor(options: AudioWorkletNodeOptions) {
      super(options);
      const o = options.processorOptions as CaptureProcessorOptions;
      this.size = o.frameSize;
      this.poolSize = o.poolSize;
      this.resampler = new ResamplerImpl(scope.sampleRate, o.targetRate);
      this.scratch = new Float32Array(this.resampler.maxOutputLength(2048));
      for (let i = 0; i < o.poolSize; i++) this.pool.push(new Int16Array(o.frameSize));
      this.frame = this.pool.pop() as Int16Array;
      const recycle = (d: ArrayBuffer[]) => {
        for (const b of d) if (b.byteLength === this.size * 2 && this.pool.length < this.poolSize) this.pool.push(new Int16Array(b));
      };
      this.port.onmessage = (e: MessageEvent<CaptureInMessage>) => {
        const d = e.data;
        if (Array.isArray(d)) recycle(d);
        else if (d.type === 'mute') this.muted = d.muted;
        else if (d.type === 'pause') this.paused = d.paused;
        else if (d.type === 'stop') this.alive = false;
        else if (d.type === 'route') {
          if (this.route) this.route.close();
          this.route = d.port;
          this.interval = d.levelInterval;
          if (d.port) d.port.onmessage = (m: MessageEvent<ArrayBuffer[]>) => Array.isArray(m.data) && recycle(m.data);
        }
      };
    }

    process(inputs: Float32Array[][]): boolean {
      // No input while the microphone is being swapped: keep the 24 kHz clock going with silence.
      const input = (inputs[0] && inputs[0][0]) || this.silence;
      const n = this.resampler.process(input, this.scratch);
      this.measure(this.scratch, n);
      for (let i = 0; i < n; i++) {
        this.frame[this.fill++] = this.muted ? 0 : toPcm16(this.scratch[i]);
        if (this.fill === this.size) {
          const level = this.level();
          if (this.paused) {
            // Nothing would be sent: the frame is reused, and only the meter crosses threads.
            if (level) (this.route || this.port).postMessage(level);
            this.fill = 0;
            continue;
          }
          const buffer = this.frame.buffer as ArrayBuffer;
          if (this.route) {
            this.route.postMessage(buffer, [buffer]);
            if (level) this.route.postMessage(level);
          } else this.port.postMessage(level ? { ...level, frame: buffer } : buffer, [buffer]);
          // The pool only runs dry if the main thread stalls; a fresh frame is better than a gap.
          this.frame = this.pool.pop() || new Int16Array(this.size);
          this.fill = 0;
        }
      }
      return this.alive;
    }
  }

  const SEGMENTS = 64;

  class Playback extends Metered implements WorkletProcessor {
    ring: RingBuffer;
    // Queued stretches of audio, one per run of chunks of the same item, in play order.
    segItem = new Int32Array(SEGMENTS);
    segLen = new Float64Array(SEGMENTS);
    segEnd = new Uint8Array(SEGMENTS);
    head = 0;
    segs = 0;
    // The item being rendered and its samples rendered so far (0 = none).
    cur = 0;
    rendered = 0;
    playing = false;
    underran = false;
    fadeLeft = 0;
    token = 0;
    fadeLen: number;
    rampIn = 0;
    tailLeft = 0;
    last = 0;
    prebuffer: number;
    step: number;
    frac = 1;
    prev = 0;
    next = 0;
    tmp = new Float32Array(8192);
    gone = 0;
    quiet = false;
    newest = 0;

    constructor(options: AudioWorkletNodeOptions) {
      super(options);
      const o = options.processorOptions as PlaybackProcessorOptions;
      this.ring = new RingImpl(new Int16Array(o.capacity));
      this.prebuffer = o.prebuffer;
      this.step = o.inputRate / scope.sampleRate;
      this.fadeLen = Math.max(1, Math.round(o.fade * scope.sampleRate));
      this.port.onmessage = (e: MessageEvent<PlaybackInMessage>) => this.message(e.data);
    }

    route: MessagePort | null = null;
    // Items fed through the route: the newest handle seen, and the newest one an interrupt cut.
    fedMax = 0;
    cut = 0;

    post(message: PlaybackOutMessage): void {
      (this.route || this.port).postMessage(message);
    }

    message(d: PlaybackInMessage, fed = false): void {
      if (d.type === 'route') {
        if (this.route) this.route.close();
        this.route = d.port;
        if (d.port) d.port.onmessage = (e: MessageEvent<PlaybackInMessage>) => this.message(e.data, true);
      } else if (d.type === 'chunk' && fed && d.item <= this.cut) {
        // A socket worker posted it before it learnt of the interrupt: refused, counted as gone.
        this.gone += d.pcm.length;
      } else if (d.type === 'chunk') {
        if (fed && d.item > this.fedMax) this.fedMax = d.item;
        const tail = (this.head + this.segs - 1) % SEGMENTS;
        const joins = this.segs && this.segItem[tail] === d.item && !this.segEnd[tail];
        // Samples that find no room (full ring, or 64 items queued) are refused and reported.
        const written = joins || this.segs < SEGMENTS ? this.ring.write(d.pcm) : 0;
        this.newest = written;
        if (joins) this.segLen[tail] += written;
        else if (written) {
          const s = (this.head + this.segs++) % SEGMENTS;
          this.segItem[s] = d.item;
          this.segLen[s] = written;
          this.segEnd[s] = 0;
        }
        if (written < d.pcm.length) {
          this.gone += d.pcm.length - written;
          this.post({ type: 'overflow', item: d.item, dropped: d.pcm.length - written });
        }
      } else if (d.type === 'end') {
        for (let k = this.segs - 1; k >= 0; k--) {
          const s = (this.head + k) % SEGMENTS;
          if (this.segItem[s] === d.item) {
            this.segEnd[s] = 1;
            return;
          }
        }
        // Everything of that item has played already: it is done now.
        if (d.item === this.cur) this.finish();
      } else if (d.type === 'interrupt') {
        this.cut = this.fedMax;
        if (this.fadeLeft) {
          // Already fading out: that fade serves this call too; answer the earlier one now.
          this.post({ type: 'interrupted', token: this.token, item: this.cur, rendered: this.rendered, gone: this.gone });
          this.token = d.token;
        } else if (this.playing && this.cur && !d.now) {
          // Keep only what the fade will play and drop the rest now, so that audio arriving during
          // the fade (a new response) outlives it; process() answers once the output is silent.
          // Interpolation reads up to two samples past the fade.
          const keep = Math.min(this.segLen[this.head], Math.ceil(this.fadeLen * this.step) + (this.step === 1 ? 0 : 2));
          this.gone += this.ring.trim(this.ring.available - keep);
          this.segs = 1;
          this.segLen[this.head] = keep;
          this.segEnd[this.head] = 0;
          this.fadeLeft = this.fadeLen;
          this.token = d.token;
        } else this.stopNow(d.token);
      } else if (d.type === 'sync') this.post({ type: 'synced', token: d.token });
      else if (d.type === 'stop') this.alive = false;
    }

    // The current item is complete: report it, and report the end of the stream when nothing follows.
    finish(): void {
      this.post({ type: 'done', item: this.cur, rendered: this.rendered });
      this.cur = this.rendered = 0;
      if (!this.segs) {
        this.playing = this.underran = false;
        this.post({ type: 'drained' });
      }
    }

    stopNow(token: number): void {
      const item = this.cur || (this.segs ? this.segItem[this.head] : 0);
      const rendered = this.cur ? this.rendered : 0;
      this.gone += this.ring.available;
      this.ring.clear();
      this.segs = this.head = this.cur = this.rendered = this.fadeLeft = this.rampIn = 0;
      this.playing = this.underran = false;
      this.post({ type: 'interrupted', token, item, rendered, gone: this.gone });
    }

    // The interrupt fade is over: report, and forget what is left of the faded item (unheard).
    faded(): void {
      if (this.segs && this.segItem[this.head] === this.cur) {
        this.gone += this.ring.skip(this.segLen[this.head]);
        this.head = (this.head + 1) % SEGMENTS;
        this.segs--;
      }
      this.post({ type: 'interrupted', token: this.token, item: this.cur, rendered: this.rendered, gone: this.gone });
      this.cur = this.rendered = this.fadeLeft = this.rampIn = 0;
      this.playing = this.underran = false;
    }

    // Moves up to `count` queued samples into dst as floats (end fade and resume ramp applied),
    // counting them for their item; returns how many there were.
    pull(dst: SampleArray, count: number): number {
      let got = 0;
      while (got < count && this.segs) {
        const s = this.head;
        const item = this.segItem[s];
        if (item !== this.cur) {
          if (this.cur) this.post({ type: 'done', item: this.cur, rendered: this.rendered });
          this.cur = item;
          this.rendered = 0;
          this.post({ type: 'started', item, time: scope.currentTime + got / scope.sampleRate });
        }
        const left = this.segLen[s];
        const take = Math.min(count - got, left);
        this.ring.read(dst, got, take, 1 / 32768);
        const fading = this.segEnd[s] && this.segs === 1;
        for (let i = 0; i < take; i++) {
          // The last fadeLen samples of the stream ramp down to avoid a click at its end.
          const r = left - i;
          if (fading && r <= this.fadeLen) dst[got + i] *= r / this.fadeLen;
          if (this.rampIn) dst[got + i] *= (this.fadeLen - --this.rampIn) / this.fadeLen;
        }
        this.segLen[s] = left - take;
        this.rendered += take;
        this.gone += take;
        got += take;
        if (!this.segLen[s]) {
          const ended = this.segEnd[s];
          this.head = (s + 1) % SEGMENTS;
          this.segs--;
          if (ended) this.finish();
        }
      }
      return got;
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      const out = outputs[0][0];
      const n = out.length;
      out.fill(0);
      if (!this.playing && this.segs) {
        let ended = 0;
        for (let k = 0; k < this.segs; k++) ended |= this.segEnd[(this.head + k) % SEGMENTS];
        const queued = this.ring.available;
        if (ended || queued - this.newest >= this.prebuffer || queued >= 4 * this.prebuffer) {
          this.playing = true;
          this.tailLeft = 0;
          if (this.underran) this.rampIn = this.fadeLen;
          this.underran = false;
          this.frac = 1;
          this.prev = this.next = 0;
        }
      }
      if (this.playing) {
        // While fading out, take only the samples the fade covers: the count must be what was heard.
        const m = this.fadeLeft ? Math.min(n, this.fadeLeft) : n;
        let short: boolean;
        let got = m;
        if (this.step === 1) short = (got = this.pull(out, m)) < m;
        else {
          // Another context rate: linear interpolation, counting the input samples consumed.
          const need = Math.min(Math.floor(this.frac + (m - 1) * this.step), this.tmp.length);
          const have = this.pull(this.tmp, need);
          this.tmp.fill(0, have, need);
          short = have < need;
          let k = 0;
          for (let i = 0; i < m; i++) {
            while (this.frac >= 1) {
              this.prev = this.next;
              this.next = this.tmp[k++];
              this.frac -= 1;
            }
            out[i] = this.prev + (this.next - this.prev) * this.frac;
            this.frac += this.step;
          }
        }
        if (this.fadeLeft) {
          for (let i = 0; i < m; i++) out[i] *= (this.fadeLeft - i) / this.fadeLen;
          this.fadeLeft -= m;
          if (!this.fadeLeft || short) this.faded();
        } else if (short && this.playing && this.cur) {
          // Underrun: keep the node and the item's count, and wait for the prebuffer again.
          this.playing = false;
          this.underran = true;
          this.last = got ? out[got - 1] : 0;
          this.tailLeft = this.fadeLen;
          this.post({ type: 'underrun', item: this.cur });
          for (let i = got; i < n && this.tailLeft; i++) out[i] = (this.last * --this.tailLeft) / this.fadeLen;
        }
      } else if (this.tailLeft) {
        // The rest of the short decay that follows an underrun, so the cut does not click.
        for (let i = 0; i < n && this.tailLeft; i++) out[i] = (this.last * --this.tailLeft) / this.fadeLen;
      }
      for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
      this.measure(out, n);
      // While nothing plays, one silent level is enough: each message costs the main thread a task.
      const silent = !this.playing && !this.peak;
      if (!silent || !this.quiet) {
        const level = this.level();
        if (level) {
          this.post({ ...level, gone: this.gone });
          this.quiet = silent;
        }
      }
      return this.alive;
    }
  }

  // A second load of the module in the same context must not throw.
  for (const [name, ctor] of [
    ['realtime-voice-capture', Capture],
    ['realtime-voice-playback', Playback],
  ] as const) {
    try {
      scope.registerProcessor(name, ctor);
    } catch {
      // already registered
    }
  }
}
