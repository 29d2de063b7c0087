// One realtime session of the mock: the GA state machine behind a WebSocket. It validates client
// events with the shared protocol schemas, runs server VAD on the appended audio's own timeline,
// keeps the conversation (text only, no audio), and streams scripted responses.
import {
  decodeBase64,
  encodeBase64,
  parseClientEvent,
  type ClientEvent,
  type ClientEventOf,
  type ResponseCreateParams,
} from '../protocol/index.js';
import type { MockClock } from './clock.js';
import { frameError, gaError, type GaErrorDetail } from './errors.js';
import type { IdGenerator } from './ids.js';
import type { Pacer } from './pacing.js';
import { Playout, type SessionMedia } from './playout.js';
import {
  applySession,
  voiceName,
  type EffectiveSession,
  type FormatConfig,
  type ServerVadConfig,
  type TurnDetectionConfig,
} from './session-config.js';
import { pickTool, toolArguments, type MockFunctionTool } from './tool-rule.js';
import { EnergyVad, type VadParams } from './vad.js';
import { decodeAudio, encodeAudio, planVoice, renderVoice, sampleRateOf, type VoicePlan } from './voice.js';

/** A server event before the connection stamps its `event_id`. */
export type OutgoingEvent = { type: string; [key: string]: unknown };

/** What a session needs from its connection. */
export interface SessionHost {
  send(event: OutgoingEvent): void;
  close(code: number, reason: string): void;
  readonly ids: IdGenerator;
  readonly clock: MockClock;
  readonly pacer: Pacer;
  /** WebRTC: the voice leaves as media in real time (no audio deltas), with output_audio_buffer events. */
  readonly media?: SessionMedia;
}

export interface SessionBehaviour {
  /** Session time limit in ms (GA: 60 minutes). */
  sessionLimitMs: number;
  /** Input transcription events right after the user item (default) or after the response it triggered. */
  inputTranscriptTiming: 'before_response' | 'after_response';
}

type Item = Record<string, unknown> & { id: string; type: string };

interface ItemMeta {
  /** Assistant audio: samples sent so far (what truncate checks against), and their rate. */
  audioSamples?: number;
  audioRate?: number;
  /** User audio: committed duration, and the deterministic stand-in transcript. */
  inputAudioMs?: number;
  standIn?: string;
}

interface ResponseRun {
  id: string;
  inConversation: boolean;
  params: ResponseCreateParams;
  modalities: ['audio'] | ['text'];
  voice: string | { id: string };
  format: FormatConfig;
  maxOutputTokens: number | 'inf';
  context: Item[];
  finished: boolean;
  output: Item[];
  kind: 'audio' | 'text' | 'function_call';
  item: Item;
  /** What the response says (message) or the arguments JSON (function call). */
  text: string;
  incomplete: boolean;
  sent: string;
  plan?: VoicePlan;
  wordsSent: number;
  samplesSent: number;
  chunkIndex: number;
  callId?: string;
  afterDone: Array<() => void>;
}

const FUNCTION_ARGUMENT_SLICE = 16;
const MIN_COMMIT_MS = 100;
/** The client event types live lists when it refuses an unknown one (protocol.md, 2026-12-01 update), in its order. */
const SUPPORTED_TYPES = [
  'session.update',
  'session.close',
  'input_audio_buffer.append',
  'session.input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
];

/** Marks a text frame that was not valid JSON. */
export const INVALID_JSON: unique symbol = Symbol('invalid JSON');

/** The GA state machine of one connection (no I/O of its own: events go out through the host). */
export class MockSession {
  private current: EffectiveSession;
  private readonly conversationId: string;
  private readonly items: Item[] = [];
  private readonly meta = new Map<string, ItemMeta>();
  private readonly responses = new Set<ResponseRun>();
  private active: ResponseRun | undefined;
  private vad: EnergyVad;
  /** Item id announced by speech_started, used by the commit that ends the utterance. */
  private speechItemId: string | undefined;
  private speechOnset = 0;
  private speechStart = 0;
  /** Input timeline sample where idle time started counting, or null while disarmed. */
  private idleFrom: number | null = null;
  private audioSent = false;
  /** Whether a model output item was done in this session yet (see closeItem). */
  private outputDone = false;
  private readonly playout: Playout | undefined;
  private lastResponseId: string | undefined;
  private limitTimer: unknown;
  private closed = false;

  constructor(
    config: EffectiveSession,
    private readonly host: SessionHost,
    private readonly behaviour: SessionBehaviour,
  ) {
    this.current = config;
    this.conversationId = host.ids.next('conv');
    this.vad = new EnergyVad(this.inputRate, this.vadParams());
    this.vad.enabled = this.turnDetection !== null;
    if (host.media) {
      this.playout = new Playout(host.media, host.clock, {
        started: (id) => this.send('output_audio_buffer.started', { response_id: id }),
        stopped: (id) => this.send('output_audio_buffer.stopped', { response_id: id }),
      });
    }
  }

