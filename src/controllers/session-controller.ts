import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RealtimeClient, type RealtimeClientOptions } from '../client/client.js';
import type { ConversationChange, ConversationItem } from '../client/conversation.js';
import { fetchToken, TokenCache } from '../client/token.js';
import type { RealtimeTool, ToolHandler } from '../client/tools.js';
import { isOutOfBand, partKind, sessionUpdate, type RealtimeResponse, type RealtimeSessionConfig } from '../protocol/index.js';
import { cloneJson, mergeLayer, validate } from '../client/session-layer.js';
import {
  RvClientEventEvent,
  RvErrorEvent,
  RvMetricsEvent,
  RvServerEventEvent,
  RvStateEvent,
  RvToolCallEvent,
  RvTranscriptEvent,
  type RealtimeVoiceState,
  type RvErrorDetail,
  type RvWireDetail,
  type TranscriptEntry,
} from '../events.js';
import { CaptureController, type CaptureSettings } from './capture-controller.js';
import { PlaybackController, type PlaybackSettings } from './playback-controller.js';
import type { GestureContexts } from './platform.js';

export type TurnDetectionMode = 'server_vad' | 'semantic_vad' | 'none';

/** A function the assistant may call. Without `handler`, the element fires `rv-tool-call` and waits for `respond`. */
export interface RealtimeVoiceTool {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  /** Runs the call with the parsed arguments; its result (or resolved value) goes back to the model. */
  handler?: ToolHandler;
  /** Milliseconds before the call is answered with an error (default 15000). */
  timeoutMs?: number;
}

/** Fields of the GA session (`session.update`), without `type`. */
export type SessionPatch = Omit<RealtimeSessionConfig, 'type'>;

/** What the session reads from the element, at connect and when a property changes. */
export interface SessionSettings extends CaptureSettings, PlaybackSettings {
  tokenUrl: string;
  url: string;
  model: string;
  voice: string;
  instructions: string;
  /** Empty: the session's. */
  turnDetection: TurnDetectionMode | '';
  mode: 'conversation' | 'transcription';
  /** Empty: the session's. */
  output: 'audio' | 'text' | '';
  language: string;
  transcriptionModel: string;
  tools: RealtimeVoiceTool[];
  dangerouslyAllowStandardKey: boolean;
  workerUrl: string;
}

type Host = ReactiveControllerHost & HTMLElement & SessionSettings;

/** A key fetched ahead of the click, and what it was fetched with (a change in between makes connect fetch its own). */
interface Prefetch {
  tokenUrl: string;
  fetch: typeof fetch | undefined;
  allowStandardKey: boolean;
  tokens: TokenCache;
}

/**
 * Transcribes the user's lines when the server's session transcribes nothing (captions need it). The
 * `openai` 7.59 types mark whisper-1 and the gpt-4o(-mini)-transcribe family deprecated (shutdown
 * 2027-02-26); of the current two, gpt-live-transcribe is the Realtime one (the file API lists only gpt-transcribe).
 */
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-live-transcribe';
/** Push-to-talk holds shorter than this many 20 ms frames are dropped: GA refuses commits under 100 ms. */
const MIN_COMMIT_FRAMES = 5;
/** Items the client's conversation state keeps (ordering, history replay); lines of older ones stay in the transcript as text. */
const TRANSCRIPT_ITEMS = 500;
/** Properties that name one field of the session each: set, they are the page's; empty, the session's. */
const LIVE = ['instructions', 'voice', 'turnDetection', 'language', 'transcriptionModel', 'output'] as const;
type LiveKey = (typeof LIVE)[number];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each property's field sits in the session. */
const FIELD: Record<LiveKey, readonly string[]> = {
  instructions: ['instructions'],
  voice: ['audio', 'output', 'voice'],
  turnDetection: ['audio', 'input', 'turn_detection'],
  language: ['audio', 'input', 'transcription', 'language'],
  transcriptionModel: ['audio', 'input', 'transcription', 'model'],
  output: ['output_modalities'],
};

