// The WebSocket in a Worker: microphone frames go from the capture worklet straight to the socket
// (base64 and JSON here), so the page's main thread never touches a capture frame; server frames
// are passed on to the main thread as they arrive, where the one parser reads them.
import { FeedQueue } from '../audio/feed-queue.js';
import { decodeBase64Portable, encodeBase64Portable } from '../protocol/base64.js';
import type { PlaybackInMessage, PlaybackOutMessage } from '../audio/worklet-processors.js';
import { SendQueue, type AudioDropReason } from './send-queue.js';
import type { Transport, TransportHandlers } from './transport.js';

/** Main thread -> worker. `id` names one socket (one connection attempt). */
export type ToSocketWorker =
  | { t: 'init'; capacityFrames: number; highWaterMark?: number }
  | { t: 'open'; id: number; url: string; protocols: string[] }
  | { t: 'send'; id: number; data: string }
  | { t: 'close'; id: number }
  /** Audio may go out (the session is ready) or must be held (not ready, or the socket is gone). */
  | { t: 'audio'; open: boolean }
  | { t: 'clear' }
  | { t: 'discard' }
  /** The capture worklet's frames and levels arrive on this port from now on (one at a time). */
  | { t: 'capture'; port: MessagePort }
  /**
   * The playback worklet, through this port from now on (one at a time): the worker decodes the
   * assistant's audio and queues it there itself (a ring of `capacity` samples), and the worklet's
   * reports come back through it.
   */
  | { t: 'playback'; port: MessagePort; capacity: number }
  /** The audio of these items or responses must not play (cancelled, truncated). */
  | { t: 'drop'; id: string };

/** What the worker did with an audio delta it passed on: queued it into the playback worklet, or dropped it. */
export type FedAudio = { handle: number; samples: number } | { dropped: true };

/**
 * What the worklets reported since the last message to the main thread: the newest microphone level
 * and the playback worklet's reports (levels coalesced to the newest). They ride on the next message,
 * or go alone within 100 ms; a playback report other than a level goes at once.
 */
export interface WorkletNews {
  input?: number;
  playback?: PlaybackOutMessage[];
}

/** Worker -> main thread. */
export type FromSocketWorker =
  | { t: 'ready' }
  | ({ t: 'open'; id: number } & WorkletNews)
  | ({ t: 'message'; id: number; data: unknown; fed?: FedAudio } & WorkletNews)
  | ({ t: 'close'; id: number; code: number; reason: string } & WorkletNews)
  | ({ t: 'news' } & WorkletNews)
  | { t: 'dropped'; frames: number; reason: AudioDropReason }
  | { t: 'resumed' };

/** The parts of DedicatedWorkerGlobalScope the worker uses. */
export interface SocketWorkerScope {
  onmessage: ((event: MessageEvent<ToSocketWorker>) => void) | null;
  postMessage(message: FromSocketWorker): void;
  WebSocket: typeof WebSocket;
}

/**
 * The worker's whole program. Never called on a page's main thread: its text runs in the Worker as
 * `(fn)(self, SendQueue, FeedQueue, encodeBase64Portable, decodeBase64Portable)`, so it may reference only its
 * parameters and worker globals.
 */
