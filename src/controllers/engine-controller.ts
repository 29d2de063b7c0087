import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as events from '../events.js';
import type { RealtimeVoiceState, RvErrorDetail, TranscriptEntry } from '../events.js';
import { engineSource, type EngineModule } from '../engine-source.js';
import { CAPTURE_CONTEXT, VOICE_CONTEXT, type GestureContexts } from './platform.js';
import type { SessionController, SessionPatch, SessionSettings } from './session-controller.js';

type Host = ReactiveControllerHost & HTMLElement & SessionSettings & { engineUrl: string };
type Call = (session: SessionController) => unknown;

/** The engine once loaded: one per page, shared by every element. */
let engine: EngineModule | undefined;
/** Loads in flight, by URL (a failed one is forgotten, so the next intent tries again). */
const loading = new Map<string, Promise<EngineModule>>();
/** Failed loads, by URL: a retry adds `?retry=n`, since browsers keep a failed module fetch for its URL. */
const failures = new Map<string, number>();

/** The URL an `engine-url` names (relative to the page, as for any attribute URL), or the shell's own. */
function engineUrlOf(attribute: string): string {
  try {
    return attribute ? new URL(attribute, document.baseURI).href : engineSource.url;
  } catch {
    return attribute; // not a URL here: the import fails and says so
  }
}

/**
 * Loads the engine (once per page) from `url`, or from beside the shell. Rejects with the
 * `engine_load_failed` error detail, which names the URL and the fix.
 */
export function loadEngine(url = ''): Promise<EngineModule> {
  if (engine) return Promise.resolve(engine);
  const href = engineUrlOf(url);
  let load = loading.get(href);
  if (!load) {
    const n = failures.get(href) ?? 0;
    const target = n ? `${href}${href.includes('?') ? '&' : '?'}retry=${n}` : href;
    const retry = n ? target : undefined;
    load = (url ? (import(/* @vite-ignore */ target) as Promise<EngineModule>) : engineSource.load(retry)).then(
      (module) => {
        if (!engine) {
          module.useEvents?.(events);
          engine = module;
        }
        return engine;
      },
      (error: unknown) => {
        loading.delete(href);
        failures.set(href, n + 1);
        throw {
          code: 'engine_load_failed',
          message: `Could not load the realtime-voice engine from ${target} (${(error as Error)?.message ?? error}). Serve dist/realtime-voice.engine.js beside the script, or set engine-url to where it is; script-src must allow that URL.`,
          fatal: true,
        } satisfies RvErrorDetail;
      },
    );
    loading.set(href, load);
  }
  return load;
}

/**
 * The element's session before and after the engine arrives. Until the visitor shows intent (pointer
 * enter, focus, a press) or code calls connect(), nothing but the shell is loaded; calls that need the
 * engine wait for it and then run in order, and settings made meanwhile are applied when it arrives.
 */
export class EngineController implements ReactiveController {
  #session: SessionController | null = null;
  /** Calls made before the engine arrived, replayed in order; `opens`: it would open a session. */
  #queue: { call: Call; opens: boolean }[] = [];
  /** A connect is waiting for the engine (shown as `connecting`); `mic`: it opens the microphone. */
  #pending: { mic: boolean } | null = null;
  #failure: RvErrorDetail | null = null;
  #held = false;
  /** Audio contexts made inside the press, for the engine to take (WebKit starts audio only inside a gesture). */
  #contexts: GestureContexts = [];
  #state: RealtimeVoiceState = 'idle';

  constructor(
    private readonly host: Host,
    private readonly onLevels: (input: number, output: number) => void,
  ) {
    host.addController(this);
    // Already on the page (loaded for another element): made at once, as in the single file.
    if (engine) this.#session = new engine.SessionController(host, onLevels);
  }