  /** The effective session config (what session.updated last reported). */
  get config(): EffectiveSession {
    return this.current;
  }

  get kind(): 'realtime' | 'transcription' {
    return this.config.type;
  }

  /** Conversation items (server shape, audio never kept). */
  get conversation(): readonly Item[] {
    return this.items;
  }

  /** The active default-conversation response, if any. */
  get activeResponseId(): string | undefined {
    return this.active?.id;
  }

  /** Sends session.created and conversation.created, and arms the session time limit. */
  start(): void {
    this.send('session.created', { session: this.config });
    this.send('conversation.created', { conversation: { id: this.conversationId, object: 'realtime.conversation' } });
    this.limitTimer = this.host.clock.setTimeout(() => this.expire(), this.behaviour.sessionLimitMs);
    this.armIdle(this.vad.position);
  }

  /** The session limit is reached: GA's `session_expired` error, then the socket closes. */
  expire(): void {
    if (this.closed) return;
    const ms = this.behaviour.sessionLimitMs;
    // GA's wording is in minutes; a test limit of a few seconds reads better in seconds.
    const duration = ms % 60000 === 0 ? `${ms / 60000} minutes` : `${Math.round(ms) / 1000} seconds`;
    this.sendError(gaError('session_expired', `Your session hit the maximum duration of ${duration}.`));
    this.dispose();
    this.host.close(1001, 'session_expired');
  }

  /** The socket is gone: stop timers and streams. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.clock.clearTimeout(this.limitTimer);
    this.playout?.dispose();
    for (const run of this.responses) run.finished = true;
    this.responses.clear();
    this.active = undefined;
  }

  /**
   * One client frame, already JSON-decoded by the connection: the parsed value, the bytes of a
   * binary frame, or {@link INVALID_JSON}. Validates and dispatches; never throws.
   */
  handleFrame(value: unknown): void {
    if (this.closed) return;
    if (value === INVALID_JSON) {
      this.sendError(frameError({ code: 'invalid_json', message: 'the frame is not valid JSON' }, null));
      return;
    }
    const id = value !== null && typeof value === 'object' ? (value as { event_id?: unknown }).event_id : undefined;
    const eventId = typeof id === 'string' ? id : null;
    const result = parseClientEvent(value);
    if (!result.ok) {
      this.sendError(frameError(result.error, eventId));
      return;
    }
    if (!result.known) {
      const list = SUPPORTED_TYPES.map((t) => `'${t}'`).join(', ');
      this.sendError(gaError('invalid_value', `Invalid value: '${result.event.type}'. Supported values are: ${list}.`, 'type', eventId));
      return;
    }
    this.dispatch(result.event, eventId);
  }

  private dispatch(event: ClientEvent, eventId: string | null): void {
    switch (event.type) {
      case 'session.update':
        return this.onSessionUpdate(event, eventId);
      case 'input_audio_buffer.append':
        return this.onAppend(event, eventId);
      case 'input_audio_buffer.commit':
        return this.onCommit(eventId);
      case 'input_audio_buffer.clear':
        this.vad.resetBuffer();
        this.speechItemId = undefined;
        this.send('input_audio_buffer.cleared', {});
        return;
      case 'output_audio_buffer.clear':
        if (this.playout) return this.clearOutput();
        this.sendError(gaError('invalid_value', 'output_audio_buffer.clear is only supported for WebRTC and SIP sessions; over WebSocket, truncate the item instead.', 'type', eventId));
        return;
    }
    if (this.kind === 'transcription') {
      this.sendError(gaError('invalid_value', `'${event.type}' is not supported in transcription sessions.`, 'type', eventId));
      return;
    }
    switch (event.type) {
      case 'conversation.item.create':
        return this.onItemCreate(event, eventId);
      case 'conversation.item.retrieve': {
        const item = this.findItem(event.item_id);
        if (!item) return this.itemNotFound(event.item_id, eventId);
        this.send('conversation.item.retrieved', { item });
        return;
      }
      case 'conversation.item.delete': {
        const index = this.items.findIndex((i) => i.id === event.item_id);
        if (index < 0) return this.itemNotFound(event.item_id, eventId);
        this.items.splice(index, 1);
        this.meta.delete(event.item_id);
        this.send('conversation.item.deleted', { item_id: event.item_id });
        return;
      }
      case 'conversation.item.truncate':
        return this.onTruncate(event, eventId);
      case 'response.create':
        return this.onResponseCreate(event, eventId);
      case 'response.cancel': {
        const run = event.response_id ? [...this.responses].find((r) => r.id === event.response_id) : this.active;
        if (!run) {
          this.sendError(gaError('response_cancel_not_active', 'Cancellation failed: no active response found.', null, eventId));
          return;
        }
        this.cancel(run, 'client_cancelled');
        return;
      }
    }
  }

  // ---- session.update ----------------------------------------------------------------------------