export function socketWorkerMain(
  scope: SocketWorkerScope,
  Queue: typeof SendQueue,
  Feed: typeof FeedQueue,
  encodePortable: typeof encodeBase64Portable,
  decodePortable: typeof decodeBase64Portable,
): void {
  // PCM16 little-endian (as every browser is) to and from base64: native where the engine has it.
  const native = Uint8Array as unknown as { fromBase64?: (b64: string) => Uint8Array };
  const encode = (pcm: Int16Array): string => {
    const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength) as Uint8Array & { toBase64?: () => string };
    return bytes.toBase64 ? bytes.toBase64() : encodePortable(bytes);
  };
  const decode = (b64: string): Int16Array => {
    const bytes = native.fromBase64 ? native.fromBase64(b64) : decodePortable(b64);
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  };
  let socket: WebSocket | null = null;
  let id = 0;
  let queue: SendQueue<string> | null = null;
  let capture: MessagePort | null = null;
  let spare: ArrayBuffer[] = [];
  let dropping = false;
  let news: WorkletNews | null = null;
  let newsTimer: ReturnType<typeof setTimeout> | undefined;
  const post = (m: FromSocketWorker) => {
    if (news && m.t !== 'ready' && m.t !== 'dropped' && m.t !== 'resumed') {
      Object.assign(m, news);
      news = null;
    }
    scope.postMessage(m);
  };
  const flush = () => {
    newsTimer = undefined;
    if (news) post({ t: 'news' });
  };
  const report = (urgent: boolean) => {
    if (urgent) flush();
    else newsTimer ??= setTimeout(flush, 100);
  };
  // Feeding the playback worklet: item handles (above the main thread's), the ring's room, what must not play.
  let feed: FeedQueue | null = null;
  let nextHandle = 1 << 24;
  const handles = new Map<string, number>();
  const refused: string[] = [];
  const refuse = (id: string) => {
    if (!refused.includes(id)) refused.push(id);
    if (refused.length > 64) refused.shift();
  };
  // An assistant audio delta: decoded and queued here; undefined leaves it to the main thread (not fed, or unreadable).
  const feedDelta = (text: string): FedAudio | undefined => {
    // An out-of-band answer's voice never plays: known here, before its first delta is fed.
    if (feed && text.includes('"response.created"') && (text.includes('"conversation_id":null') || text.includes('"conversation":"none"'))) {
      try {
        const id = (JSON.parse(text) as { response?: { id?: unknown } }).response?.id;
        if (typeof id === 'string') refuse(id);
      } catch {
        /* the main thread's parser reports it */
      }
      return undefined;
    }
    if (!feed || !text.includes('"response.output_audio.')) return undefined;
    let event: { type?: unknown; item_id?: unknown; response_id?: unknown; delta?: unknown };
    try {
      event = JSON.parse(text);
    } catch {
      return undefined;
    }
    const item = event.item_id;
    if (typeof item !== 'string') return undefined;
    if (event.type === 'response.output_audio.done') {
      const handle = handles.get(item);
      if (handle) feed.push(handle, null);
      handles.delete(item);
      return undefined;
    }
    if (event.type !== 'response.output_audio.delta' || typeof event.delta !== 'string') return undefined;
    if (refused.includes(item) || refused.includes(event.response_id as string)) return { dropped: true };
    let pcm: Int16Array;
    try {
      pcm = decode(event.delta);
    } catch {
      return undefined; // the main thread's parser reports it
    }
    let handle = handles.get(item);
    if (!handle) handles.set(item, (handle = ++nextHandle));
    const samples = pcm.length; // read before the transfer empties it
    if (samples) feed.push(handle, pcm);
    return { handle, samples };
  };
  const onPlayback = (e: MessageEvent<PlaybackOutMessage>) => {
    const r = e.data;
    if (r.type === 'level' || r.type === 'interrupted') feed?.gone(r.gone);
    if (r.type === 'interrupted') {
      // Everything queued was cut: what still arrives for those items must not play.
      feed?.clear();
      for (const id of handles.keys()) refuse(id);
      handles.clear();
    }
    const list = ((news ??= {}).playback ??= []);
    // A newer level replaces one not yet sent (its `gone` count is the larger); other reports keep their order.
    if (r.type === 'level' && list.at(-1)?.type === 'level') list[list.length - 1] = r;
    else list.push(r);
    report(r.type !== 'level');
  };
  let playback: MessagePort | null = null;
  const transmit = (text: string) => {
    try {
      socket?.send(text);
    } catch {
      /* closing: the close event tells the main thread */
    }
  };
  const shut = () => {
    const s = socket;
    socket = null;
    queue?.pause();
    if (!s) return;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000);
    } catch {
      /* already closing */
    }
  };
  const onFrame = (e: MessageEvent) => {
    const frame = e.data;
    if (frame?.type === 'level') {
      (news ??= {}).input = frame.rms;
      return report(false);
    }
    if (!(frame instanceof ArrayBuffer) || !queue) return;
    queue.sendAudio(new Int16Array(frame));
    spare.push(frame);
    // Back to the worklet's pool in batches of 8 (its pool holds twice as many).
    if (spare.length >= 8 && capture) {
      capture.postMessage(spare, spare);
      spare = [];
    }
  };
  scope.onmessage = (e) => {
    const m = e.data;
    switch (m.t) {
      case 'init':
        queue = new Queue<string>({
          transmit,
          bufferedAmount: () => socket?.bufferedAmount ?? 0,
          audioEvent: (pcm) => {
            if (dropping) post({ t: 'resumed' });
            dropping = false;
            return '{"type":"input_audio_buffer.append","audio":"' + encode(pcm) + '"}';
          },
          onAudioDropped: (frames, reason) => {
            dropping = true;
            post({ t: 'dropped', frames, reason });
          },
          capacityFrames: m.capacityFrames,
          highWaterMark: m.highWaterMark,
        });
        break;
      case 'open': {
        shut();
        const mine = (id = m.id);
        const s = (socket = new scope.WebSocket(m.url, m.protocols));
        s.onopen = () => post({ t: 'open', id: mine });
        s.onmessage = (event) => {
          const fed = typeof event.data === 'string' ? feedDelta(event.data) : undefined;
          post(fed ? { t: 'message', id: mine, data: event.data, fed } : { t: 'message', id: mine, data: event.data });
        };
        s.onclose = (event) => {
          if (socket === s) shut();
          // No more audio comes: what arrived of a reply plays to its end.
          for (const handle of handles.values()) feed?.push(handle, null);
          handles.clear();
          post({ t: 'close', id: mine, code: event.code || 1006, reason: event.reason || '' });
        };
        break;
      }
      case 'send':
        // Before the session is ready only the session's own configuration is sent: it bypasses held audio.
        if (m.id === id && socket) queue?.isOpen ? queue.send(m.data) : transmit(m.data);
        break;
      case 'close':
        if (m.id === id) shut();
        break;
      case 'audio':
        if (m.open) queue?.open();
        else queue?.pause();
        break;
      case 'clear':
        queue?.clearAudio();
        break;
      case 'discard':
        queue?.discard();
        break;
      case 'capture':
        if (capture) capture.onmessage = null;
        capture = m.port;
        spare = [];
        capture.onmessage = onFrame;
        break;
      case 'playback': {
        if (playback) playback.onmessage = null;
        const port = (playback = m.port);
        port.onmessage = onPlayback;
        // A new worklet starts with an empty ring.
        feed = new Feed(m.capacity, (message: PlaybackInMessage, transfer?: Transferable[]) => port.postMessage(message, transfer ?? []));
        handles.clear();
        break;
      }
      case 'drop':
        refuse(m.id);
        break;
    }
  };
  post({ t: 'ready' });
}

