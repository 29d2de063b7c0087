import { LitElement, html, nothing, svg, type PropertyDeclarations, type PropertyValues } from 'lit';
import styles from './realtime-voice.styles.js';
import { defaultStrings, type RealtimeVoiceStrings } from './strings.js';
import type { RealtimeVoiceState, TranscriptEntry } from './events.js';
import type { RealtimeVoiceTool, SessionPatch, TurnDetectionMode } from './controllers/session-controller.js';
import { EngineController, loadEngine } from './controllers/engine-controller.js';
import type { Platform } from './controllers/platform.js';

/** Boolean attributes that default to on: absent or any value turns them on, `"false"` (or off, 0, no) turns them off. */
const onByDefault = {
  fromAttribute: (value: string | null) => value === null || !/^\s*(false|off|0|no)\s*$/i.test(value),
};

/** JSON attributes (`strings`): invalid JSON is ignored rather than thrown from attributeChangedCallback. */
const json = {
  fromAttribute(value: string | null) {
    try {
      const parsed: unknown = value ? JSON.parse(value) : {};
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return {};
    }
  },
};

const micIcon = svg`<svg part="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="currentColor"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2Z"/></svg>`;

/**
 * A real-time voice assistant for any web page, over the OpenAI Realtime API (GA). It fetches a
 * short-lived key from your own `token-url`, captures the microphone, plays the assistant's voice,
 * shows a live transcript and lets the page answer tool calls. It talks over WebSocket, or over
 * WebRTC with `transport="webrtc"` (same token, events, UI, tools and transcript).
 *
 * @summary Drop-in voice assistant: `<realtime-voice token-url="/api/realtime-token">`.
 *
 * @fires {RvStateEvent} rv-state - `{ state, reason }`: the state changed. Bubbles, composed.
 * @fires {RvTranscriptEvent} rv-transcript - `{ role, itemId, text, final }`: a transcript line grew or completed. Bubbles, composed.
 * @fires {RvToolCallEvent} rv-tool-call - `{ name, arguments, callId, respond(result) }`: the model called a tool without a `handler`. Bubbles, composed.
 * @fires {RvErrorEvent} rv-error - `{ code, message, fatal }`: something failed. Bubbles, composed.
 * @fires {RvServerEventEvent} rv-server-event - The raw event received from the server (`{ type, ... }`). Bubbles, composed.
 * @fires {RvClientEventEvent} rv-client-event - The raw event sent to the server (`{ type, ... }`). Bubbles, composed.
 * @fires {RvMetricsEvent} rv-metrics - `{ tokenMs?, connectMs?, firstAudioMs?, bargeInMs?, usage?, responseId? }`: a latency in ms, or the token usage of a finished response. Bubbles, composed.
 *
 * @slot icon - The main button's icon (default: a microphone).
 * @slot label - The main button's label (default: from `strings`).
 * @slot empty - Shown while the transcript is empty (default: `strings.empty`).
 *
 * @csspart base - The outer container.
 * @csspart status - The status line (a polite live region).
 * @csspart level - Both level meters; also `input-level` and `output-level`.
 * @csspart input-level - The microphone level meter.
 * @csspart output-level - The assistant's voice level meter.
 * @csspart transcript - The transcript (`role="log"`).
 * @csspart message - Every transcript line; also `user` or `assistant`.
 * @csspart user - A line the user said or typed.
 * @csspart assistant - A line from the assistant.
 * @csspart speaker - The speaker name inside a line.
 * @csspart text - The text of a line (plain text, never HTML).
 * @csspart hint - The default empty-transcript hint.
 * @csspart error - The error message (`role="alert"`).
 * @csspart form - The text input form (`text-input`).
 * @csspart input - The text input.
 * @csspart send - The text input's send button.
 * @csspart mute - The mute toggle.
 * @csspart devices - The microphone picker.
 * @csspart end - The button that ends a push-to-talk session.
 * @csspart button - The main button (carries `--rv-input-level` and `--rv-output-level`).
 * @csspart icon - The default icon.
 * @csspart label - The main button's label.
 *
 * @cssprop [--rv-font=system-ui, …] - Font family.
 * @cssprop [--rv-font-size=0.9375rem] - Base font size.
 * @cssprop [--rv-radius=0.75rem] - Corner radius.
 * @cssprop [--rv-gap=0.5rem] - Space between rows.
 * @cssprop [--rv-width=22rem] - Width of the card (and of the compact panel).
 * @cssprop [--rv-transcript-height=16rem] - Maximum transcript height before it scrolls.
 * @cssprop [--rv-button-size=3rem] - Height of the main button.
 * @cssprop [--rv-background=light-dark(#ffffff, #1c1c21)] - Background.
 * @cssprop [--rv-color=light-dark(#1a1a1e, #ececf1)] - Text colour.
 * @cssprop [--rv-muted-color=light-dark(#5b5b66, #a9a9b6)] - Secondary text.
 * @cssprop [--rv-border-color=light-dark(#d9d9e0, #3a3a44)] - Borders and meter tracks.
 * @cssprop [--rv-accent=light-dark(#2454d6, #7c9cff)] - Main button and output meter.
 * @cssprop [--rv-accent-contrast=light-dark(#ffffff, #0d1020)] - Text on the accent colour.
 * @cssprop [--rv-user-background=light-dark(#eef2ff, #2a3050)] - Background of user lines.
 * @cssprop [--rv-assistant-background=light-dark(#f3f4f6, #2a2a31)] - Background of assistant lines.
 * @cssprop [--rv-error-color=light-dark(#b3261e, #ffb4ab)] - Error text and the muted toggle.
 * @cssprop [--rv-level-color=light-dark(#1f9d55, #5fd38d)] - Input meter.
 * @cssprop [--rv-focus-ring=2px solid var(--rv-accent)] - Focus outline.
 * @cssprop [--rv-shadow=0 4px 18px …] - Shadow of the compact button and panel.
 * @cssprop [--rv-offset=1.25rem] - Distance of the compact button from the viewport corner.
 * @cssprop [--rv-z-index=2147483000] - Stacking order of the compact layout.
 * @cssprop --rv-input-level - Read-only: the microphone level, 0 to 1 (set on the `button` and `level` parts).
 * @cssprop --rv-output-level - Read-only: the assistant's voice level, 0 to 1 (set on the `button` and `level` parts).
 *
 * @cssstate idle - No session.
 * @cssstate connecting - Fetching the key and opening the session.
 * @cssstate listening - The session is open and waiting for the user.
 * @cssstate thinking - The user's turn is committed; the assistant has not spoken yet.
 * @cssstate speaking - The assistant's voice is playing.
 * @cssstate reconnecting - The connection dropped; a new one is being opened.
 * @cssstate error - The session ended on an error (see the `error` part and `rv-error`).
 * @cssstate muted - The microphone is muted.
 * @cssstate talking - Push-to-talk is held.
 */