  /** Leaving the page while the engine loads cancels the press (a move, re-inserted in the same task, keeps it). */
  hostDisconnected(): void {
    if (this.#session) return; // the session controller sees to itself
    queueMicrotask(() => {
      if (!this.host.isConnected && !this.#session) this.disconnect('host-disconnected');
    });
  }

  get state(): RealtimeVoiceState {
    return this.#session?.state ?? this.#state;
  }
  get transcript(): readonly TranscriptEntry[] {
    return this.#session?.transcript ?? [];
  }
  get error(): RvErrorDetail | null {
    return this.#session ? this.#session.error : this.#failure;
  }
  get talking(): boolean {
    return this.#session?.talking ?? this.#held;
  }
  get microphoneOn(): boolean {
    return this.#session ? this.#session.microphoneOn : !!this.#pending?.mic;
  }
  get devices(): MediaDeviceInfo[] {
    return this.#session?.devices ?? [];
  }
  get pushToTalk(): boolean {
    return this.#session ? this.#session.pushToTalk : this.host.turnDetection === 'none';
  }
  get textOutput(): boolean {
    return this.#session ? this.#session.textOutput : this.host.output === 'text';
  }

  connect(options: { microphone: boolean }): Promise<void> {
    return this.#open(options.microphone, (s) => s.connect(options));
  }
  sendText(text: string): Promise<void> {
    return this.#open(false, (s) => s.sendText(text));
  }
  startTalking(): void {
    this.#held = true;
    void this.#open(true, (s) => s.startTalking());
  }
  stopTalking(): void {
    if (this.#session) return this.#session.stopTalking();
    if (!this.#held) return; // a blur or pointerup with nothing held
    this.#held = false;
    this.#later((s) => s.stopTalking());
  }
  /** Intent (pointer enter, focus): the engine is fetched now, then the key as before. A failure stays silent until a press. */
  prefetchToken(): void {
    if (this.#session) this.#session.prefetchToken();
    else this.#load(false).then((s) => s?.prefetchToken(), () => undefined);
  }
  updateSession(patch: SessionPatch): void {
    this.#later((s) => s.updateSession(patch));
  }
  /** The microphone for a session that opened without it; before the engine, it joins the connect that waits. */
  startMicrophone(): Promise<void> {
    return this.#open(true, (s) => s.startMicrophone());
  }
  interrupt(): void {
    this.#session?.interrupt();
  }
  disconnect(reason: string): void {
    if (this.#session) return this.#session.disconnect(reason);
    const had = this.#pending || this.#failure;
    this.#cancel();
    this.#failure = null;
    if (had) this.#set('idle', reason);
  }
  /** Before the engine, each change waits in line with updateSession() patches, so the later one wins as in the single file. */
  propertiesChanged(changed: Map<PropertyKey, unknown>): void {
    if (this.#session) this.#session.propertiesChanged(changed);
    else if (changed.size) this.#queue.push({ call: (s) => s.propertiesChanged(new Map(changed)), opens: false });
  }

  /** A call that opens a session: it waits for the engine, shown as `connecting`, and a failed load ends in `error`. */
  #open(mic: boolean, call: Call): Promise<void> {
    const now = this.#session ?? (engine && this.host.isConnected ? this.#adopt(engine, true) : null);
    if (now) return Promise.resolve(call(now) as Promise<void>);
    this.#unlock(mic);
    let result: unknown; // what the call returns once replayed (connect resolves when listening)
    this.#queue.push({ call: (s) => (result = call(s)), opens: true });
    this.#failure = null;
    this.#pending = { mic: mic || !!this.#pending?.mic };
    this.#set('connecting', 'engine-loading');
    return this.#load(true).then(
      () => result as Promise<void> | undefined,
      (error: RvErrorDetail) => {
        if (!this.#pending) return; // disconnected meanwhile
        this.#cancel();
        this.#failure = error;
        this.host.dispatchEvent(new events.RvErrorEvent(error));
        this.#set('error', error.code);
      },
    );
  }

  /** A call that waits for the engine without fetching it (settings made at page load must not cost the download). */
  #later(call: Call): void {
    if (this.#session) call(this.#session);
    else this.#queue.push({ call, opens: false });
  }

  /** Drops what would open a session (and the contexts made for it); settings wait on for the engine. */
  #cancel(): void {
    this.#queue = this.#queue.filter((q) => !q.opens);
    this.#pending = null;
    this.#held = false;
    for (const { context } of this.#contexts.splice(0)) void context.close().catch(() => undefined);
  }

  /** Inside the press: the contexts the session will start with, made and resumed now, as the bundled engine would. */
  #unlock(mic: boolean): void {
    const h = this.host;
    const wanted: AudioContextOptions[] = mic ? [CAPTURE_CONTEXT] : [];
    if (h.mode === 'conversation' && h.output !== 'text') wanted.push(h.transport === 'webrtc' ? CAPTURE_CONTEXT : VOICE_CONTEXT);
    const have = this.#contexts.map((c) => c.options.sampleRate);
    for (const options of wanted) {
      const i = have.indexOf(options.sampleRate);
      if (i >= 0) {
        have.splice(i, 1); // made by an earlier press
        continue;
      }
      try {
        const context = (h.platform.createAudioContext ?? ((o: AudioContextOptions) => new AudioContext(o)))(options);
        void context.resume().catch(() => undefined);
        this.#contexts.push({ options, context });
      } catch {
        // The engine makes its own (and reports it if that fails too).
      }
    }
  }

  #load(reportFailure: boolean): Promise<SessionController | null> {
    return loadEngine(this.host.engineUrl).then((module) => this.#adopt(module, false), (error: unknown) => {
      if (reportFailure) throw error;
      return null;
    });
  }

  /**
   * The engine is here: the controller is made with every property as it stands, then the waiting calls
   * run. `opening`: a press made it, now. A failed load's error stays on screen until a press (not a hover).
   */
  #adopt(module: EngineModule, opening: boolean): SessionController | null {
    const h = this.host;
    if (!this.#session) {
      if (this.#failure && !opening && !this.#queue.some((q) => q.opens)) return null;
      // Left the page while it loaded: nothing opens; the next intent makes the controller at once.
      if (!h.isConnected) {
        const had = this.#pending;
        this.#cancel();
        if (had) this.#set('idle', 'host-disconnected');
        return null;
      }
      const session = (this.#session = new module.SessionController(h, this.onLevels, this.#contexts));
      const props = (h.constructor as unknown as { elementProperties: Map<PropertyKey, unknown> }).elementProperties;
      session.propertiesChanged(new Map([...props.keys()].map((key) => [key, undefined])));
      this.#pending = null;
      this.#held = false;
      this.#failure = null;
      // The engine's rv-state follows from here, starting from idle like a fresh element's.
      this.#state = 'idle';
      for (const { call } of this.#queue.splice(0)) call(session);
      // Those the session did not take (it opened without them): closed, not left running.
      for (const { context } of this.#contexts.splice(0)) void context.close().catch(() => undefined);
      h.requestUpdate();
    }
    return this.#session;
  }

  #set(state: RealtimeVoiceState, reason: string): void {
    this.host.requestUpdate();
    if (state === this.#state) return;
    this.#state = state;
    this.host.dispatchEvent(new events.RvStateEvent({ state, reason }));
  }
}