/** The JavaScript text of the worker, built from the functions' own (type-checked, tested) source. */
export function socketWorkerSource(): string {
  // esbuild's keepNames (tsx, some dev servers) wraps classes in __name(): give it a no-op.
  return `const __name=(f)=>f;(${socketWorkerMain})(self,${SendQueue},${FeedQueue},${encodeBase64Portable},${decodeBase64Portable});\n`;
}

let blobUrl: string | undefined;

/** Creates the Worker; throws when the page cannot run one (no Worker, a CSP without `blob:` in worker-src). */
export type CreateSocketWorker = () => Worker;

/** The worker from a self-hosted copy of `dist/realtime-voice.worker.js`, for a CSP without `blob:`. */
export const socketWorkerAt =
  (url: string | URL): CreateSocketWorker =>
  () =>
    new Worker(url, { name: 'realtime-voice socket' });

const defaultCreate: CreateSocketWorker = () => socketWorkerAt((blobUrl ??= URL.createObjectURL(new Blob([socketWorkerSource()], { type: 'text/javascript' }))))();

export interface SocketWorkerOptions {
  /** Frames of microphone audio held before ready or while congested. */
  capacityFrames: number;
  highWaterMark?: number;
  onDropped(frames: number, reason: AudioDropReason): void;
  onResumed(): void;
  /** The worker died after it started (the current socket is reported closed with 1006). */
  onCrash(): void;
}

/** Where captured frames go: something that can hand its worklet a port (AudioCapture). */
export interface CaptureRoute {
  /** Sends the frames and levels to the port each call of `sink` returns (one per worklet), or back to the main thread with null. */
  route(sink: (() => MessagePort) | null): void;
  /** A microphone level (RMS) the worker passed on. */
  level(rms: number): void;
}

/** Where the playback worklet reports: something that can hand its worklet a port (AudioPlayback). */
export interface PlaybackRoute {
  /** Lets the worker feed the worklet through the port each call of `sink` returns (given the ring's capacity), or the main thread again with null. */
  route(sink: ((capacity: number) => MessagePort) | null): void;
  /** One report of the worklet, passed on by the worker. */
  receive(message: PlaybackOutMessage): void;
}