export class RealtimeVoice extends LitElement {
  static override styles = styles;
  // Declared here rather than with decorators: the same reactive properties, less code in the bundle.
  static override properties: PropertyDeclarations = {
    tokenUrl: { attribute: 'token-url' },
    url: {},
    transport: {},
    model: {},
    voice: {},
    instructions: {},
    turnDetection: { attribute: 'turn-detection' },
    mode: {},
    output: {},
    language: {},
    transcriptionModel: { attribute: 'transcription-model' },
    inputDevice: { attribute: 'input-device' },
    outputDevice: { attribute: 'output-device' },
    echoCancellation: { attribute: 'echo-cancellation', converter: onByDefault },
    noiseSuppression: { attribute: 'noise-suppression', converter: onByDefault },
    autoGain: { attribute: 'auto-gain', converter: onByDefault },
    workletUrl: { attribute: 'worklet-url' },
    workerUrl: { attribute: 'worker-url' },
    engineUrl: { attribute: 'engine-url' },
    layout: { reflect: true },
    theme: { reflect: true },
    textInput: { attribute: 'text-input', type: Boolean },
    maxMessages: { attribute: 'max-messages', type: Number },
    muted: { type: Boolean },
    strings: { converter: json },
    tools: { attribute: false },
    dangerouslyAllowStandardKey: { attribute: false },
    platform: { attribute: false },
  };

  /** Your backend endpoint that returns a short-lived Realtime key (POST `{}`, JSON `{ value, expires_at, url? }`). */
  tokenUrl = '';

  /** Realtime WebSocket URL (default OpenAI's `wss://api.openai.com/v1/realtime`); the token response may override it. WebRTC posts its offer to this URL + `/calls`. */
  url = '';

  /**
   * `websocket` (default) or `webrtc`: how the session reaches the API, for the next `connect()`.
   * WebRTC sends the microphone as Opus media (robust on lossy networks, and Chromium cancels the
   * assistant's echo on speakerphones); the server then truncates on barge-in by itself.
   */
  transport: 'websocket' | 'webrtc' = 'websocket';

