// RealtimeClient: one realtime conversation over WebSocket or WebRTC (a swappable Transport). It fetches tokens, connects in the safe
// order, queues what is sent before the session is configured, keeps one response at a time, runs
// tools, keeps the conversation text, and reconnects (re-seeding the text history) when the socket
// drops or the 60-minute session ends. No DOM element, no Lit: any page can use it alone.
import {
  base64ToPcm16,
  conversationItemCreate,
  isOutOfBand,
  conversationItemTruncate,
  functionCallOutput,
  inputAudioBufferAppend,
  inputAudioBufferClear,
  inputAudioBufferCommit,
  outputAudioBufferClear,
  parseServerEvent,
  pcm16ToBase64,
  responseCancel,
  responseCreate,
  sessionUpdate,
  transcriptionSessionUpdate,
  userText,
  type ClientEvent,
  type RealtimeResponse,
  type RealtimeSessionConfig,
  type ResponseCreateParams,
  type ResponseUsage,
  type ServerEvent,
  type ServerSession,
  type Tool,
  type TranscriptionConfig,
  type TranscriptionSessionConfig,
} from '../protocol/index.js';
import { cloneJson, handshakePatch, mergeLayer, mergeTools, validate, wirePatch, type SessionLayer } from './session-layer.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { Conversation, type ConversationOptions } from './conversation.js';
import { Emitter } from './emitter.js';
import { ResponseSequencer } from './responses.js';
import { SendQueue, type AudioDropReason } from './send-queue.js';
import { fetchToken, normalizeToken, TokenCache, TokenError, type RealtimeToken, type TokenResponse } from './token.js';
import { ToolRunner, type RealtimeTool, type ToolCall, type ToolFailure } from './tools.js';
import type { Transport, TransportHandlers, TransportKind, TransportRefusal } from './transport.js';
import { webRtcTransport, type CreatePeerConnection } from './webrtc-transport.js';
import { socketProtocols, webSocketTransport, type CreateWebSocket } from './websocket-transport.js';
import { SocketWorker, socketWorkerAt, type CaptureRoute, type CreateSocketWorker, type FedAudio, type PlaybackRoute } from './socket-worker.js';

export type { CreateWebSocket, WebSocketLike } from './websocket-transport.js';
export type { CreatePeerConnection } from './webrtc-transport.js';
export type { TransportKind } from './transport.js';

/** The lifecycle of a client. `idle` until the first `connect()`. */
export type ClientState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

export interface RealtimeClientOptions {
  /** The site's token endpoint: POST `{}` answers `{ value, expires_at, url? }` or `{ client_secret: {...} }`. */
  tokenUrl?: string;
  /** Instead of `tokenUrl`: any function that returns the same shapes (or the secret as a string). */
  getToken?: (signal?: AbortSignal) => Promise<TokenResponse>;
  /** Realtime WebSocket URL (default `wss://api.openai.com/v1/realtime`); a token's `url` overrides it. WebRTC posts its offer to this URL + `/calls` (over http(s)). */
  url?: string;
  /**
   * `websocket` (default): events and PCM audio over one socket. `webrtc`: events over the `oai-events`
   * data channel, the microphone (`setInputTrack`) and the voice (`remote-stream`) as Opus media;
   * `appendAudio` is then ignored and the server truncates on barge-in by itself.
   */
  transport?: TransportKind;
  /** RTCPeerConnection factory for `transport: 'webrtc'` (default `new RTCPeerConnection()`). */
  createPeerConnection?: CreatePeerConnection;
  /** Model, sent as `?model=`. Omit when the token already binds one. */
  model?: string;
  /**
   * The page's part of the session: only these fields are sent (`type: "realtime"` is added), at
   * connect and after every reconnect; the session the site's server bound keeps everything else.
   * Nothing is sent when it is empty and the server's session suits the transport.
   */
  session?: Omit<RealtimeSessionConfig, 'type'>;
  /** Transcription-only mode: connects with `?intent=transcription` and sends these fields of the transcription session. */
  transcription?: Omit<TranscriptionSessionConfig, 'type'>;
  /**
   * Input transcription to turn on when the server's session has none and the page names none (a
   * transcript needs it). Default: none, the server's session decides.
   */
  transcriptionFallback?: TranscriptionConfig;
  /** WebSocket factory (default `(url, protocols) => new WebSocket(url, protocols)`). Given one, the socket stays on the main thread. */
  createWebSocket?: CreateWebSocket;
  /**
   * WebSocket transport: run the socket and the microphone's encoding in a Worker, so that no audio
   * frame costs the page's main thread (default true: built from the bundle, loaded from a `blob:`
   * URL). A string is the URL of the self-hosted `dist/realtime-voice.worker.js`, for a CSP without
   * `blob:`. Without Worker support, or when the page's CSP refuses the worker, the socket stays on
   * the main thread.
   */
  socketWorker?: boolean | string | CreateSocketWorker;
  /** fetch used for `tokenUrl` (default: the global fetch). */
  fetch?: typeof fetch;
  /** Time and timers (default: the system clock). */
  clock?: Clock;
  /** Tools registered from the start. */
  tools?: RealtimeTool[];
  /** Default time a tool may take before the model is told it timed out (default 15000 ms). */
  toolTimeoutMs?: number;
  /** Reconnect policy after a drop, or false to close instead (default 5 attempts, 500 ms to 15 s). */
  reconnect?: BackoffOptions | false;
  /** Reconnect with a fresh session when the server ends one with `session_expired` (default true). */
  rollover?: boolean;
  /** Milliseconds of microphone audio kept while not ready, sent once ready (default 3000). */
  preConnectBufferMs?: number;
  /** Socket bytes in flight above which audio is held (then dropped, oldest first, and reported). Default 256 KiB. */
  highWaterMark?: number;
  /** Accept a standard `sk-` key from the token source. It would be visible to every visitor. */
  allowStandardKey?: boolean;
  /** Token request timeout (default 10000 ms). */
  tokenTimeoutMs?: number;
  /** Time from socket creation to a configured session before the attempt counts as failed (default 15000 ms). */
  connectTimeoutMs?: number;
  /** Budget of the text history replayed into a new session (default 100 items, 24000 characters). */
  history?: { maxItems?: number; maxChars?: number };
  /** Options of the conversation state (item cap). */
  conversation?: ConversationOptions;
}