/** The main thread's side of the worker: one per client, reused across reconnects. */
export class SocketWorker {
  #worker: Worker;
  #o: SocketWorkerOptions;
  #id = 0;
  #current: { id: number; handlers: TransportHandlers; open: boolean } | null = null;
  /** Who takes the worklets' news (set by the client). */
  capture: CaptureRoute | null = null;
  playback: PlaybackRoute | null = null;

  private constructor(worker: Worker, options: SocketWorkerOptions) {
    this.#worker = worker;
    this.#o = options;
    worker.onmessage = (e: MessageEvent<FromSocketWorker>) => this.#receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault(); // reported below as a lost connection, not as an uncaught page error
      const current = this.#current;
      this.terminate();
      current?.handlers.close(1006, 'the socket worker stopped');
      this.#o.onCrash();
    };
    this.#post({ t: 'init', capacityFrames: options.capacityFrames, highWaterMark: options.highWaterMark });
  }

  /**
   * Starts a worker and resolves once it runs, or with null when the page cannot run it (then the
   * socket stays on the main thread): no Worker, a Content-Security-Policy that refuses it.
   */
  static start(options: SocketWorkerOptions, create: CreateSocketWorker = defaultCreate, timeoutMs = 3000): Promise<SocketWorker | null> {
    let worker: Worker;
    try {
      worker = create();
    } catch {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        worker.onmessage = worker.onerror = null;
        if (!ok) worker.terminate();
        resolve(ok ? new SocketWorker(worker, options) : null);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      worker.onmessage = (e: MessageEvent<FromSocketWorker>) => done(e.data?.t === 'ready');
      worker.onerror = (e) => {
        e.preventDefault?.();
        done(false);
      };
    });
  }

  /** Opens a socket in the worker: the same contract as `webSocketTransport`. */
  open(url: string, protocols: string[], handlers: TransportHandlers): Transport {
    // What `new WebSocket` would refuse synchronously on the main thread.
    if (!/^wss?:$/.test(new URL(url).protocol)) throw new SyntaxError(`The URL's scheme must be ws or wss: ${url}`);
    const current = { id: ++this.#id, handlers, open: false };
    this.#current = current;
    this.#post({ t: 'open', id: current.id, url, protocols });
    return {
      bufferedAmount: 0,
      send: (data) => {
        if (this.#current !== current || !current.open) throw new Error('The socket is not open.');
        this.#post({ t: 'send', id: current.id, data });
      },
      close: () => {
        if (this.#current === current) this.#current = null;
        this.#post({ t: 'close', id: current.id });
      },
    };
  }

  /** A new channel for a capture (or playback) worklet: the worker reads what it posts, the worklet gets the returned port. */
  port(kind: 'capture'): MessagePort;
  port(kind: 'playback', capacity: number): MessagePort;
  port(kind: 'capture' | 'playback', capacity = 0): MessagePort {
    const channel = new MessageChannel();
    const message: ToSocketWorker = kind === 'capture' ? { t: kind, port: channel.port2 } : { t: kind, port: channel.port2, capacity };
    this.#worker.postMessage(message, [channel.port2]);
    return channel.port1;
  }

  /** The audio of this item or response must not play (it was cancelled or truncated). */
  drop(id: string): void {
    this.#post({ t: 'drop', id });
  }

  /** Mirrors the client's send queue: audio flows once ready, is held otherwise. */
  audio(open: boolean): void {
    this.#post({ t: 'audio', open });
  }

  clearAudio(): void {
    this.#post({ t: 'clear' });
  }

  discardAudio(): void {
    this.#post({ t: 'discard' });
  }

  terminate(): void {
    this.#current = null;
    this.#worker.onmessage = this.#worker.onerror = null;
    this.#worker.terminate();
  }

  #post(message: ToSocketWorker): void {
    this.#worker.postMessage(message);
  }

  #receive(m: FromSocketWorker): void {
    if (m.t === 'dropped') return this.#o.onDropped(m.frames, m.reason);
    if (m.t === 'resumed') return this.#o.onResumed();
    if (m.t === 'ready') return;
    // What the worklets reported happened before the message it rides on.
    if (m.input !== undefined) this.capture?.level(m.input);
    if (m.playback) for (const report of m.playback) this.playback?.receive(report);
    const current = this.#current;
    if (m.t === 'news' || !current || m.id !== current.id) return;
    if (m.t === 'open') {
      current.open = true;
      current.handlers.open();
    } else if (m.t === 'message') current.handlers.message(m.data, m.fed);
    else {
      this.#current = null;
      current.handlers.close(m.code, m.reason);
    }
  }
}