/** The value a property stands for in the session. */
function fieldValue(key: LiveKey, value: string): unknown {
  if (key === 'turnDetection') return value === 'none' ? null : { type: value };
  if (key === 'output') return [value];
  return value;
}

/** `{ a: { b: value } }` for the path a.b. */
function nest(path: readonly string[], value: unknown): Json {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Json;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const key of path) v = isObject(v) ? v[key] : undefined;
  return v;
}

/** Removes the field at `path` (and objects it leaves empty). */
function removeAt(root: Json, path: readonly string[]): void {
  const [key, ...rest] = path;
  if (!key || !(key in root)) return;
  if (rest.length === 0) delete root[key];
  else if (isObject(root[key])) {
    removeAt(root[key], rest);
    if (Object.keys(root[key]).length === 0) delete root[key];
  }
}

/**
 * Owns one realtime session: the RealtimeClient, the microphone (CaptureController) and the
 * voice (PlaybackController). It maps their activity to the element's state, keeps the transcript,
 * wires barge-in (stop playback, then truncate to what was heard) and turns everything the page
 * should know into rv- events on the host.
 */
export class SessionController implements ReactiveController {
  readonly capture: CaptureController;
  readonly playback: PlaybackController;
  state: RealtimeVoiceState = 'idle';
  transcript: readonly TranscriptEntry[] = [];
  /** The error that ended the last session, until the next connect() or disconnect(). */
  error: RvErrorDetail | null = null;
  /** Push-to-talk is held. */
  talking = false;
  #client: RealtimeClient | null = null;
  #unsubscribe: (() => void)[] = [];
  #connecting: Promise<void> | null = null;
  #prefetch: Prefetch | null = null;
  #micStarting = false;
  #dropping = false;
  #thinking = false;
  #holdFrames = 0;
  /** The page's layer of the session (attributes it set, properties, updateSession patches): sent at every connect. */
  #layer: SessionPatch = {};
  #entries = new Map<string, TranscriptEntry>();
  #archive: TranscriptEntry[] = [];
  #levels = { input: 0, output: 0 };
  #frame = 0;
  /** WebRTC: the microphone track on the peer connection (a clone of the capture's, so mute can disable it while the meter still shows the voice). */
  #sendTrack: MediaStreamTrack | null = null;

  constructor(
    private readonly host: Host,
    private readonly onLevels: (input: number, output: number) => void,
    /** Contexts the shell made inside a press that came before the engine (engine-controller.ts). */
    contexts?: GestureContexts,
  ) {
    host.addController(this);
    const audioError = (error: { code: string; message: string }) => this.#error({ code: error.code, message: error.message, fatal: false });
    this.capture = new CaptureController(host, {
      onFrame: (pcm) => this.#frameCaptured(pcm),
      onLevel: (level) => this.#level('input', level),
      onError: audioError,
      onTrack: (track) => this.#micTrack(track),
      contexts,
    });
    this.playback = new PlaybackController(host, {
      onLevel: (level) => this.#level('output', level),
      onSpeaking: (speaking) => this.#update(speaking ? 'playback-started' : 'playback-ended'),
      onError: audioError,
      contexts,
    });
  }

  get microphoneOn(): boolean {
    return this.capture.active;
  }

  get devices(): MediaDeviceInfo[] {
    return this.capture.devices;
  }

  /** Leaving the page ends the session and frees the microphone; a move (re-inserted in the same task) keeps it. */
  hostDisconnected(): void {
    queueMicrotask(() => {
      if (this.host.isConnected) return;
      this.disconnect('host-disconnected');
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
    });
  }

