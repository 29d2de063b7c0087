/** Why audio frames were dropped: too much captured before `ready`, or a congested socket. */
export type AudioDropReason = 'pre-connect' | 'congestion';

export interface SendQueueOptions<E> {
  /** Puts one event on the wire (the client serialises, sends and reports it). */
  transmit(event: E): void;
  /** Bytes the socket still holds (WebSocket.bufferedAmount); 0 when no socket. */
  bufferedAmount(): number;
  /** Builds the append event for a run of PCM16 frames. */
  audioEvent(pcm: Int16Array): E;
  /** Told whenever held audio is overwritten before it could be sent. */
  onAudioDropped?(frames: number, reason: AudioDropReason): void;
  /** Frames of audio held before `ready` or while congested (default 72000: 3 s at 24 kHz). */
  capacityFrames?: number;
  /** Above this many buffered bytes, audio is held instead of sent (default 262144). */
  highWaterMark?: number;
  /** Largest append built from held audio, in frames (default 24000: 1 s at 24 kHz). */
  maxAppendFrames?: number;
}

interface Queued<E> {
  event: E;
  /** Audio frames written before this event was queued: they go out ahead of it. */
  audioPos: number;
}

/**
 * Orders everything the client sends. Until `open()`, events wait in order and audio waits in a
 * fixed-capacity ring (the pre-connect buffer: the newest few seconds survive); at `open()` both
 * go out interleaved as they were given. Once open, audio is held in the same ring while the
 * socket is congested and goes out coalesced when it drains; overwritten audio is reported.
 * Control and text events are never dropped, and held audio always precedes a later event
 * (a commit must follow the audio it commits).
 */
export class SendQueue<E> {
  readonly #o: SendQueueOptions<E>;
  readonly #capacity: number;
  readonly #highWater: number;
  readonly #maxAppend: number;
  #ring: Int16Array | undefined; // allocated on first held audio: text-only clients never pay for it
  #written = 0; // frames ever written into the ring
  #read = 0; // frames ever taken out of the ring (or discarded)
  #events: Queued<E>[] = [];
  #open = false;
  #dropped = 0;

  constructor(options: SendQueueOptions<E>) {
    this.#o = options;
    this.#capacity = Math.max(1, Math.floor(options.capacityFrames ?? 72_000));
    this.#highWater = options.highWaterMark ?? 262_144;
    this.#maxAppend = Math.max(1, Math.floor(options.maxAppendFrames ?? 24_000));
  }

  /** True between `open()` and `pause()`. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Frames of audio the ring can hold. */
  get capacityFrames(): number {
    return this.#capacity;
  }

  /** Frames of audio waiting in the ring. */
  get heldFrames(): number {
    return this.#written - this.#read;
  }

  /** Events waiting for `open()`. */
  get queuedEvents(): number {
    return this.#events.length;
  }

  /** Frames dropped since creation. */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /** Flushes what waited, in order, and sends directly from now on. */
  open(): void {
    this.#open = true;
    const events = this.#events;
    this.#events = [];
    for (const q of events) {
      this.#flushAudio(q.audioPos);
      this.#o.transmit(q.event);
    }
    this.#flushAudio(this.#written);
  }

  /** Holds everything again (the socket is gone; a new one is being opened). */
  pause(): void {
    this.#open = false;
  }

  /** Sends a control or text event now, or queues it until `open()`. Never dropped. */
  send(event: E): void {
    if (!this.#open) {
      this.#events.push({ event, audioPos: this.#written });
      return;
    }
    this.#flushAudio(this.#written);
    this.#o.transmit(event);
  }

  /** Sends captured audio, or holds it (before `open()` or while the socket is congested). */
  sendAudio(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    if (this.#open && !this.#congested()) {
      this.#flushAudio(this.#written);
      for (let i = 0; i < pcm.length; i += this.#maxAppend) {
        this.#o.transmit(this.#o.audioEvent(pcm.subarray(i, Math.min(pcm.length, i + this.#maxAppend))));
      }
      return;
    }
    this.#hold(pcm);
  }

  /** Discards held audio (input_audio_buffer.clear makes it moot); queued events stay. */
  clearAudio(): void {
    this.#read = this.#written;
  }

  /** Forgets everything held or queued (the client is closing). */
  discard(): void {
    this.#events = [];
    this.#read = this.#written;
    this.#ring = undefined;
  }

  #congested(): boolean {
    return this.#o.bufferedAmount() > this.#highWater;
  }

  #hold(pcm: Int16Array): void {
    const ring = (this.#ring ??= new Int16Array(this.#capacity));
    const cap = this.#capacity;
    // Only the newest `cap` frames of this chunk can survive.
    const src = pcm.length > cap ? pcm.subarray(pcm.length - cap) : pcm;
    const start = (this.#written + pcm.length - src.length) % cap;
    const first = Math.min(src.length, cap - start);
    ring.set(src.subarray(0, first), start);
    if (first < src.length) ring.set(src.subarray(first), 0);
    this.#written += pcm.length;
    const lost = this.#written - this.#read - cap;
    if (lost > 0) {
      this.#read = this.#written - cap;
      this.#dropped += lost;
      this.#o.onAudioDropped?.(lost, this.#open ? 'congestion' : 'pre-connect');
    }
  }

  /** Sends held audio up to frame position `until`, coalesced into appends of at most maxAppend frames. */
  #flushAudio(until: number): void {
    const ring = this.#ring;
    if (!ring) return;
    const cap = this.#capacity;
    while (this.#read < until) {
      const n = Math.min(until - this.#read, this.#maxAppend);
      const out = new Int16Array(n);
      const start = this.#read % cap;
      const first = Math.min(n, cap - start);
      out.set(ring.subarray(start, start + first), 0);
      if (first < n) out.set(ring.subarray(0, n - first), first);
      this.#read += n;
      this.#o.transmit(this.#o.audioEvent(out));
    }
  }
}