/** A failure the client reports: `fatal` ones close it. */
export interface ClientErrorDetail {
  code: string;
  message: string;
  fatal: boolean;
  /** The server's error payload, when the server sent it. */
  server?: { type?: string; code?: string | null; param?: string | null; event_id?: string | null };
}

/** Error thrown by `connect()` when the client closes before it is ready. */
export class RealtimeClientError extends Error {
  override readonly name = 'RealtimeClientError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Events of `RealtimeClient.on`, with their detail types. */
export interface RealtimeClientEventMap {
  /** The state changed; `reason` says why (e.g. `connection_lost`, `session_expired`, `client`, `authentication`). */
  state: { state: ClientState; reason: string; message?: string; attempt?: number };
  /** The effective session the server reported (`session.created`, then each `session.updated`). */
  session: { session: ServerSession; phase: 'created' | 'updated' };
  /** Every event the server sent that parsed (known or of an unknown type), as sent, before the client acts on it. */
  'server-event': ServerEvent | { type: string; [key: string]: unknown };
  /** Every event the client put on the wire. */
  'client-event': ClientEvent;
  error: ClientErrorDetail;
  /** Assistant audio, decoded to PCM16 (24 kHz mono by default). Deltas of truncated or cancelled items are not emitted. */
  audio: { itemId: string; contentIndex: number; responseId: string; pcm: Int16Array };
  'speech-started': { itemId: string; audioStartMs: number };
  'speech-stopped': { itemId: string; audioEndMs: number };
  response: { phase: 'created' | 'done'; response: RealtimeResponse };
  /** A call of a tool without a handler: answer with `respond(result)` (a string, or anything JSON). */
  'tool-call': ToolCall & { respond(result: unknown): void };
  /** Timings in ms and usage: `tokenMs`/`connectMs` when ready, `firstAudioMs` at a reply's first audio, `usage` at its end. */
  metrics: { tokenMs?: number; connectMs?: number; firstAudioMs?: number; usage?: ResponseUsage; responseId?: string };
  /** WebRTC: the assistant's voice, to play (an `<audio>` element) and meter. Once per connection. */
  'remote-stream': { stream: MediaStream };
  /** WebRTC: the server's output audio buffer started playing a response, or stopped (drained) or was cleared. */
  'output-audio': { playing: boolean; responseId: string };
  /** Microphone audio lost because too much waited before ready, or the socket was congested. */
  'audio-dropped': { frames: number; reason: AudioDropReason };
  /** Assistant audio the socket worker decoded and queued into the playback worklet itself (`routePlayback`): `handle` names the item there. */
  'audio-fed': { itemId: string; contentIndex: number; responseId: string; handle: number; samples: number };
  /** Microphone audio flows again after frames were dropped. */
  'audio-resumed': Record<string, never>;
  /** A tool handler threw, or a call was not answered in time; the model got an `{"error": ...}` output and the session goes on. */
  'tool-failed': ToolFailure;
}

type Phase = 'none' | 'token' | 'open' | 'created' | 'updated' | 'ready';

const DEFAULT_URL = 'wss://api.openai.com/v1/realtime';
const SAMPLE_RATE = 24_000;
/** Server errors after which reconnecting cannot help. */
const FATAL_TYPES = new Set(['authentication_error', 'permission_error']);
const FATAL_CODES = new Set(['invalid_api_key', 'invalid_client_secret', 'beta_api_shape_disabled', 'insufficient_quota', 'model_not_found', 'invalid_model', 'missing_model']);
/** Codes of a refused model (live: an `error`, then close 4000; protocol.md, 2026-12-01 update): what the page author can change. */
const MODEL_CODES = ['invalid_model', 'missing_model', 'model_not_found'];
const MODEL_HINT = ' Set the model attribute (e.g. gpt-realtime), or bind a model in the session your token endpoint mints.';
/** Close codes after which the server will refuse the same request again: 3000 after a bad key, 4000 after a refused request. */
const AUTH_CLOSE = 3000;
const REFUSED_CLOSE = 4000;
/** Token failures worth retrying (the endpoint may come back). */
const RETRYABLE_TOKEN = new Set(['token_network', 'token_timeout']);
/** Audio of this many recently cancelled items/responses is dropped on arrival. */
const CANCELLED_KEPT = 32;

/**
 * A realtime voice conversation over WebSocket (OpenAI Realtime GA).
 *
 * ```ts
 * const client = new RealtimeClient({ tokenUrl: '/api/realtime-token', session: { instructions: 'Be brief.' } });
 * client.on('audio', ({ pcm }) => player.push(pcm));
 * await client.connect();
 * client.appendAudio(micFrame);
 * ```
 */
export class RealtimeClient {
  /** The conversation text, in server order. */
  readonly conversation: Conversation;
  readonly #emitter = new Emitter<RealtimeClientEventMap>();
  readonly #o: RealtimeClientOptions;
  readonly #clock: Clock;
  readonly #tokens: TokenCache;
  readonly #queue: SendQueue<ClientEvent>;
  readonly #responses: ResponseSequencer<ResponseCreateParams>;
  readonly #tools: ToolRunner;
  readonly #backoff: Backoff | undefined;
  #session: Omit<RealtimeSessionConfig, 'type'>;
  /** The tools of the server's session before the page's were added (this connection's session.created). */
  #boundTools: Tool[] = [];
  /** The server's error before the session was ready, for the close that follows it. */
  #refusal: { code: string; message: string } | undefined;
  #state: ClientState = 'idle';
  #reason = 'not_connected';
  #lastAttempt: number | undefined;
  #phase: Phase = 'none';
  #transport: Transport | undefined;
  #inputTrack: MediaStreamTrack | null = null;
  #generation = 0;
  #abort: AbortController | undefined;
  #timer: unknown;
  #connectWaiters: { resolve(): void; reject(e: RealtimeClientError): void }[] = [];
  #everReady = false;
  #rollingOver = false;
  #eventSeq = 0;
  #sessionUpdateId: string | undefined;
  #serverSession: ServerSession | undefined;
  #audioProduced = false;
  #cancelledItems: string[] = [];
  #cancelledResponses: string[] = [];
  #tokenMs = 0;
  #socketAt = 0;
  #turnEndAt: number | undefined;
  #firstAudioSeen = new Set<string>();
  #stopWaitingOnline: () => void = () => undefined;
  #worker: Promise<SocketWorker | null> | undefined;
  #live: SocketWorker | null = null; // the started worker, for calls that must keep their order with sends
  #capture: CaptureRoute | null = null;
  #playback: PlaybackRoute | null = null;
  #fed: FedAudio | undefined; // what the socket worker did with the audio of the frame being handled