  /** Model, sent as `?model=` (e.g. `gpt-realtime`). Empty: the one the key was minted for. */
  model = '';

  /** Assistant voice (e.g. `marin`, `cedar`); fixed once the assistant has spoken. Empty: the session's. */
  voice = '';

  /** System instructions for the assistant. Empty: the session's (what your token endpoint bound). */
  instructions = '';

  /**
   * How turns end: `server_vad`, `semantic_vad`, or `none` (push-to-talk: hold the button, or Space).
   * Empty (default): the session's, and push-to-talk when the session has turn detection off.
   */
  turnDetection: TurnDetectionMode | '' = '';

  /** `conversation` (an assistant that answers) or `transcription` (live captions or dictation: no assistant voice). */
  mode: 'conversation' | 'transcription' = 'conversation';

  /** How the assistant answers: `audio` (voice plus transcript) or `text` (text only). Empty (default): the session's. */
  output: 'audio' | 'text' | '' = '';

  /** Language of the user's speech (ISO 639-1, e.g. `en`), for transcription. Empty: the session's. */
  language = '';

  /**
   * Model that transcribes the user's speech. Empty: the session's; if the session transcribes
   * nothing, `gpt-live-transcribe` (a transcript needs the user's words).
   */
  transcriptionModel = '';

  /** `deviceId` of the microphone to use (empty: the default one). Changing it mid-session swaps the microphone. */
  inputDevice = '';

  /**
   * `deviceId` of the speaker for the assistant's voice (an `audiooutput` from `enumerateDevices()`;
   * empty: the system default). Changing it mid-session moves the voice at once. Where the browser
   * cannot choose (no `setSinkId`), or refuses the id, `rv-error` says so and the voice plays on.
   */
  outputDevice = '';

  /** Browser echo cancellation; on unless the attribute says `"false"`. */
  echoCancellation = true;

  /** Browser noise suppression; on unless the attribute says `"false"`. */
  noiseSuppression = true;

  /** Browser automatic gain control; on unless the attribute says `"false"`. */
  autoGain = true;

  /** A self-hosted URL for the audio worklets, for pages whose CSP forbids `blob:` and `data:` scripts. */
  workletUrl = '';

  /**
   * A self-hosted URL for the socket worker (`dist/realtime-voice.worker.js`), for pages whose CSP
   * forbids `blob:` workers. Without it such a page keeps the socket on the main thread, which works
   * at a higher main-thread cost.
   */
  workerUrl = '';

  /**
   * Where the engine is (`dist/realtime-voice.engine.js`), for pages that host it apart from the
   * script. Empty: beside the script itself. It is loaded on the first intent (pointer over the
   * button, focus, a press) or `connect()`, and never by the single-file build.
   */
  engineUrl = '';

  /** `expanded` (a card with transcript and controls) or `compact` (a floating button that opens a panel). */
  layout: 'expanded' | 'compact' = 'expanded';

  /** `auto` follows `prefers-color-scheme`; `light` or `dark` forces one. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** Shows a text input for typed messages. */
  textInput = false;

  /**
   * Transcript lines kept on screen, the newest (default 200; 0 shows all). Older lines leave the page
   * but stay in `transcript` and `exportTranscript()`, so a long session keeps a small DOM.
   */
  maxMessages = 200;

  /** Mutes the microphone: silence is sent instead of the user's voice, and the microphone stays open. */
  muted = false;

  /** Replaces any of the labels (for other languages); as an attribute, a JSON object. */
  strings: Partial<RealtimeVoiceStrings> = {};

  /** Tools the assistant may call: `{ type: "function", name, description, parameters, handler? }`. Without a handler, the page answers through `rv-tool-call`. */
  tools: RealtimeVoiceTool[] = [];

  /** Accept a standard `sk-` API key from the token endpoint. It would be exposed to every visitor: local experiments only. */
  dangerouslyAllowStandardKey = false;

  /** Replaces the outside world (fetch, WebSocket, getUserMedia, AudioContext) for tests and special hosts. */
  platform: Partial<Platform> = {};

