// The public DOM events of <realtime-voice>. Each one bubbles, crosses shadow roots (composed) and
// carries a typed `detail`; the map augmentation at the end types `addEventListener` on elements,
// `document` and `window`.
import type { ResponseUsage } from './protocol/index.js';

/** What the element is doing, as shown by the status line, `:state(...)` and the `state` property. */
export type RealtimeVoiceState =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'reconnecting'
  | 'error';

/** Who said a transcript line. */
export type TranscriptRole = 'user' | 'assistant';

/** One line of the transcript, as `transcript` and `exportTranscript('json')` give it. */
export interface TranscriptEntry {
  /** The conversation item id the server gave the line. */
  readonly itemId: string;
  readonly role: TranscriptRole;
  /** Plain text: never interpreted as HTML. */
  readonly text: string;
  /** False while the text is still streaming in. */
  readonly final: boolean;
  /** When the line started, in ms since the epoch. */
  readonly at: number;
}

export interface RvStateDetail {
  state: RealtimeVoiceState;
  /** Why it changed, e.g. `connect`, `connected`, `speech-started`, `response-done`, `playback-ended`, `connection_lost`, `rolled_over`, `disconnect`, or an error code. */
  reason: string;
}

export interface RvTranscriptDetail {
  role: TranscriptRole;
  itemId: string;
  /** The whole text of the line so far (not only the newest delta). */
  text: string;
  /** True once the line is complete. */
  final: boolean;
}

export interface RvToolCallDetail {
  name: string;
  /** The arguments the model chose: parsed JSON, or the raw string when it is not valid JSON. */
  arguments: unknown;
  callId: string;
  /** Answers the call; the result is sent to the model (strings as they are, anything else as JSON). */
  respond(result: unknown): void;
}

export interface RvErrorDetail {
  /** A stable code, e.g. `token_http_error`, `microphone_denied`, `output_device_failed`, `connection_lost`, `tool_failed`, or the server's error code. */
  code: string;
  message: string;
  /** True when the session ended because of it; false when it carries on. */
  fatal: boolean;
}

/**
 * One measurement, in milliseconds: `tokenMs` (token fetch) and `connectMs` (socket to configured
 * session) once connected, `firstAudioMs` (end of the user's turn to the first audio of the reply),
 * `bargeInMs` (interruption to silence), or `usage` (tokens of a finished response, from `response.done`).
 */
export interface RvMetricsDetail {
  tokenMs?: number;
  connectMs?: number;
  firstAudioMs?: number;
  bargeInMs?: number;
  usage?: ResponseUsage;
  responseId?: string;
}

/** A raw wire event: `{ type, ... }` as received from, or sent to, the server. */
export type RvWireDetail = { type: string; [key: string]: unknown };

abstract class RvEvent<D> extends Event {
  readonly detail: D;
  constructor(type: string, detail: D) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** `rv-state`: the state changed. */
export class RvStateEvent extends RvEvent<RvStateDetail> {
  constructor(detail: RvStateDetail) {
    super('rv-state', detail);
  }
}

/** `rv-transcript`: a transcript line grew or was completed. */
export class RvTranscriptEvent extends RvEvent<RvTranscriptDetail> {
  constructor(detail: RvTranscriptDetail) {
    super('rv-transcript', detail);
  }
}

/** `rv-tool-call`: the model called a tool that has no `handler`; answer with `detail.respond(result)`. */
export class RvToolCallEvent extends RvEvent<RvToolCallDetail> {
  constructor(detail: RvToolCallDetail) {
    super('rv-tool-call', detail);
  }
}

/** `rv-error`: something failed; `detail.fatal` says whether the session ended. */
export class RvErrorEvent extends RvEvent<RvErrorDetail> {
  constructor(detail: RvErrorDetail) {
    super('rv-error', detail);
  }
}

/** `rv-server-event`: a raw event received from the server (for analytics and debugging). */
export class RvServerEventEvent extends RvEvent<RvWireDetail> {
  constructor(detail: RvWireDetail) {
    super('rv-server-event', detail);
  }
}

/** `rv-client-event`: a raw event sent to the server (for analytics and debugging). */
export class RvClientEventEvent extends RvEvent<RvWireDetail> {
  constructor(detail: RvWireDetail) {
    super('rv-client-event', detail);
  }
}

/** `rv-metrics`: a latency measurement or token usage. */
export class RvMetricsEvent extends RvEvent<RvMetricsDetail> {
  constructor(detail: RvMetricsDetail) {
    super('rv-metrics', detail);
  }
}

interface RealtimeVoiceEventMap {
  'rv-state': RvStateEvent;
  'rv-transcript': RvTranscriptEvent;
  'rv-tool-call': RvToolCallEvent;
  'rv-error': RvErrorEvent;
  'rv-server-event': RvServerEventEvent;
  'rv-client-event': RvClientEventEvent;
  'rv-metrics': RvMetricsEvent;
}

declare global {
  interface HTMLElementEventMap extends RealtimeVoiceEventMap {}
  interface GlobalEventHandlersEventMap extends RealtimeVoiceEventMap {}
}