  constructor(options: RealtimeClientOptions) {
    if (!options.tokenUrl && !options.getToken) throw new TypeError('RealtimeClient needs tokenUrl or getToken.');
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#session = cloneJson(options.session ?? {});
    this.conversation = new Conversation({ now: () => this.#clock.now(), ...options.conversation });
    this.#tokens = new TokenCache(() => this.#fetchToken(), { clock: this.#clock });
    this.#backoff = options.reconnect === false ? undefined : new Backoff(options.reconnect ?? {});
    this.#queue = new SendQueue<ClientEvent>({
      transmit: (event) => this.#transmit(event),
      bufferedAmount: () => this.#transport?.bufferedAmount ?? 0,
      audioEvent: (pcm) => inputAudioBufferAppend(pcm16ToBase64(pcm)),
      onAudioDropped: (frames, reason) => this.#emitter.emit('audio-dropped', { frames, reason }),
      capacityFrames: Math.round(((options.preConnectBufferMs ?? 3000) * SAMPLE_RATE) / 1000),
      highWaterMark: options.highWaterMark,
    });
    this.#responses = new ResponseSequencer<ResponseCreateParams>((params) => {
      const eventId = this.#nextEventId();
      if (params?.conversation !== 'none') this.#turnEndAt ??= this.#clock.now();
      this.#queue.send(responseCreate(params, { eventId }));
      return eventId;
    });
    this.#tools = new ToolRunner({
      clock: this.#clock,
      defaultTimeoutMs: options.toolTimeoutMs,
      sendOutput: (callId, output) => this.#queue.send(conversationItemCreate(functionCallOutput(callId, output))),
      requestResponse: () => this.#responses.request(),
      unhandled: (call, respond) => {
        if (!this.#emitter.has('tool-call')) return false;
        this.#emitter.emit('tool-call', { ...call, respond });
        return true;
      },
      failed: (failure) => this.#emitter.emit('tool-failed', failure),
    });
    for (const tool of options.tools ?? []) this.#tools.register(tool);
  }

  /** How this client connects (`websocket` unless the `transport` option says `webrtc`). */
  get transport(): TransportKind {
    return this.#o.transport ?? 'websocket';
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state;
  }

  /** Why the client is in its current state (a code such as `connected`, `connection_lost`, `session_expired`). */
  get stateReason(): string {
    return this.#reason;
  }

  /** The effective session configuration the server last reported (session.created / session.updated). */
  get serverSession(): ServerSession | undefined {
    return this.#serverSession;
  }

  /** Listens to an event; returns a function that removes the listener. */
  on<K extends keyof RealtimeClientEventMap>(type: K, listener: (detail: RealtimeClientEventMap[K]) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof RealtimeClientEventMap>(type: K, listener: (detail: RealtimeClientEventMap[K]) => void): void {
    this.#emitter.off(type, listener);
  }

  /** Fetches a token ahead of `connect()` (call it on hover or focus). Never rejects. */
  prefetchToken(): Promise<void> {
    return this.#tokens.prefetch();
  }

  /**
   * Connects and resolves once the session is configured (`ready`). Rejects with a
   * `RealtimeClientError` if the client closes first (token failure, refused, attempts spent,
   * `disconnect()`). Calling it while connecting joins that attempt; while ready, resolves at once.
   */
  connect(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === 'idle' || this.#state === 'closed') {
      this.#backoff?.reset();
      this.#everReady = false;
      if (this.conversation.size > 0) this.#newSession(); // a later connect continues the conversation
      void this.#attempt('connecting', 'connect');
    }
    return waiting;
  }

  /** Closes the connection for good (until the next `connect()`); the conversation text stays. */
  disconnect(): void {
    this.#close('client', 'Disconnected by the client.');
  }

  /**
   * Sends microphone audio (PCM16 mono at 24 kHz). Before `ready` the newest few seconds are kept
   * and sent once ready; on a congested socket audio may be dropped (reported by `audio-dropped`).
   * Ignored once closed.
   */
  appendAudio(pcm: Int16Array): void {
    if (this.#state === 'closed' || this.#webrtc) return; // over WebRTC the microphone travels as media
    this.#queue.sendAudio(pcm);
  }

  /**
   * Lets the client take the microphone's frames straight from the capture worklet (`AudioCapture`)
   * into its socket worker, off the main thread, whenever it has one; null gives them back to
   * `onFrame`/`appendAudio`. Same buffering and congestion rules as `appendAudio`.
   */
  routeCapture(capture: CaptureRoute | null): void {
    if (this.#capture === capture) return;
    this.#capture?.route(null);
    this.#capture = capture;
    if (this.#live) this.#routeCaptureTo(this.#live);
  }

  /**
   * Lets the playback worklet (`AudioPlayback`) report through the socket worker, whose messages carry
   * those reports along with the server's: fewer tasks on the main thread. null: straight again.
   */
  routePlayback(playback: PlaybackRoute | null): void {
    if (this.#playback === playback) return;
    this.#playback?.route(null);
    this.#playback = playback;
    if (this.#live) this.#routePlaybackTo(this.#live);
  }

  /**
   * WebRTC: the microphone track to send (same constraints as the capture: echo cancellation,
   * noise suppression...), or null. It goes out once the session is ready, and again after each
   * reconnect; disabling the track (`track.enabled = false`) mutes. Ignored over WebSocket.
   */
  setInputTrack(track: MediaStreamTrack | null): void {
    this.#inputTrack = track;
    if (this.#phase === 'ready') this.#transport?.setInputTrack?.(track);
  }

  /**
   * WebRTC: stops the assistant's voice now (`output_audio_buffer.clear`); the server truncates the
   * item to what was played. Call `cancelResponse()` first if a response may still be running.
   * Over WebSocket it does nothing: stop playback and `truncate()` instead.
   */
  clearOutputAudio(): void {
    if (this.#webrtc && this.#state === 'ready') this.#queue.send(outputAudioBufferClear());
  }

  /** Commits the input audio as a user turn (push-to-talk, or VAD off). */
  commitAudio(): void {
    this.#queue.send(inputAudioBufferCommit());
  }

  /** Drops uncommitted input audio, held or on the server. */
  clearAudio(): void {
    this.#queue.clearAudio();
    this.#live?.clearAudio();
    this.#queue.send(inputAudioBufferClear());
  }

  /** Adds a user text message and asks for a response (after the active one, if any). */
  sendText(text: string): void {
    this.#queue.send(conversationItemCreate(userText(text)));
    this.#responses.request();
  }

  /**
   * Asks for a response. At most one default-conversation response runs at a time: a request made
   * while one is active waits for its end. `{ conversation: 'none' }` (out-of-band) goes at once.
   */
  createResponse(params?: ResponseCreateParams): void {
    this.#responses.request(params);
  }

  /** Cancels the active response, drops waiting requests, and stops its audio. Does nothing if none runs. */
  cancelResponse(): void {
    const target = this.#responses.cancel();
    if (!target) return;
    if (target.responseId) {
      remember(this.#cancelledResponses, target.responseId);
      this.#live?.drop(target.responseId);
    }
    this.#queue.send(responseCancel(target.responseId));
  }

  /**
   * Tells the server the user heard only `audioEndMs` of an assistant item (barge-in). Later audio
   * of that item is dropped. `audioEndMs` is clamped to the audio received for it.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    if (this.#webrtc) return; // the server knows what was played and truncates by itself
    remember(this.#cancelledItems, itemId);
    this.#live?.drop(itemId);
    const item = this.conversation.get(itemId);
    const received = item?.content[contentIndex]?.audioMs;
    const ms = Math.max(0, Math.floor(received === undefined ? audioEndMs : Math.min(audioEndMs, received)));
    this.conversation.truncate(itemId, contentIndex, ms);
    // Items of an earlier connection exist now only as replayed text: there is no audio to cut.
    if (item && item.session === this.conversation.session) this.#queue.send(conversationItemTruncate(itemId, contentIndex, ms));
  }

  /**
   * Changes the session live (instructions, voice, turn detection, transcription, tools...). Kept
   * for later reconnects. The voice is locked once the model has spoken: then a new voice waits for
   * the next session and an `error` with code `voice_locked` says so. Throws a TypeError for a
   * patch GA would refuse.
   */
  updateSession(patch: Omit<RealtimeSessionConfig, 'type'>): void {
    const send = cloneJson(patch);
    const voice = patch.audio?.output?.voice;
    if (voice !== undefined && this.#audioProduced && JSON.stringify(voice) !== JSON.stringify(this.#serverSession?.audio?.output?.voice)) {
      delete send.audio!.output!.voice;
      if (Object.keys(send.audio!.output!).length === 0) delete send.audio!.output;
      if (Object.keys(send.audio!).length === 0) delete send.audio;
      this.#emitter.emit('error', {
        code: 'voice_locked',
        message: 'The voice cannot change after the model has spoken in this session; it applies from the next session.',
        fatal: false,
      });
    }
    if (send.tools !== undefined) send.tools = this.#pageTools(send.tools);
    validate(sessionUpdate(send));
    this.#session = mergeLayer(this.#session, cloneJson(patch));
    if (this.#transcriptionMode) return;
    // The server's tools stay: an array replaces the whole list on the server.
    if (send.tools !== undefined) send.tools = mergeTools(this.#boundTools, send.tools);
    // Once the handshake's session.update is out, a change must follow it (queued until ready).
    if (Object.keys(send).length > 0 && (this.#phase === 'ready' || this.#phase === 'updated')) {
      this.#queue.send(sessionUpdate(this.#wire(send) as Omit<RealtimeSessionConfig, 'type'>));
    }
  }

  /**
   * The page's part of the session: every field it set, with `updateSession` patches merged in. Setting it
   * replaces what is sent at the next connect or reconnect (a field left out is the session's again); it
   * sends nothing now.
   */
  get sessionLayer(): Omit<RealtimeSessionConfig, 'type'> {
    return cloneJson(this.#session);
  }

  set sessionLayer(layer: Omit<RealtimeSessionConfig, 'type'>) {
    this.#session = cloneJson(layer);
  }

  /** Adds (or replaces) a tool; when ready the session's tool list is updated at once. */
  registerTool(tool: RealtimeTool): void {
    this.#tools.register(tool);
    this.#sendTools();
  }

  /** Removes a tool by name; returns whether it existed. */
  unregisterTool(name: string): boolean {
    const existed = this.#tools.unregister(name);
    if (existed) this.#sendTools();
    return existed;
  }

  // ---- connection ---------------------------------------------------------------------------

  get #webrtc(): boolean {
    return this.#o.transport === 'webrtc';
  }

  get #transcriptionMode(): boolean {
    return this.#o.transcription !== undefined;
  }

  async #fetchToken(): Promise<RealtimeToken> {
    const clock = this.#clock;
    if (this.#o.getToken) {
      let body: TokenResponse;
      try {
        body = await this.#o.getToken(this.#abort?.signal);
      } catch (error) {
        if (error instanceof TokenError) throw error;
        throw new TokenError('token_network', `getToken failed: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
      }
      return normalizeToken(body, { now: clock.now(), allowStandardKey: this.#o.allowStandardKey });
    }
    return fetchToken(this.#o.tokenUrl!, {
      fetch: this.#o.fetch,
      clock,
      timeoutMs: this.#o.tokenTimeoutMs,
      allowStandardKey: this.#o.allowStandardKey,
    });
  }

  async #attempt(state: 'connecting' | 'reconnecting', reason: string): Promise<void> {
    const generation = ++this.#generation;
    this.#abort = new AbortController();
    this.#setState(state, reason, undefined, this.#backoff?.attempts || undefined);
    this.#phase = 'token';
    const started = this.#clock.now();
    const worker = this.#startWorker();
    let token: RealtimeToken;
    try {
      // A first connect may use the prefetched token; after a drop always a fresh one.
      token = await this.#tokens.get({ fresh: this.#everReady, signal: this.#abort.signal });
    } catch (error) {
      if (generation !== this.#generation) return;
      const e = error instanceof TokenError ? error : new TokenError('token_network', String(error));
      this.#failAttempt(e.code, e.message, RETRYABLE_TOKEN.has(e.code) || (e.code === 'token_http_error' && (e.status ?? 0) >= 500));
      return;
    }
    if (generation !== this.#generation) return;
    this.#tokenMs = this.#clock.now() - started;
    const socketWorker = await worker;
    if (generation !== this.#generation) return;
    this.#open(token, generation, socketWorker);
  }

  /** The socket worker, started once per client (its start overlaps the token fetch); null keeps the socket on the main thread. */
  #startWorker(): Promise<SocketWorker | null> {
    const use = this.#o.socketWorker ?? true;
    if (this.#worker) return this.#worker;
    if (this.#webrtc || !use || this.#o.createWebSocket || typeof Worker === 'undefined') return Promise.resolve(null);
    const worker = SocketWorker.start(
      {
        capacityFrames: this.#queue.capacityFrames,
        highWaterMark: this.#o.highWaterMark,
        onDropped: (frames, reason) => this.#emitter.emit('audio-dropped', { frames, reason }),
        onResumed: () => this.#emitter.emit('audio-resumed', {}),
        // A crashed worker is replaced at the next attempt (its socket was reported lost).
        onCrash: () => {
          if (this.#worker === worker) this.#stopWorker();
        },
      },
      typeof use === 'function' ? use : typeof use === 'string' ? socketWorkerAt(use) : undefined,
    );
    this.#worker = worker;
    void worker.then((w) => {
      if (this.#worker !== worker) return w?.terminate();
      this.#live = w;
      if (!w) return;
      this.#routeCaptureTo(w);
      this.#routePlaybackTo(w);
    });
    return worker;
  }

  // Each route gets its own port, so re-routing one leaves the other (and the worker's feed) as it is.
  #routeCaptureTo(worker: SocketWorker): void {
    worker.capture = this.#capture;
    this.#capture?.route(() => worker.port('capture'));
  }

  #routePlaybackTo(worker: SocketWorker): void {
    worker.playback = this.#playback;
    this.#playback?.route((capacity) => worker.port('playback', capacity));
  }

  /** Frames and playback reports go straight to the main thread again (the worker is gone). */
  #unroute(): void {
    this.#capture?.route(null);
    this.#playback?.route(null);
  }

  #open(token: RealtimeToken, generation: number, worker: SocketWorker | null = null): void {
    const url = this.#realtimeUrl(token.url ?? this.#o.url ?? DEFAULT_URL);
    // Nothing may escape a transport handler: every one is guarded, and stale transports are ignored.
    let transport: Transport | undefined;
    const guard = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
      if (!transport || this.#transport !== transport) return;
      try {
        fn(...args);
      } catch (error) {
        this.#emitter.emit('error', { code: 'internal_error', message: `realtime-voice client bug: ${error instanceof Error ? error.message : String(error)}`, fatal: false });
      }
    };
    const handlers: TransportHandlers = {
      open: guard(() => {
        this.#phase = 'created';
      }),
      message: guard((data: unknown, fed?: FedAudio) => {
        this.#fed = fed;
        try {
          this.#receive(data);
        } finally {
          this.#fed = undefined;
        }
      }),
      close: guard((code: number, reason: string, refusal?: TransportRefusal) => this.#socketClosed(code, reason, refusal)),
      remoteStream: guard((stream: MediaStream) => this.#emitter.emit('remote-stream', { stream })),
    };
    try {
      transport = this.#webrtc
        ? webRtcTransport(url, token.value, handlers, { createPeerConnection: this.#o.createPeerConnection, fetch: this.#o.fetch, clock: this.#clock })
        : worker
          ? worker.open(url, socketProtocols(token.value), handlers)
          : webSocketTransport(url, token.value, handlers, this.#o.createWebSocket);
    } catch (error) {
      this.#failAttempt('connect_failed', `The ${this.transport} connection could not be created: ${error instanceof Error ? error.message : String(error)}`, false);
      return;
    }
    this.#transport = transport;
    this.#socketAt = this.#clock.now();
    this.#phase = 'open';
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      if (generation === this.#generation && this.#phase !== 'ready') {
        this.#failAttempt('connect_timeout', `The session was not ready within ${this.#o.connectTimeoutMs ?? 15_000} ms.`, true);
      }
    }, this.#o.connectTimeoutMs ?? 15_000);
  }

  #realtimeUrl(base: string): string {
    const query = this.#transcriptionMode ? 'intent=transcription' : this.#o.model ? 'model=' + encodeURIComponent(this.#o.model) : '';
    if (!query) return base;
    return base + (base.includes('?') ? '&' : '?') + query;
  }

  #receive(data: unknown): void {
    const result = parseServerEvent(data);
    if (!result.ok) {
      this.#emitter.emit('error', { code: 'malformed_event', message: `A server frame was ignored: ${result.error.message}`, fatal: false });
      return;
    }
    // As sent: an item or part of a type we do not know stays in what the page sees.
    this.#emitter.emit('server-event', result.known ? result.raw : result.event);
    if (result.known) this.#handle(result.event);
    else if (result.event.type === 'transcription_session.updated') this.#sessionUpdated();
  }

  #handle(event: ServerEvent): void {
    this.conversation.apply(event);
    switch (event.type) {
      case 'session.created':
        this.#serverSession = event.session;
        this.#emitter.emit('session', { session: event.session, phase: 'created' });
        if (this.#phase === 'created' || this.#phase === 'open') {
          this.#boundTools = (event.session.tools ?? []) as Tool[];
          this.#sendSessionConfig();
        }
        break;
      case 'session.updated':
        this.#serverSession = event.session;
        this.#emitter.emit('session', { session: event.session, phase: 'updated' });
        this.#sessionUpdated();
        break;
      case 'error':
        this.#serverError(event.error);
        break;
      case 'response.created':
        // The conversation (applied above) remembers it; the socket worker, which refuses its audio by itself, is told too.
        if (isOutOfBand(event.response)) this.#live?.drop(event.response.id);
        this.#responses.created(event.response);
        this.#emitter.emit('response', { phase: 'created', response: event.response });
        break;
      case 'response.output_item.done':
        if (event.item.type === 'function_call') this.#tools.callCompleted(event.item, event.response_id);
        break;
      case 'response.done': {
        const response = event.response;
        for (const item of response.output ?? []) if (item.type === 'function_call') this.#tools.callCompleted(item, response.id);
        this.#responses.done(response);
        this.#tools.responseDone(response.id);
        this.#emitter.emit('response', { phase: 'done', response });
        if (response.status === 'failed') this.#responseFailed(response);
        if (response.usage) this.#emitter.emit('metrics', { usage: response.usage, responseId: response.id });
        // Over WebRTC the voice may start after the model is done: the turn's end stays until output_audio_buffer.started.
        if (!isOutOfBand(response) && !(this.#webrtc && response.status === 'completed')) this.#turnEndAt = undefined;
        break;
      }
      case 'response.output_audio.delta':
        this.#audioDelta(event);
        break;
      case 'input_audio_buffer.speech_started':
        this.#emitter.emit('speech-started', { itemId: event.item_id, audioStartMs: event.audio_start_ms });
        break;
      case 'input_audio_buffer.speech_stopped':
        this.#turnEndAt = this.#clock.now();
        this.#emitter.emit('speech-stopped', { itemId: event.item_id, audioEndMs: event.audio_end_ms });
        break;
      case 'output_audio_buffer.started':
        this.#audioProduced = true;
        this.#firstAudio(event.response_id);
        this.#emitter.emit('output-audio', { playing: true, responseId: event.response_id });
        break;
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        this.#emitter.emit('output-audio', { playing: false, responseId: event.response_id });
        break;
      default:
        break;
    }
  }

  /** A response the server could not finish (rate limit, server error): the page hears why, the session goes on. */
  #responseFailed(response: RealtimeResponse): void {
    const error = response.status_details?.error;
    const code = error?.code ?? error?.type ?? 'response_failed';
    const detail = (error as { message?: unknown } | null | undefined)?.message;
    const message = `The model could not answer (${code})${typeof detail === 'string' && detail ? `: ${detail}` : '.'}`;
    this.#emitter.emit('error', { code, message, fatal: false });
  }

  #audioDelta(event: Extract<ServerEvent, { type: 'response.output_audio.delta' }>): void {
    this.#audioProduced = true;
    if (this.#cancelledItems.includes(event.item_id) || this.#cancelledResponses.includes(event.response_id)) return;
    // Out-of-band answers are for the page (rv-server-event), not for the user's ears.
    if (this.conversation.isOutOfBand(event.response_id)) return;
    this.#firstAudio(event.response_id);
    const fed = this.#fed;
    if (fed) {
      // The socket worker queued it into the playback worklet already (or dropped it): only the bookkeeping is left.
      if ('handle' in fed) this.#emitter.emit('audio-fed', { itemId: event.item_id, contentIndex: event.content_index, responseId: event.response_id, ...fed });
      return;
    }
    if (!this.#emitter.has('audio')) return;
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(event.delta);
    } catch {
      this.#emitter.emit('error', { code: 'malformed_event', message: 'An audio delta was not valid base64; it was skipped.', fatal: false });
      return;
    }
    this.#emitter.emit('audio', { itemId: event.item_id, contentIndex: event.content_index, responseId: event.response_id, pcm });
  }

  /** `firstAudioMs`, once per response: from the end of the user's turn to its first audio (a delta, or WebRTC's output buffer starting). */
  #firstAudio(responseId: string): void {
    if (this.#firstAudioSeen.has(responseId)) return;
    this.#firstAudioSeen.add(responseId);
    if (this.#firstAudioSeen.size > CANCELLED_KEPT) this.#firstAudioSeen.delete(this.#firstAudioSeen.values().next().value!);
    if (this.#turnEndAt !== undefined) this.#emitter.emit('metrics', { firstAudioMs: this.#clock.now() - this.#turnEndAt, responseId });
    if (this.#webrtc) this.#turnEndAt = undefined;
  }

  /** The connection's first session.update: only what the page set (session-layer.ts); none at all when nothing is needed. */
  #sendSessionConfig(): void {
    this.#phase = 'updated';
    this.#sessionUpdateId = this.#nextEventId();
    const layer = this.#transcriptionMode ? cloneJson(this.#o.transcription!) : this.#session;
    const pageTools = this.#transcriptionMode ? [] : this.#pageTools(this.#session.tools ?? []);
    let patch: SessionLayer;
    try {
      // The page's own fields are checked strictly; what comes from the server's session is its own.
      validate(this.#transcriptionMode ? transcriptionSessionUpdate(layer) : sessionUpdate({ ...layer, tools: pageTools }));
      patch = handshakePatch(layer, {
        effective: this.#serverSession,
        transcriptionFallback: this.#o.transcriptionFallback,
        // Over WebRTC the audio is Opus media: no wire format to declare.
        pcm: !this.#webrtc,
        pageTools,
        serverTools: this.#boundTools,
      });
    } catch (error) {
      this.#close('invalid_session_config', (error as Error).message, true);
      return;
    }
    if (Object.keys(patch).length === 0) {
      this.#sessionUpdated(); // the server's session is the session: nothing to change
      return;
    }
    const options = { eventId: this.#sessionUpdateId };
    this.#transmit(this.#transcriptionMode ? transcriptionSessionUpdate(patch, options) : sessionUpdate(patch as Omit<RealtimeSessionConfig, 'type'>, options));
  }

  /** A live patch as sent: objects the server may replace whole are completed from its session. */
  #wire(patch: SessionLayer): SessionLayer {
    return wirePatch(patch, { effective: this.#serverSession, transcriptionFallback: this.#o.transcriptionFallback });
  }

  /** The page's tools: its session tools with the registered ones (a registered tool replaces a session tool of the same name). */
  #pageTools(tools: Tool[]): Tool[] {
    return mergeTools(tools, this.#tools.definitions());
  }

  #sendTools(): void {
    if (this.#transcriptionMode || (this.#phase !== 'ready' && this.#phase !== 'updated')) return;
    this.#queue.send(sessionUpdate({ tools: mergeTools(this.#boundTools, this.#pageTools(this.#session.tools ?? [])) }));
  }

  #sessionUpdated(): void {
    if (this.#phase !== 'updated') return;
    this.#phase = 'ready';
    this.#clock.clearTimeout(this.#timer);
    if (!this.#transcriptionMode && this.conversation.session > 0) this.#reseed();
    const reason = !this.#everReady ? 'connected' : this.#rollingOver ? 'rolled_over' : 'reconnected';
    this.#everReady = true;
    this.#rollingOver = false;
    this.#backoff?.reset();
    // The worker's held audio goes out first, ahead of the events queued here (as one queue would order them).
    this.#live?.audio(true);
    this.#queue.open();
    // WebRTC: the microphone goes out only now, like the WebSocket path's audio (nothing before the session is configured).
    if (this.#inputTrack) this.#transport?.setInputTrack?.(this.#inputTrack);
    this.#setState('ready', reason);
    this.#emitter.emit('metrics', { tokenMs: this.#tokenMs, connectMs: this.#clock.now() - this.#socketAt });
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Replays the conversation text into the new session, before anything else is sent. */
  #reseed(): void {
    const seeds = this.conversation.history({ ...this.#o.history, pendingCalls: this.#tools.unconfirmedCallIds });
    for (const seed of seeds) {
      const id = `rv_${this.conversation.session}_${(++this.#eventSeq).toString(36)}`;
      this.conversation.addSeed(id, seed.localId);
      this.#transmit(conversationItemCreate({ ...seed.item, id }));
    }
  }

  #serverError(error: { type?: string; code?: string | null; message: string; param?: string | null; event_id?: string | null }): void {
    const code = error.code ?? error.type ?? 'server_error';
    if (this.#responses.error(error.code, error.event_id)) return; // our request collided with a server-made response: retried
    // Only our own cancel causes it: the response ended before the cancel arrived, so nothing runs, as wanted.
    if (error.code === 'response_cancel_not_active') return;
    if (error.code === 'session_expired') {
      if (this.#o.rollover !== false && this.#backoff) {
        this.#rollingOver = true;
        this.#lost('session_expired', error.message, true);
      } else {
        this.#close('session_expired', error.message, true, error);
      }
      return;
    }
    if (FATAL_TYPES.has(error.type ?? '') || FATAL_CODES.has(error.code ?? '')) {
      const auth = FATAL_TYPES.has(error.type ?? '') || error.code === 'invalid_api_key';
      this.#close(auth ? 'authentication' : code, error.message + (MODEL_CODES.includes(code) ? MODEL_HINT : ''), true, error);
      return;
    }
    if (this.#phase !== 'ready') {
      // Live sends `event_id: null` in errors (protocol.md, 2026-12-01 update): before ready, a request error is our handshake's.
      const ours = error.event_id === this.#sessionUpdateId || (error.event_id == null && error.type === 'invalid_request_error');
      if (this.#phase === 'updated' && ours) {
        this.#close('session_config_rejected', `The server refused the session configuration: ${error.message}`, true, error);
        return;
      }
      // Anything else the server refuses before the session exists fails again on every attempt.
      if (error.type === 'invalid_request_error') {
        this.#close(code, error.message, true, error);
        return;
      }
      this.#refusal = { code, message: error.message };
    }
    this.#emitter.emit('error', { code, message: error.message, fatal: false, server: error });
  }

  #socketClosed(code: number, reason: string, refusal?: TransportRefusal): void {
    if (refusal) return this.#refused(refusal);
    const wasReady = this.#phase === 'ready';
    const detail = `The connection closed (code ${code}${reason ? ', ' + reason : ''}).`;
    const refused = this.#refusal;
    this.#refusal = undefined;
    // Before ready, 3000: the key was refused; 4000: the request was (model, shape). A new socket would be refused the same way.
    if (!wasReady && code === AUTH_CLOSE) return this.#close('authentication', refused?.message ?? `The server refused the key. ${detail}`, true);
    if (!wasReady && code === REFUSED_CLOSE) {
      const cause = refused?.code ?? (reason.split('.').pop() || 'session_refused');
      return this.#close(cause, (refused?.message ?? `The server refused the session. ${detail}`) + (MODEL_CODES.includes(cause) ? MODEL_HINT : ''), true);
    }
    this.#dropSocket();
    if (wasReady) {
      // Reported even when the reconnect repairs it, as each failed attempt is: pages log their drops.
      if (this.#backoff) this.#emitter.emit('error', { code: 'connection_lost', message: `${detail} Reconnecting.`, fatal: false });
      this.#lost('connection_lost', detail, false);
    } else this.#failAttempt('connect_failed', detail, true);
  }

  /** The server answered the WebRTC offer with an HTTP error: a refused key or project ends the client, a server fault is retried. */
  #refused({ status, message, type, code, param }: TransportRefusal): void {
    if (status === 401 || status === 403) {
      this.#close(status === 401 ? 'authentication' : (code ?? 'forbidden'), message, true, { type, code, param });
      return;
    }
    if (status === 400 && code) {
      this.#close(code, message + (MODEL_CODES.includes(code) ? MODEL_HINT : ''), true, { type, code, param });
      return;
    }
    this.#failAttempt('connect_failed', `HTTP ${status}: ${message}`, status >= 500 || status === 408 || status === 429);
  }

  /** A session that was ready is gone: start over with a fresh token and replay the text. */
  #lost(reason: string, message: string, immediate: boolean): void {
    this.#dropSocket(true);
    this.#newSession();
    if (!this.#backoff) {
      this.#close(reason, message, true);
      return;
    }
    if (immediate) {
      void this.#attempt('reconnecting', reason);
      return;
    }
    this.#retry(reason, message);
  }

  /** An attempt failed before the session was ready. */
  #failAttempt(code: string, message: string, retryable: boolean): void {
    this.#dropSocket(true);
    if (!retryable || !this.#backoff) {
      this.#close(code, message, true);
      return;
    }
    this.#emitter.emit('error', { code, message, fatal: false });
    this.#retry(code, message);
  }

  #retry(reason: string, message: string): void {
    // Offline, an attempt can only fail: wait for the network instead of spending the attempts.
    const offline = globalThis.navigator?.onLine === false && typeof globalThis.addEventListener === 'function';
    const delay = offline ? 0 : this.#backoff!.next();
    if (delay === null) {
      this.#close('reconnect_failed', `Gave up after ${this.#backoff!.maxAttempts} attempts: ${message}`, true);
      return;
    }
    const generation = ++this.#generation;
    this.#phase = 'none';
    this.#setState(this.#everReady ? 'reconnecting' : 'connecting', reason, message, this.#backoff!.attempts);
    this.#clock.clearTimeout(this.#timer);
    const attempt = () => {
      this.#stopWaitingOnline();
      this.#clock.clearTimeout(this.#timer);
      if (generation === this.#generation) void this.#attempt(this.#everReady ? 'reconnecting' : 'connecting', reason);
    };
    // Back online: try at once rather than at the end of the backoff.
    if (typeof globalThis.addEventListener === 'function') {
      globalThis.addEventListener('online', attempt);
      this.#stopWaitingOnline = () => globalThis.removeEventListener('online', attempt);
    }
    if (!offline) this.#timer = this.#clock.setTimeout(attempt, delay);
  }

  /** Everything a new server session needs: old state closed off, requests and tools carried over. */
  #newSession(): void {
    this.conversation.beginSession();
    this.#responses.reset();
    this.#tools.reset();
    this.#audioProduced = false;
    this.#cancelledResponses.length = 0;
  }

  #dropSocket(close = false): void {
    const transport = this.#transport;
    this.#transport = undefined;
    this.#refusal = undefined;
    this.#queue.pause();
    this.#live?.audio(false);
    this.#phase = 'none';
    this.#clock.clearTimeout(this.#timer);
    // A closed WebSocket needs nothing more, but a peer connection is released whoever ended it.
    if (transport && (close || this.#webrtc)) transport.close();
  }

  #close(reason: string, message: string, isError = false, server?: ClientErrorDetail['server']): void {
    if (this.#state === 'closed' && reason === 'client') return;
    this.#generation++;
    this.#stopWaitingOnline();
    this.#abort?.abort();
    this.#dropSocket(true);
    this.#queue.discard();
    this.#stopWorker();
    this.#responses.clear();
    this.#tools.dispose();
    this.#rollingOver = false;
    if (isError) this.#emitter.emit('error', { code: reason, message, fatal: true, server });
    this.#setState('closed', reason, message);
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const w of waiters) w.reject(new RealtimeClientError(reason, message));
  }

  #transmit(event: ClientEvent): void {
    const transport = this.#transport;
    if (!transport) return;
    try {
      transport.send(JSON.stringify(event));
    } catch (error) {
      this.#emitter.emit('error', { code: 'send_failed', message: `Sending failed: ${error instanceof Error ? error.message : String(error)}`, fatal: false });
      return;
    }
    if (this.#emitter.has('client-event')) this.#emitter.emit('client-event', event);
  }

  #setState(state: ClientState, reason: string, message?: string, attempt?: number): void {
    if (state === this.#state && reason === this.#reason && (attempt === undefined || attempt === this.#lastAttempt)) return;
    this.#lastAttempt = attempt;
    this.#state = state;
    this.#reason = reason;
    const detail: RealtimeClientEventMap['state'] = { state, reason };
    if (message !== undefined) detail.message = message;
    if (attempt !== undefined) detail.attempt = attempt;
    this.#emitter.emit('state', detail);
  }

  #stopWorker(): void {
    const live = this.#live;
    this.#worker = undefined;
    this.#live = null;
    if (!live) return;
    this.#unroute();
    live.terminate();
  }

  #nextEventId(): string {
    return `rv_evt_${(++this.#eventSeq).toString(36)}`;
  }
}

function remember(list: string[], id: string): void {
  if (!list.includes(id)) list.push(id);
  if (list.length > CANCELLED_KEPT) list.shift();
}