  private onSessionUpdate(event: ClientEventOf<'session.update'>, eventId: string | null): void {
    const update = event.session as Record<string, unknown> & { type: string };
    if (update.type !== this.kind) {
      this.sendError(gaError('invalid_value', `Invalid value for 'session.type': this is a ${this.kind} session, and a session's type cannot change.`, 'session.type', eventId));
      return;
    }
    if (typeof update.model === 'string' && update.model !== this.config.model) {
      this.sendError(gaError('invalid_value', "Cannot update a session's model.", 'session.model', eventId));
      return;
    }
    const voice = (update.audio as { output?: { voice?: string | { id: string } } } | undefined)?.output?.voice;
    const current = this.config.audio.output?.voice;
    if (voice !== undefined && current !== undefined && this.audioSent && voiceName(voice) !== voiceName(current)) {
      this.sendError(gaError('invalid_value', "Cannot update a session's voice after the model has responded with audio.", 'session.audio.output.voice', eventId));
      return;
    }
    this.applyConfig(applySession(this.config, update));
    this.send('session.updated', { session: this.config });
  }

  /** Installs a new effective config and re-tunes the VAD (a new input format changes its timeline rate). */
  private applyConfig(config: EffectiveSession): void {
    const oldRate = this.inputRate;
    this.current = config;
    if (this.inputRate !== oldRate) {
      const scale = (s: number) => Math.round((s * this.inputRate) / oldRate);
      const vad = new EnergyVad(this.inputRate, this.vadParams());
      vad.position = scale(this.vad.position);
      vad.bufferStart = scale(this.vad.bufferStart);
      this.vad = vad;
    } else {
      this.vad.setParams(this.vadParams());
    }
    this.vad.enabled = this.turnDetection !== null;
    if (this.idleTimeoutMs === null) this.idleFrom = null;
    else if (this.idleFrom === null && !this.vad.inSpeech && !this.active) this.idleFrom = this.vad.position;
  }

  private get turnDetection(): TurnDetectionConfig | null {
    return this.config.audio.input.turn_detection;
  }

  private get inputRate(): number {
    return sampleRateOf(this.config.audio.input.format.type);
  }

  private get idleTimeoutMs(): number | null {
    const td = this.turnDetection;
    return this.kind === 'realtime' && td?.type === 'server_vad' ? td.idle_timeout_ms : null;
  }