  /**
   * Opens a new session (a fresh conversation). Starts the audio synchronously, inside the user
   * gesture that called it. Never rejects: failures end in the `error` state and `rv-error`.
   */
  connect({ microphone }: { microphone: boolean }): Promise<void> {
    if (this.#client) {
      if (microphone && !this.capture.active) return this.startMicrophone();
      return this.#connecting ?? Promise.resolve();
    }
    const h = this.host;
    this.error = null;
    this.#thinking = false;
    this.#entries.clear();
    this.#archive = [];
    this.transcript = [];
    if (!h.tokenUrl) {
      this.#fatal({ code: 'token_url_missing', message: 'Set the token-url attribute to your endpoint that returns a short-lived Realtime key.', fatal: true });
      return Promise.resolve();
    }
    const prefetched = this.#prefetch;
    this.#prefetch = null; // the next idle period may prefetch again
    const client = (this.#client = new RealtimeClient(this.#clientOptions(prefetched)));
    this.#listen(client);
    this.#routeCapture();
    this.#gate();
    const steps: Promise<unknown>[] = [client.connect()];
    // Started inside the gesture unless the page asked for text: a session that answers in text leaves it silent.
    if (h.mode === 'conversation' && h.output !== 'text') steps.push(this.playback.start());
    if (microphone) steps.push(this.#startCapture());
    this.#update('connect');
    const connecting = Promise.all(steps).then(
      () => undefined,
      (error: { code?: string; message?: string }) => {
        if (this.#client !== client) return; // disconnected meanwhile, or the client already reported it
        this.#fatal({ code: error.code ?? 'connect_failed', message: error.message ?? String(error), fatal: true });
      },
    );
    this.#connecting = connecting.finally(() => {
      if (this.#client === client) this.#connecting = null;
    });
    return this.#connecting;
  }

  /**
   * Starts fetching a key while idle (the pointer is over the button, or it has focus), so that the
   * click does not wait for the token endpoint. Once per idle period; a failure stays silent here
   * (connect fetches again and reports it), and a key too close to expiry is not used.
   */
  prefetchToken(): void {
    const h = this.host;
    if (this.#client || this.#prefetch || !h.tokenUrl) return;
    const { tokenUrl, dangerouslyAllowStandardKey: allowStandardKey } = h;
    const fetch = h.platform.fetch;
    const tokens = new TokenCache(() => fetchToken(tokenUrl, { fetch, allowStandardKey }));
    this.#prefetch = { tokenUrl, fetch, allowStandardKey, tokens };
    void tokens.prefetch();
  }

  /** Opens the microphone in a session that started without it (typed first). */
  startMicrophone(): Promise<void> {
    return this.#startCapture().catch((error: { code: string; message: string }) =>
      this.#error({ code: error.code, message: error.message, fatal: false }),
    );
  }

  /** Ends the session and releases everything; the transcript stays. */
  disconnect(reason: string): void {
    const had = this.#client !== null || this.error !== null;
    this.error = null;
    this.talking = false;
    this.#teardown();
    if (had) this.#update(reason);
  }

  async sendText(text: string): Promise<void> {
    if (!this.#client) void this.connect({ microphone: false });
    const client = this.#client;
    if (!client) return; // connect failed at once (no token-url)
    if (this.playback.speaking || this.playback.pending) this.interrupt();
    client.sendText(text);
    this.#thinking = this.host.mode === 'conversation';
    this.#update('text-sent');
    await this.#connecting;
  }

  /** Stops the assistant: cancels its response, cuts its voice and trims what was not heard. */
  interrupt(): void {
    const client = this.#client;
    if (!client) return;
    client.cancelResponse();
    client.clearOutputAudio(); // WebRTC: the server stops the voice and truncates (protocol.md §8.3); WebSocket: nothing
    this.#thinking = false;
    void this.#bargeIn(client);
    this.#update('interrupt');
  }

  /** Merges a patch into the page's layer (kept for every later connect) and sends it when connected. */
  updateSession(patch: SessionPatch): void {
    this.#apply(patch);
  }

  /** Push-to-talk: the page says `turn-detection="none"`, or (left to the session) the session has turn detection off. */
  get pushToTalk(): boolean {
    const mode = this.host.turnDetection;
    if (mode) return mode === 'none';
    const mine = valueAt(this.#layer, FIELD.turnDetection);
    if (mine !== undefined) return mine === null;
    return this.#client?.serverSession?.audio?.input?.turn_detection === null;
  }

  /** The assistant answers in text: the page says `output="text"`, or the session's output modality is text. */
  get textOutput(): boolean {
    if (this.host.output) return this.host.output === 'text';
    const mine = this.#layer.output_modalities?.[0] ?? this.#client?.serverSession?.output_modalities?.[0];
    return mine === 'text';
  }

  startTalking(): void {
    if (this.talking) return;
    this.talking = true;
    this.#holdFrames = 0;
    this.#gate();
    const client = this.#client;
    if (!client) void this.connect({ microphone: true });
    else {
      if (!this.capture.active) void this.startMicrophone();
      if (this.playback.speaking || this.playback.pending || this.#thinking) this.interrupt();
      client.clearAudio();
    }
    this.#update('talk-start');
  }

  stopTalking(): void {
    if (!this.talking) return;
    this.talking = false;
    this.#gate();
    const client = this.#client;
    if (client && this.#holdFrames >= MIN_COMMIT_FRAMES) {
      client.commitAudio();
      if (this.host.mode === 'conversation') {
        client.createResponse();
        this.#thinking = true;
      }
    } else client?.clearAudio();
    this.#update('talk-end');
  }

  /** Applies property changes: mute and devices at once, session fields through session.update. */
  propertiesChanged(changed: Map<PropertyKey, unknown>): void {
    const h = this.host;
    if (changed.has('muted')) this.capture.setMuted(h.muted);
    // Each property writes its one field of the page's layer, and only that one; together in one update when connected.
    let next: SessionPatch | undefined;
    let patch: SessionPatch | undefined;
    for (const key of LIVE) {
      if (!changed.has(key)) continue;
      next ??= cloneJson(this.#layer); // changed only once the patch is valid
      const piece = this.#field(key, next);
      if (piece) patch = mergeLayer(patch ?? {}, piece);
    }
    if (next) this.#apply(patch, h.mode === 'conversation', next);
    this.#gate();
    if (changed.has('turnDetection')) this.#routeCapture();
    if (changed.has('inputDevice') && changed.get('inputDevice') !== undefined) this.capture.setDevice(h.inputDevice);
    if (changed.has('outputDevice') && changed.get('outputDevice') !== undefined) this.playback.setOutputDevice(h.outputDevice);
    const client = this.#client;
    if (!client || h.mode !== 'conversation') return;
    if (changed.has('tools') && changed.get('tools') !== undefined) {
      const next = new Set(h.tools.map((t) => t.name));
      for (const old of changed.get('tools') as RealtimeVoiceTool[]) if (!next.has(old.name)) client.unregisterTool(old.name);
      for (const tool of h.tools) client.registerTool(toClientTool(tool));
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------

  /** A property changed: the patch of its one field (undefined when it was emptied: the session's again), made against `layer`. */
  #field(key: LiveKey, layer: SessionPatch): SessionPatch | undefined {
    const value = this.host[key];
    const path = FIELD[key];
    const now = valueAt(layer, path);
    // Emptied: the field is the session's again. Another VAD type starts afresh (eagerness means nothing to server_vad).
    if (!value || (key === 'turnDetection' && !(isObject(now) && now.type === value))) removeAt(layer as Json, path);
    return value ? (nest(path, fieldValue(key, value)) as SessionPatch) : undefined;
  }

  #clientOptions(prefetched: Prefetch | null): RealtimeClientOptions {
    const h = this.host;
    const options: RealtimeClientOptions = {
      tokenUrl: h.tokenUrl,
      getToken: this.#tokenSource(prefetched),
      url: h.url || undefined,
      model: h.model || undefined,
      fetch: h.platform.fetch,
      createWebSocket: h.platform.createWebSocket,
      socketWorker: h.workerUrl || true,
      transport: h.transport === 'webrtc' ? 'webrtc' : 'websocket',
      createPeerConnection: h.platform.createPeerConnection,
      allowStandardKey: h.dangerouslyAllowStandardKey,
      conversation: { maxItems: TRANSCRIPT_ITEMS },
    };
    const layer = cloneJson(this.#layer);
    // The transcript needs the user's words: if the session transcribes nothing, this model does.
    options.transcriptionFallback = { model: DEFAULT_TRANSCRIPTION_MODEL };
    if (h.mode === 'transcription') {
      // The input fields a transcription session has (the client's JSON copy drops those left undefined).
      const { transcription, turn_detection, noise_reduction } = layer.audio?.input ?? {};
      options.transcription = { audio: { input: { transcription, turn_detection, noise_reduction } }, include: layer.include };
    } else {
      options.session = layer;
      options.tools = h.tools.map(toClientTool);
    }
    return options;
  }

  /** The prefetched key for the first attempt, while it is unexpired (TokenCache); every later attempt fetches afresh, as the client would. */
  #tokenSource(p: Prefetch | null): RealtimeClientOptions['getToken'] {
    const h = this.host;
    if (!p || p.tokenUrl !== h.tokenUrl || p.fetch !== h.platform.fetch || p.allowStandardKey !== h.dangerouslyAllowStandardKey) return undefined;
    let calls = 0;
    return (signal) => p.tokens.get({ fresh: calls++ > 0, signal }).then((t) => ({ value: t.value, expires_at: t.expiresAt, url: t.url }));
  }

  /**
   * Checks a patch, merges it into the layer (`base`: the layer with fields an attribute handed back removed), and
   * sends it to a live session, whose client then keeps this very layer for its reconnects. A patch GA would refuse
   * changes nothing.
   */
  #apply(patch: SessionPatch | undefined, send = true, base = this.#layer): void {
    try {
      const client = this.#client;
      if (patch && client && send) client.updateSession(patch);
      else if (patch) validate(sessionUpdate(patch));
      this.#layer = patch ? mergeLayer(base, cloneJson(patch)) : base;
      if (client) client.sessionLayer = this.#layer;
    } catch (error) {
      this.#error({ code: 'invalid_session_update', message: (error as Error).message, fatal: false });
    }
  }

  #listen(client: RealtimeClient): void {
    const h = this.host;
    const mine = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
      if (this.#client === client) fn(...args);
    };
    this.#unsubscribe = [
      client.on(
        'state',
        mine(({ state, reason, message }) => {
          if (state === 'closed') {
            this.#fatal(this.error ?? { code: reason, message: message ?? reason, fatal: true });
            return;
          }
          if (state === 'reconnecting') {
            this.#thinking = false;
            this.playback.endAll();
          }
          this.#update(reason);
        }),
      ),
      client.on(
        'error',
        mine((detail) => {
          const error = { code: detail.code, message: detail.message, fatal: detail.fatal };
          if (detail.fatal) this.error = error; // the `closed` state that follows ends the session
          h.dispatchEvent(new RvErrorEvent(error));
        }),
      ),
      client.on(
        'server-event',
        mine((event) => {
          if (event.type === 'response.output_audio.done') this.playback.end((event as { item_id: string }).item_id);
          else if (event.type === 'response.content_part.added') {
            const e = event as { response_id?: string; part?: { type?: unknown } };
            // Out-of-band answers never play: no voice to wait for.
            if (partKind(e.part?.type) === 'audio' && !this.#client?.conversation.isOutOfBand(e.response_id!)) this.playback.expectVoice();
          }
          h.dispatchEvent(new RvServerEventEvent(event as RvWireDetail));
        }),
      ),
      client.on(
        'client-event',
        mine((event) => {
          if (event.type === 'input_audio_buffer.append') this.#dropping = false; // the socket drains again
          h.dispatchEvent(new RvClientEventEvent(event as RvWireDetail));
        }),
      ),
      client.on('audio-resumed', mine(() => (this.#dropping = false))),
      client.on(
        'audio-dropped',
        mine(({ reason }) => {
          // Once per congestion episode, not once per lost frame.
          if (reason !== 'congestion' || this.#dropping) return;
          this.#dropping = true;
          this.#error({ code: 'audio_dropped', message: 'The connection is too slow for the microphone: the oldest audio was dropped.', fatal: false });
        }),
      ),
      client.on('audio', mine(({ itemId, pcm, contentIndex }) => this.playback.enqueue(itemId, pcm, contentIndex))),
      client.on('audio-fed', mine(({ itemId, handle, samples, contentIndex }) => this.playback.adopt(itemId, handle, samples, contentIndex))),
      client.on('remote-stream', mine(({ stream }) => this.playback.attach(stream))),
      client.on('output-audio', mine(({ playing }) => this.playback.outputPlaying(playing))),
      client.on(
        'speech-started',
        mine(() => {
          this.#thinking = false;
          void this.#bargeIn(client);
          this.#update('speech-started');
        }),
      ),
      client.on(
        'speech-stopped',
        mine(() => {
          this.#thinking = h.mode === 'conversation';
          this.#update('speech-stopped');
        }),
      ),
      client.on(
        'response',
        mine(({ phase, response }) => {
          if (isOutOfBand(response)) return; // not a turn
          // WebRTC: a reply cancelled before its voice started never starts it.
          if (phase === 'done' && response.status !== 'completed' && !this.playback.speaking) this.playback.outputPlaying(false);
          this.#thinking = phase === 'created' || awaitsToolOutput(response);
          this.#update(phase === 'created' ? 'response-created' : 'response-done');
        }),
      ),
      client.on(
        'tool-call',
        mine((call) => h.dispatchEvent(new RvToolCallEvent({ name: call.name, arguments: call.args, callId: call.callId, respond: call.respond }))),
      ),
      client.on(
        'tool-failed',
        mine(({ reason, message }) => this.#error({ code: reason === 'timeout' ? 'tool_timeout' : 'tool_failed', message, fatal: false })),
      ),
      client.on('metrics', mine((metrics) => h.dispatchEvent(new RvMetricsEvent(metrics)))),
      // What the session is decides push-to-talk and text output where the page left them to it.
      client.on(
        'session',
        mine(() => {
          this.#routeCapture();
          this.#gate();
          h.requestUpdate();
        }),
      ),
      client.conversation.onChange(mine((change) => this.#conversationChanged(change, client.conversation.items))),
    ];
  }

  #startCapture(): Promise<void> {
    this.#micStarting = true;
    return this.capture.start().finally(() => {
      this.#micStarting = false;
      this.#update('microphone-ready');
    });
  }

  // With voice activity detection every frame is sent: the client's socket worker takes them off the main thread. Push-to-talk gates them here.
  #routeCapture(): void {
    this.#client?.routeCapture(this.pushToTalk ? null : this.capture);
    this.#client?.routePlayback(this.playback);
  }

  #frameCaptured(pcm: Int16Array): void {
    const client = this.#client;
    if (!client) return;
    if (this.pushToTalk) {
      if (!this.talking) return; // push-to-talk: only what is said while the button is held
      this.#holdFrames++;
    }
    client.appendAudio(pcm);
  }

  #micTrack(track: MediaStreamTrack | null): void {
    this.#sendTrack?.stop();
    this.#sendTrack = track && this.#client?.transport === 'webrtc' ? track.clone() : null;
    this.#gate();
    this.#client?.setInputTrack(this.#sendTrack);
  }

  /**
   * WebRTC: the voice leaves only when not muted and, in push-to-talk, while the button is held (as the WebSocket path's frames).
   * Frames nobody needs stay in the worklet: push-to-talk between holds, and WebRTC with voice activity detection (the
   * track carries the voice; push-to-talk over WebRTC still counts the held frames to decide on the commit).
   */
  #gate(): void {
    const ptt = this.pushToTalk;
    if (this.#sendTrack) this.#sendTrack.enabled = !this.host.muted && (this.talking || !ptt);
    this.capture.pauseFrames(ptt ? !this.talking : this.#client?.transport === 'webrtc');
  }

  /** Cuts the voice and tells the server what the user actually heard of the cut item. */
  async #bargeIn(client: RealtimeClient): Promise<void> {
    const result = await this.playback.interrupt();
    if (!result || this.#client !== client) return;
    if (result.plan) client.truncate(result.plan.itemId, result.plan.contentIndex, result.plan.audioEndMs);
    this.host.dispatchEvent(new RvMetricsEvent({ bargeInMs: result.ms }));
  }

  /** Updates the changed line (firing `rv-transcript` if its text or finality moved) and the line order. */
  #conversationChanged(change: ConversationChange, items: readonly ConversationItem[]): void {
    let changed: TranscriptEntry | undefined;
    if (change.kind === 'removed') {
      const entry = this.#entries.get(change.item.id);
      this.#entries.delete(change.item.id);
      // Let go by the conversation state's cap: the line stays in the transcript (and its export), as text only.
      if (change.reason === 'evicted' && entry) this.#archive.push(entry);
    } else if (change.kind !== 'reordered') {
      const entry = toEntry(change.item);
      const before = this.#entries.get(change.item.id);
      if (!entry) this.#entries.delete(change.item.id);
      else {
        this.#entries.set(entry.itemId, entry);
        if (entry.text && (entry.text !== before?.text || entry.final !== before.final)) changed = entry;
      }
    }
    const entries: TranscriptEntry[] = this.#archive.slice();
    for (const item of items) {
      const entry = this.#entries.get(item.id);
      if (entry) entries.push(entry);
    }
    this.transcript = entries;
    this.host.requestUpdate();
    // Fired once `transcript` holds the line, so a listener that reads it (or exports) sees it.
    if (changed) this.host.dispatchEvent(new RvTranscriptEvent({ role: changed.role, itemId: changed.itemId, text: changed.text, final: changed.final }));
  }

  #level(which: 'input' | 'output', level: number): void {
    this.#levels[which] = level;
    // One style write per frame at most, however often the worklets report.
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      this.onLevels(this.#levels.input, this.#levels.output);
    });
  }

  #error(error: RvErrorDetail): void {
    this.host.dispatchEvent(new RvErrorEvent(error));
  }

  /** Ends the session on an error: reported once, everything released, state `error`. */
  #fatal(error: RvErrorDetail): void {
    const reported = this.error === error;
    this.error = error;
    if (!reported) this.#error(error);
    this.talking = false;
    this.#teardown();
    this.#update(error.code);
  }

  #teardown(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    const client = this.#client;
    this.#client = null;
    this.#connecting = null;
    this.#thinking = false;
    this.#micStarting = false;
    this.#dropping = false;
    client?.disconnect();
    this.capture.stop();
    this.playback.close();
  }

  #compute(): RealtimeVoiceState {
    const client = this.#client;
    if (!client) return this.error ? 'error' : 'idle';
    if (client.state === 'reconnecting') return 'reconnecting';
    // A session opening with the microphone is ready once both are; one that adds it later stays usable meanwhile.
    if (client.state !== 'ready' || (this.#micStarting && this.state === 'connecting')) return 'connecting';
    if (this.playback.speaking) return 'speaking';
    // A reply generated faster than real time can be done before its voice starts: still thinking, not listening.
    return this.#thinking || this.playback.pending ? 'thinking' : 'listening';
  }

  /** Recomputes the state; re-renders, and fires `rv-state` when it changed. */
  #update(reason: string): void {
    const state = this.#compute();
    this.host.requestUpdate();
    if (state === this.state) return;
    this.state = state;
    this.host.dispatchEvent(new RvStateEvent({ state, reason }));
  }
}

function toClientTool({ name, description, parameters, handler, timeoutMs }: RealtimeVoiceTool): RealtimeTool {
  return { name, description, parameters, handler, timeoutMs };
}

/** A response that ended on function calls: the answer follows once the tools have replied. */
function awaitsToolOutput(response: RealtimeResponse): boolean {
  return response.status === 'completed' && (response.output ?? []).some((item) => item.type === 'function_call');
}

/** The transcript line of a conversation item, or null for items that are not one (tool calls, system text, silence). */
function toEntry(item: ConversationItem): TranscriptEntry | null {
  const role = item.role;
  if (item.type !== 'message' || (role !== 'user' && role !== 'assistant')) return null;
  // After a barge-in, show what the user heard rather than what the model had planned to say.
  const text = item.truncated ? item.truncated.heardText : item.text;
  const waiting = item.transcript === 'pending' || item.transcript === 'partial';
  if (!text && !waiting) return null;
  const final = role === 'assistant' ? item.status !== 'in_progress' : !waiting;
  return { itemId: item.id, role, text, final, at: item.createdAt };
}