  private get _log(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part~="transcript"]') ?? null;
  }

  private readonly _session = new EngineController(this, (input, output) => this._setLevels(input, output));
  private _internals?: ElementInternals;
  private _stickToBottom = true;

  constructor() {
    super();
    try {
      this._internals = this.attachInternals();
    } catch {
      // Browsers without ElementInternals still get the `state` property and `rv-state`.
    }
  }

  /**
   * Loads the engine now rather than on the first intent (e.g. once the page is idle), from `url` or
   * beside the script. Rejects with `{ code: 'engine_load_failed', message, fatal }` when it cannot.
   */
  static loadEngine(url = ''): Promise<void> {
    return loadEngine(url).then(() => undefined);
  }

  /** What the element is doing now. */
  get state(): RealtimeVoiceState {
    return this._session.state;
  }

  /** The conversation so far, oldest first; it survives disconnects until the next `connect()`. */
  get transcript(): readonly TranscriptEntry[] {
    return this._session.transcript;
  }

  /** Fetches a key, opens the session and the microphone. Resolves once listening (or on failure, after `rv-error`). */
  connect(): Promise<void> {
    return this._session.connect({ microphone: true });
  }

  /** Ends the session and releases the microphone, the audio output and the socket. The transcript stays. */
  disconnect(): void {
    this._session.disconnect('disconnect');
  }

  /** Sends a typed user message and asks for an answer; connects first (without the microphone) when idle. */
  sendText(text: string): Promise<void> {
    return this._session.sendText(text);
  }

  /** Stops the assistant now: cancels the answer, silences playback and trims what was not heard. */
  interrupt(): void {
    this._session.interrupt();
  }

  /**
   * Sends a `session.update` with these fields of the GA session (e.g. `{ instructions }`). Patches
   * add up (objects merge by field, arrays replace) and are sent again after every reconnect and
   * `connect()`; an attribute change later replaces only the one field it names.
   */
  updateSession(patch: SessionPatch): void {
    this._session.updateSession(patch);
  }

  /** The transcript as plain text (`Speaker: text` lines) or as JSON. */
  exportTranscript(format: 'text' | 'json' = 'text'): string {
    if (format === 'json') return JSON.stringify(this.transcript, null, 2);
    const s = this._strings;
    return this.transcript.map((e) => `${e.role === 'user' ? s.user : s.assistant}: ${e.text}`).join('\n');
  }

  private get _strings(): RealtimeVoiceStrings {
    return { ...defaultStrings, ...this.strings };
  }

  private get _ptt(): boolean {
    return this._session.pushToTalk;
  }

  /**
   * Levels go straight to the elements that use them, the meters and the button: no re-render per audio
   * frame, and never on an ancestor of the transcript (on `base` they restyled the whole card each time; bench).
   */
  private _setLevels(input: number, output: number): void {
    for (const target of this.renderRoot?.querySelectorAll<HTMLElement>('[part~="level"], [part~="button"]') ?? []) {
      target.style.setProperty('--rv-input-level', input.toFixed(2));
      target.style.setProperty('--rv-output-level', output.toFixed(2));
    }
  }

  protected override willUpdate(): void {
    const log = this._log;
    if (log) this._stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this._stickToBottom && this._log) this._log.scrollTop = this._log.scrollHeight;
    this._syncStates();
    this._session.propertiesChanged(changed as Map<PropertyKey, unknown>);
  }

  private _syncStates(): void {
    const states = this._internals?.states;
    if (!states) return;
    const want = new Set<string>([this.state]);
    if (this.muted) want.add('muted');
    if (this._session.talking) want.add('talking');
    for (const name of ['idle', 'connecting', 'listening', 'thinking', 'speaking', 'reconnecting', 'error', 'muted', 'talking']) {
      try {
        if (want.has(name)) states.add(name);
        else states.delete(name);
      } catch {
        return; // Chromium before 125 accepts only `--name` states; the data-state attribute still styles it.
      }
    }
  }

  private _onClick(): void {
    if (this._ptt) return; // push-to-talk is driven by pointer and Space, not click
    const state = this.state;
    if (state === 'idle' || state === 'error') void this.connect();
    else if (!this._session.microphoneOn) void this._session.startMicrophone();
    else this.disconnect();
  }

  /** Hover or focus while idle: the key is fetched now, so the click connects without waiting for it. */
  private _prefetch(): void {
    this._session.prefetchToken();
  }

  private _onPointerDown(e: PointerEvent): void {
    if (!this._ptt || e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    this._session.startTalking();
  }

  private _onPointerUp(): void {
    if (this._ptt) this._session.stopTalking();
  }

  private _onButtonKey(e: KeyboardEvent): void {
    if (!this._ptt || (e.key !== ' ' && e.key !== 'Enter')) return;
    e.preventDefault(); // no synthetic click: the key itself is the push-to-talk switch
    if (e.type === 'keydown' && !e.repeat) this._session.startTalking();
    else if (e.type === 'keyup') this._session.stopTalking();
  }

  private _onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && (this.state === 'speaking' || this.state === 'thinking')) {
      e.preventDefault();
      e.stopPropagation();
      this.interrupt();
    }
  }

  private _onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('message') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void this.sendText(text);
  }

  private _onDevice(e: Event): void {
    this.inputDevice = (e.currentTarget as HTMLSelectElement).value;
  }

  override render() {
    const s = this._strings;
    const session = this._session;
    const state = this.state;
    const active = state !== 'idle' && state !== 'error';
    const talking = session.talking;
    const ptt = this._ptt;
    const entries = this.transcript;
    const shown = this.maxMessages > 0 && entries.length > this.maxMessages ? entries.slice(-this.maxMessages) : entries;
    const label = ptt ? (talking ? s.release : s.holdToTalk) : active && session.microphoneOn ? s.stop : s.start;
    const status = this.muted && active ? s.mutedStatus : s[state];
    const devices = this.layout === 'expanded' ? session.devices : [];
    const error = state === 'error' ? session.error?.message : undefined;
    return html`
      <div part="base" data-state=${state} ?data-active=${active} @keydown=${this._onKeyDown}>
        <div class="panel">
          <div class="row">
            <span part="status" role="status">${status}</span>
            <span class="meters" aria-hidden="true">
              <span part="level input-level"></span>
              ${this.mode === 'transcription' || session.textOutput ? nothing : html`<span part="level output-level"></span>`}
            </span>
          </div>
          <div
            part="transcript"
            role="log"
            aria-label=${s.transcript}
            aria-busy=${shown.some((e) => !e.final) ? 'true' : 'false'}
            tabindex="0"
          >
            ${shown.length
              ? shown.map(
                  // No whitespace inside the line: the text keeps its own line breaks (pre-wrap).
                  (e) => html`<p part="message ${e.role}" data-final=${String(e.final)}><span part="speaker">${e.role === 'user' ? s.user : s.assistant}</span><span part="text">${e.text}</span></p>`,
                )
              : html`<slot name="empty"><p part="hint">${s.empty}</p></slot>`}
          </div>
          <p part="error" role="alert">${error ?? nothing}</p>
          ${this.textInput
            ? html`<form part="form" @submit=${this._onSubmit}>
                <input part="input" name="message" autocomplete="off" aria-label=${s.message} placeholder=${s.placeholder} />
                <button part="send" type="submit">${s.send}</button>
              </form>`
            : nothing}
          <div class="row">
            <button part="mute" type="button" aria-pressed=${this.muted ? 'true' : 'false'} @click=${() => (this.muted = !this.muted)}>
              ${s.mute}
            </button>
            ${devices.length
              ? html`<select part="devices" aria-label=${s.microphone} @change=${this._onDevice}>
                  <option value="" ?selected=${!this.inputDevice}>${s.defaultMicrophone}</option>
                  ${devices.map(
                    (d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === this.inputDevice}>
                      ${d.label || `${s.microphone} ${i + 1}`}
                    </option>`,
                  )}
                </select>`
              : nothing}
            ${ptt && active ? html`<button part="end" type="button" @click=${() => this.disconnect()}>${s.end}</button>` : nothing}
          </div>
        </div>
        <button
          part="button"
          type="button"
          aria-pressed=${ptt ? (talking ? 'true' : 'false') : nothing}
          @click=${this._onClick}
          @pointerenter=${this._prefetch}
          @focus=${this._prefetch}
          @pointerdown=${this._onPointerDown}
          @pointerup=${this._onPointerUp}
          @pointercancel=${this._onPointerUp}
          @blur=${this._onPointerUp}
          @keydown=${this._onButtonKey}
          @keyup=${this._onButtonKey}
          @contextmenu=${(e: Event) => ptt && e.preventDefault()}
        >
          <slot name="icon">${micIcon}</slot>
          <span part="label"><slot name="label">${label}</slot></span>
        </button>
      </div>
    `;
  }
}

customElements.define('realtime-voice', RealtimeVoice);

declare global {
  interface HTMLElementTagNameMap {
    'realtime-voice': RealtimeVoice;
  }
}