  /** semantic_vad runs on the same energy detector; its eagerness picks the silence it waits for. */
  private vadParams(): VadParams {
    const td = this.turnDetection;
    if (td?.type === 'semantic_vad') {
      const silence = { low: 1000, medium: 600, auto: 600, high: 300 }[td.eagerness];
      return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: silence };
    }
    const vad = td ?? ({ threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 } as ServerVadConfig);
    return { threshold: vad.threshold, prefixPaddingMs: vad.prefix_padding_ms, silenceDurationMs: vad.silence_duration_ms };
  }

  // ---- input audio -------------------------------------------------------------------------------

  private onAppend(event: ClientEventOf<'input_audio_buffer.append'>, eventId: string | null): void {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(event.audio);
    } catch {
      this.sendError(gaError('invalid_value', "Invalid value for 'audio': expected base64-encoded audio.", 'audio', eventId));
      return;
    }
    this.feed(decodeAudio(bytes, this.config.audio.input.format.type));
  }

  /** WebRTC: the user's voice decoded from media, PCM16 at 24 kHz, on the same path as appended audio. */
  appendMedia(pcm: Int16Array): void {
    if (this.closed) return;
    const step = 24000 / this.inputRate;
    if (step === 1) return this.feed(pcm);
    // A G.711 session format makes the timeline 8 kHz: keep every third sample.
    const out = new Int16Array(Math.floor(pcm.length / step));
    for (let i = 0; i < out.length; i++) out[i] = pcm[i * step]!;
    this.feed(out);
  }

  private feed(samples: Int16Array): void {
    for (const ev of this.vad.push(samples)) {
      if (ev.kind === 'speech_started') {
        this.idleFrom = null;
        this.speechItemId = this.host.ids.next('item');
        this.speechOnset = ev.onsetSample;
        this.speechStart = ev.startSample;
        this.send('input_audio_buffer.speech_started', { audio_start_ms: this.vad.ms(ev.startSample), item_id: this.speechItemId });
        if (this.turnDetection?.interrupt_response) {
          if (this.active) this.cancel(this.active, 'turn_detected');
          if (this.playout?.active) this.clearOutput();
        }
      } else {
        const itemId = this.speechItemId ?? this.host.ids.next('item');
        this.speechItemId = undefined;
        this.send('input_audio_buffer.speech_stopped', { audio_end_ms: this.vad.ms(ev.endSample), item_id: itemId });
        const audioMs = this.vad.ms(ev.endSample) - this.vad.ms(this.speechStart);
        const speechMs = this.vad.ms(ev.lastSpeechSample - this.speechOnset);
        this.commitUserAudio(itemId, audioMs, standInTranscript(speechMs), this.turnDetection?.create_response === true);
        if (!this.active) this.armIdle(ev.endSample);
      }
    }
    this.checkIdle();
  }

  private onCommit(eventId: string | null): void {
    const ms = this.vad.ms(this.vad.bufferedSamples);
    if (ms < MIN_COMMIT_MS) {
      const shown = (this.vad.bufferedSamples * 1000) / this.inputRate;
      this.sendError(
        gaError(
          'input_audio_buffer_commit_empty',
          `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${shown.toFixed(2)}ms of audio.`,
          null,
          eventId,
        ),
      );
      return;
    }
    const itemId = this.speechItemId ?? this.host.ids.next('item');
    this.speechItemId = undefined;
    this.vad.resetBuffer();
    // A manual commit never creates a response, with or without VAD.
    this.commitUserAudio(itemId, ms, standInTranscript(ms), false);
  }

  /** input_audio_buffer.committed, the user item (added, done), its transcription, and maybe a response. */
  private commitUserAudio(itemId: string, audioMs: number, standIn: string, respond: boolean): void {
    const previous = this.lastItemId();
    this.send('input_audio_buffer.committed', { previous_item_id: previous, item_id: itemId });
    const item: Item = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.insertItem(item, this.items.length);
    this.meta.set(itemId, { inputAudioMs: audioMs, standIn });
    this.send('conversation.item.added', { previous_item_id: previous, item });
    this.send('conversation.item.done', { previous_item_id: previous, item });
    const transcribe = () => this.transcribe(item, audioMs, standIn);
    if (!respond || this.kind !== 'realtime' || this.active) {
      transcribe();
    } else if (this.behaviour.inputTranscriptTiming === 'after_response') {
      this.startResponse({}).afterDone.push(transcribe);
    } else {
      transcribe();
      this.startResponse({});
    }
  }

  private transcribe(item: Item, audioMs: number, transcript: string): void {
    const config = this.config.audio.input.transcription;
    if (!config || this.closed || !this.findItem(item.id)) return;
    const logprobs = Array.isArray(this.config.include) && this.config.include.includes('item.input_audio_transcription.logprobs');
    for (const piece of transcript.match(/\s*\S+/g) ?? []) {
      this.send('conversation.item.input_audio_transcription.delta', {
        item_id: item.id,
        content_index: 0,
        delta: piece,
        ...(logprobs ? { logprobs: [{ token: piece, logprob: 0, bytes: [...new TextEncoder().encode(piece)] }] } : {}),
      });
    }
    const audioTokens = Math.ceil(audioMs / 100);
    const textTokens = Math.ceil(transcript.length / 4);
    this.send('conversation.item.input_audio_transcription.completed', {
      item_id: item.id,
      content_index: 0,
      transcript,
      usage: { type: 'tokens', input_tokens: audioTokens, output_tokens: textTokens, total_tokens: audioTokens + textTokens, input_token_details: { audio_tokens: audioTokens, text_tokens: 0 } },
      ...(logprobs ? { logprobs: [] } : {}),
    });
    (item.content as Array<Record<string, unknown>>)[0]!.transcript = transcript;
  }

  // ---- idle timeout (server_vad idle_timeout_ms), on the input audio timeline ------------------

  private armIdle(at: number): void {
    this.idleFrom = this.idleTimeoutMs === null ? null : at;
  }

  private checkIdle(): void {
    const timeoutMs = this.idleTimeoutMs;
    if (timeoutMs === null || this.idleFrom === null || this.vad.inSpeech || this.active) return;
    const due = this.idleFrom + Math.round((timeoutMs * this.inputRate) / 1000);
    if (this.vad.position < due) return;
    const itemId = this.host.ids.next('item');
    this.send('input_audio_buffer.timeout_triggered', {
      audio_start_ms: this.vad.ms(this.idleFrom),
      audio_end_ms: this.vad.ms(due),
      item_id: itemId,
    });
    this.idleFrom = null;
    this.vad.resetBuffer();
    this.commitUserAudio(itemId, 0, '', this.turnDetection?.create_response === true);
  }

  // ---- conversation items ------------------------------------------------------------------------

  private lastItemId(): string | null {
    return this.items.at(-1)?.id ?? null;
  }

  private findItem(id: string): Item | undefined {
    return this.items.find((i) => i.id === id);
  }

  private insertItem(item: Item, index: number): void {
    this.items.splice(index, 0, item);
  }

  private itemNotFound(id: string, eventId: string | null, param = 'item_id'): void {
    this.sendError(gaError('invalid_value', `Item with item_id '${id}' not found.`, param, eventId));
  }

  private onItemCreate(event: ClientEventOf<'conversation.item.create'>, eventId: string | null): void {
    const given = event.item as Record<string, unknown>;
    if (typeof given.id === 'string' && this.findItem(given.id)) {
      this.sendError(gaError('invalid_value', `Item with id '${given.id}' already exists.`, 'item.id', eventId));
      return;
    }
    let index = this.items.length;
    const prev = event.previous_item_id;
    if (prev === 'root') index = 0;
    else if (prev !== undefined) {
      const at = this.items.findIndex((i) => i.id === prev);
      if (at < 0) {
        this.sendError(gaError('invalid_value', `Previous item with item_id '${prev}' not found.`, 'previous_item_id', eventId));
        return;
      }
      index = at + 1;
    }
    if (given.type === 'function_call_output' && !this.items.some((i) => i.type === 'function_call' && i.call_id === given.call_id)) {
      this.sendError(gaError('invalid_value', `No tool call found for function call output with call_id '${String(given.call_id)}'.`, 'item.call_id', eventId));
      return;
    }
    const { item, audioMs } = this.serverItem(given);
    const previous = this.items[index - 1]?.id ?? null;
    this.insertItem(item, index);
    if (audioMs !== undefined) this.meta.set(item.id, { inputAudioMs: audioMs, standIn: standInTranscript(audioMs) });
    this.send('conversation.item.added', { previous_item_id: previous, item });
    this.send('conversation.item.done', { previous_item_id: previous, item });
  }

  /** A client item in the server's shape: id, object, status; input audio reduced to its length. */
  private serverItem(given: Record<string, unknown>): { item: Item; audioMs?: number } {
    const { id, object: _object, status: _status, ...rest } = structuredClone(given);
    const item: Item = { type: String(rest.type), ...rest, id: typeof id === 'string' ? id : this.host.ids.next('item'), object: 'realtime.item', status: 'completed' };
    if (item.type === 'function_call' && typeof item.call_id !== 'string') item.call_id = this.host.ids.next('call');
    let audioMs: number | undefined;
    if (Array.isArray(item.content)) {
      item.content = (item.content as Array<Record<string, unknown>>).map((part) => {
        if (part.type !== 'input_audio') return part;
        let bytes = 0;
        try {
          bytes = decodeBase64(String(part.audio)).length;
        } catch {
          bytes = 0;
        }
        const rate = this.inputRate;
        audioMs = (audioMs ?? 0) + Math.floor(((rate === 24000 ? bytes / 2 : bytes) * 1000) / rate);
        // The mock keeps no audio: the part keeps its transcript only.
        return { type: 'input_audio', transcript: typeof part.transcript === 'string' ? part.transcript : null };
      });
    }
    return { item, audioMs };
  }

  /**
   * WebRTC: stops the voice (output_audio_buffer.clear, or a barge-in). The server knows what was
   * heard, so it truncates the item itself (protocol.md §8.1): its audio ends there, its transcript goes.
   */
  private clearOutput(): void {
    const cut = this.playout!.clear();
    const meta = cut && this.meta.get(cut.itemId);
    if (cut && meta) {
      meta.audioSamples = cut.playedSamples;
      const part = (this.findItem(cut.itemId)?.content as Array<Record<string, unknown>> | undefined)?.[0];
      if (part?.type === 'output_audio') part.transcript = '';
    }
    const responseId = cut?.responseId ?? this.lastResponseId;
    if (responseId) this.send('output_audio_buffer.cleared', { response_id: responseId });
  }

  private onTruncate(event: ClientEventOf<'conversation.item.truncate'>, eventId: string | null): void {
    const item = this.findItem(event.item_id);
    if (!item) return this.itemNotFound(event.item_id, eventId);
    const meta = this.meta.get(item.id);
    if (item.type !== 'message' || item.role !== 'assistant' || meta?.audioSamples === undefined) {
      this.sendError(gaError('invalid_value', 'Only model output audio messages can be truncated.', 'item_id', eventId));
      return;
    }
    const part = (item.content as Array<Record<string, unknown>>)[event.content_index];
    if (part && part.type !== 'output_audio') {
      this.sendError(gaError('invalid_value', `Content part ${event.content_index} of item '${item.id}' is not audio.`, 'content_index', eventId));
      return;
    }
    if (!part && event.content_index !== 0) {
      this.sendError(gaError('invalid_value', `Item '${item.id}' has no content part ${event.content_index}.`, 'content_index', eventId));
      return;
    }
    const rate = meta.audioRate ?? 24000;
    const sentMs = Math.floor((meta.audioSamples * 1000) / rate);
    if (event.audio_end_ms > sentMs) {
      this.sendError(gaError('invalid_value', `Audio content of ${sentMs}ms is already shorter than ${event.audio_end_ms}ms`, 'audio_end_ms', eventId));
      return;
    }
    meta.audioSamples = Math.floor((event.audio_end_ms * rate) / 1000);
    // The server cannot align text to audio, so it drops the whole transcript (protocol.md §8.2).
    if (part) part.transcript = '';
    this.send('conversation.item.truncated', { item_id: item.id, content_index: event.content_index, audio_end_ms: event.audio_end_ms });
  }

  // ---- responses ---------------------------------------------------------------------------------

  private onResponseCreate(event: ClientEventOf<'response.create'>, eventId: string | null): void {
    const params = event.response ?? {};
    const inConversation = params.conversation === undefined || params.conversation === 'auto';
    if (inConversation && this.active) {
      this.sendError(
        gaError(
          'conversation_already_has_active_response',
          `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
          null,
          eventId,
        ),
      );
      return;
    }
    const context: Item[] = [];
    if (params.input) {
      for (const [i, entry] of params.input.entries()) {
        if (entry.type === 'item_reference') {
          const found = this.findItem(entry.id);
          if (!found) return this.itemNotFound(entry.id, eventId, `response.input[${i}].id`);
          context.push(found);
        } else {
          context.push(this.serverItem(entry as Record<string, unknown>).item);
        }
      }
    }
    this.startResponse(params, params.input ? context : undefined);
  }

  /** response.created and the opening events of the one output item; then streams (rate_limits.updated follows response.done). */
  private startResponse(params: ResponseCreateParams, context?: Item[]): ResponseRun {
    const outputConfig = this.config.audio.output!;
    const inConversation = params.conversation === undefined || params.conversation === 'auto';
    const format = params.audio?.output?.format
      ? (params.audio.output.format.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: params.audio.output.format.type }) as FormatConfig
      : outputConfig.format;
    const run: ResponseRun = {
      id: this.host.ids.next('resp'),
      inConversation,
      params,
      modalities: params.output_modalities ?? this.config.output_modalities ?? ['audio'],
      voice: params.audio?.output?.voice ?? outputConfig.voice,
      format,
      maxOutputTokens: params.max_output_tokens ?? this.config.max_output_tokens ?? 'inf',
      context: context ?? [...this.items],
      finished: false,
      output: [],
      kind: 'text',
      item: { id: '', type: 'message' },
      text: '',
      incomplete: false,
      sent: '',
      wordsSent: 0,
      samplesSent: 0,
      chunkIndex: 0,
      afterDone: [],
    };
    this.responses.add(run);
    this.lastResponseId = run.id;
    if (inConversation) this.active = run;
    this.idleFrom = null;
    this.send('response.created', { response: this.responseObject(run, 'in_progress', null) });
    const last = latestInput(run.context);
    const tools = ((params.tools ?? this.config.tools ?? []) as MockFunctionTool[]).filter((t) => t.type === 'function');
    const toolChoice = (params.tool_choice ?? this.config.tool_choice) as Parameters<typeof pickTool>[1];
    const tool = last?.type === 'message' && last.role === 'user' ? pickTool(tools, toolChoice, userText(last)) : undefined;
    if (tool) this.openFunctionCall(run, tool);
    else this.openMessage(run, this.replyText(run.context));
    void this.stream(run);
    return run;
  }

  /** The deterministic reply to the latest user message or function output of the context. */
  private replyText(context: Item[]): string {
    const last = latestInput(context);
    if (last?.type === 'function_call_output') {
      const call = context.find((i) => i.type === 'function_call' && i.call_id === last.call_id) ?? this.items.find((i) => i.type === 'function_call' && i.call_id === last.call_id);
      return `The ${String(call?.name ?? 'function')} tool returned: ${clip(String(last.output), 160)}`;
    }
    if (last?.type === 'message' && last.role === 'user') {
      const text = userText(last);
      if (text !== undefined) return `You wrote: ${clip(text, 160)}`;
      const meta = this.meta.get(last.id);
      if (meta?.inputAudioMs === 0) return 'Are you still there?';
      return `You said: ${meta?.standIn ?? '(speech)'}`;
    }
    return 'Hello from the mock realtime server.';
  }

  private openMessage(run: ResponseRun, text: string): void {
    run.kind = run.modalities[0] === 'text' ? 'text' : 'audio';
    const limit = run.maxOutputTokens === 'inf' ? Infinity : run.maxOutputTokens;
    if (Math.ceil(text.length / 4) > limit) {
      text = text.slice(0, limit * 4);
      run.incomplete = true;
    }
    run.text = text;
    run.item = { id: this.host.ids.next('item'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    this.openItem(run);
    if (run.kind === 'audio') {
      const rate = this.host.media?.rate ?? sampleRateOf(run.format.type);
      run.plan = planVoice(text, voiceName(run.voice), this.config.audio.output?.speed ?? 1, rate);
      this.meta.set(run.item.id, { audioSamples: 0, audioRate: rate });
    }
    // Live content_part events spell parts `audio` / `text`; the item's content says `output_audio` / `output_text`.
    const part = run.kind === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' };
    this.send('response.content_part.added', { ...this.contentRef(run), part });
    if (run.plan) this.playout?.add({ responseId: run.id, itemId: run.item.id, plan: run.plan, produced: () => run.samplesSent, ended: () => run.finished });
  }

  private openFunctionCall(run: ResponseRun, tool: MockFunctionTool): void {
    run.kind = 'function_call';
    run.text = toolArguments(tool);
    run.callId = this.host.ids.next('call');
    run.item = { id: this.host.ids.next('item'), object: 'realtime.item', type: 'function_call', status: 'in_progress', name: tool.name, call_id: run.callId, arguments: '' };
    this.openItem(run);
  }

  private openItem(run: ResponseRun): void {
    run.output.push(run.item);
    this.send('response.output_item.added', { response_id: run.id, output_index: 0, item: run.item });
    if (!run.inConversation) return;
    const previous = this.lastItemId();
    this.insertItem(run.item, this.items.length);
    this.send('conversation.item.added', { previous_item_id: previous, item: run.item });
  }

  private contentRef(run: ResponseRun) {
    return { response_id: run.id, item_id: run.item.id, output_index: 0, content_index: 0 };
  }

  private async stream(run: ResponseRun): Promise<void> {
    const pacer = this.host.pacer;
    while (!run.finished) {
      await pacer.tick();
      for (let k = 0; k < pacer.pacing.chunksPerTick; k++) {
        if (run.finished || this.closed) return;
        if (!this.step(run)) {
          this.closeItem(run, run.incomplete ? 'incomplete' : 'completed');
          this.finish(run, run.incomplete ? 'incomplete' : 'completed', run.incomplete ? { type: 'incomplete', reason: 'max_output_tokens' } : null);
          return;
        }
        if (pacer.stalled) break;
      }
    }
  }

  /** Sends one delta; false when there is nothing left to send. */
  private step(run: ResponseRun): boolean {
    if (run.kind === 'function_call') {
      if (run.sent.length >= run.text.length) return false;
      const delta = run.text.slice(run.sent.length, run.sent.length + FUNCTION_ARGUMENT_SLICE);
      run.sent += delta;
      this.send('response.function_call_arguments.delta', { response_id: run.id, item_id: run.item.id, output_index: 0, call_id: run.callId, delta });
      return true;
    }
    if (run.kind === 'text') {
      const words = run.text.match(/\s*\S+/g) ?? [];
      const word = words[run.wordsSent];
      if (word === undefined) return false;
      run.wordsSent++;
      run.sent += word;
      this.send('response.output_text.delta', { ...this.contentRef(run), delta: word });
      return true;
    }
    const plan = run.plan!;
    if (run.samplesSent >= plan.totalSamples) {
      this.sendWords(run, Infinity);
      return false;
    }
    const ms = this.host.pacer.pacing.chunkMs;
    const chunkMs = ms[run.chunkIndex++ % ms.length] ?? 100;
    const count = Math.min(plan.totalSamples - run.samplesSent, Math.max(1, Math.round((chunkMs * plan.sampleRate) / 1000)));
    this.sendWords(run, run.samplesSent + count);
    // Over WebRTC the voice is rendered as it plays (Playout); here the model only runs ahead.
    const pcm = this.playout ? undefined : renderVoice(plan, run.samplesSent, count);
    run.samplesSent += count;
    const meta = this.meta.get(run.item.id);
    if (meta) meta.audioSamples = run.samplesSent;
    this.audioSent = true;
    if (pcm) this.send('response.output_audio.delta', { ...this.contentRef(run), delta: encodeBase64(encodeAudio(pcm, run.format.type)) });
    return true;
  }

  /** Transcript deltas for the words that start before `untilSample`. */
  private sendWords(run: ResponseRun, untilSample: number): void {
    const words = run.plan!.words;
    while (run.wordsSent < words.length && words[run.wordsSent]!.startSample < untilSample) {
      const delta = words[run.wordsSent++]!.text;
      run.sent += delta;
      this.send('response.output_audio_transcript.delta', { ...this.contentRef(run), delta });
    }
  }

  /** The closing events of the output item, as sent on completion and on cancellation alike. */
  private closeItem(run: ResponseRun, status: 'completed' | 'incomplete'): void {
    const item = run.item;
    if (run.kind === 'function_call') {
      item.arguments = run.sent;
      this.send('response.function_call_arguments.done', { response_id: run.id, item_id: item.id, output_index: 0, call_id: run.callId, name: item.name, arguments: run.sent });
    } else if (run.kind === 'audio') {
      this.send('response.output_audio.done', this.contentRef(run));
      this.send('response.output_audio_transcript.done', { ...this.contentRef(run), transcript: run.sent });
      this.send('response.content_part.done', { ...this.contentRef(run), part: { type: 'audio', transcript: run.sent } });
      item.content = [{ type: 'output_audio', transcript: run.sent }];
    } else {
      this.send('response.output_text.done', { ...this.contentRef(run), text: run.sent });
      this.send('response.content_part.done', { ...this.contentRef(run), part: { type: 'text', text: run.sent } });
      item.content = [{ type: 'output_text', text: run.sent }];
    }
    item.status = status;
    // Live: the conversation's item is done before the response's output item, and the first one a session's model
    // writes names no predecessor there (previous_item_id null; its conversation.item.added named it). Recorded in
    // four live sessions (test/fixtures/live and the cassettes cited in test/client/live-replay.test.ts).
    if (run.inConversation && this.findItem(item.id)) {
      const index = this.items.indexOf(item);
      const previous = this.outputDone ? (this.items[index - 1]?.id ?? null) : null;
      this.outputDone = true;
      this.send('conversation.item.done', { previous_item_id: previous, item });
    }
    this.send('response.output_item.done', { response_id: run.id, output_index: 0, item });
  }

  private cancel(run: ResponseRun, reason: 'turn_detected' | 'client_cancelled'): void {
    if (run.finished) return;
    this.closeItem(run, 'incomplete');
    this.finish(run, 'cancelled', { type: 'cancelled', reason });
  }

  private finish(run: ResponseRun, status: string, details: Record<string, unknown> | null): void {
    run.finished = true;
    this.responses.delete(run);
    if (this.active === run) this.active = undefined;
    this.send('response.done', { response: this.responseObject(run, status, details) });
    // Live: after the response, with a tokens entry only.
    this.send('rate_limits.updated', { rate_limits: [{ name: 'tokens', limit: 40000, remaining: 39000, reset_seconds: 1.5 }] });
    for (const fn of run.afterDone) fn();
    if (run.inConversation && !this.vad.inSpeech && !this.active) {
      // Idle time counts from when the reply would have finished playing.
      const played = run.plan ? Math.round((run.samplesSent * this.inputRate) / run.plan.sampleRate) : 0;
      this.armIdle(this.vad.position + played);
    }
  }

  private responseObject(run: ResponseRun, status: string, details: Record<string, unknown> | null): Record<string, unknown> {
    return {
      object: 'realtime.response',
      id: run.id,
      status,
      status_details: details,
      output: status === 'in_progress' ? [] : run.output,
      conversation_id: run.inConversation ? this.conversationId : null,
      output_modalities: run.modalities,
      audio: { output: { format: run.format, voice: run.voice } },
      max_output_tokens: run.maxOutputTokens,
      metadata: run.params.metadata ?? null,
      usage: status === 'in_progress' ? null : this.usage(run),
    };
  }

  /** Token counts from text length (4 characters a token) and audio duration (input 100 ms, output 50 ms a token). */
  private usage(run: ResponseRun): Record<string, unknown> {
    let chars = (this.config.instructions ?? '').length;
    let audioMs = 0;
    for (const item of run.context) {
      audioMs += this.meta.get(item.id)?.inputAudioMs ?? 0;
      chars += JSON.stringify(item.content ?? item.arguments ?? item.output ?? '').length;
    }
    const inText = Math.ceil(chars / 4);
    const inAudio = Math.ceil(audioMs / 100);
    const outText = Math.ceil(run.sent.length / 4);
    const outAudio = run.plan ? Math.ceil((run.samplesSent * 1000) / run.plan.sampleRate / 50) : 0;
    return {
      total_tokens: inText + inAudio + outText + outAudio,
      input_tokens: inText + inAudio,
      output_tokens: outText + outAudio,
      input_token_details: {
        text_tokens: inText,
        audio_tokens: inAudio,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio },
    };
  }

  // ---- output ------------------------------------------------------------------------------------

  private send(type: string, fields: Record<string, unknown>): void {
    if (this.closed && type !== 'error') return;
    // Live pads text deltas (not audio ones) with a random `obfuscation` string against length side channels.
    if (OBFUSCATED.has(type)) fields = { ...fields, obfuscation: obfuscation() };
    this.host.send({ type, ...fields });
  }

  /** Sends a GA `error` event; the session stays open. */
  private sendError(error: GaErrorDetail): void {
    this.host.send({ type: 'error', error });
  }
}

const OBFUSCATED = new Set([
  'response.output_audio_transcript.delta',
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'conversation.item.input_audio_transcription.delta',
]);
const OBFUSCATION_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A few random characters, as live's `obfuscation` field carries. */
function obfuscation(): string {
  let out = '';
  const n = 4 + Math.floor(Math.random() * 12);
  for (let i = 0; i < n; i++) out += OBFUSCATION_CHARS[Math.floor(Math.random() * OBFUSCATION_CHARS.length)];
  return out;
}

/** The stand-in transcript of a user turn: its speech duration, e.g. "(1.8 s of speech)". */
export function standInTranscript(speechMs: number): string {
  return `(${(speechMs / 1000).toFixed(1)} s of speech)`;
}

function userText(item: Item): string | undefined {
  const parts = (item.content as Array<Record<string, unknown>> | undefined) ?? [];
  const texts = parts.filter((p) => p.type === 'input_text').map((p) => String(p.text));
  return texts.length ? texts.join(' ') : undefined;
}

/** What a response answers: the latest user message or function output (assistant items are skipped). */
function latestInput(context: Item[]): Item | undefined {
  for (let i = context.length - 1; i >= 0; i--) {
    const item = context[i]!;
    if (item.type === 'function_call_output' || (item.type === 'message' && item.role === 'user')) return item;
  }
  return undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

