// Typed builders for GA client events. Their parameter types come from the strict schemas, so what
// GA rejects (temperature, both output modalities, a flat beta session) does not type-check.
import type { ClientEventOf, ResponseCreateParams } from './client-events.js';
import type {
  ClientFunctionCallOutputItem,
  ClientItem,
  ClientMessageItem,
} from './items.js';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from './session.js';

/** Options every builder takes last. `eventId` is echoed by the server in an `error` about this event. */
export interface BuildOptions {
  eventId?: string;
}

function build<T extends string, P extends object>(type: T, payload: P, options?: BuildOptions) {
  return options?.eventId !== undefined
    ? { type, event_id: options.eventId, ...payload }
    : { type, ...payload };
}

/** `session.update` for a speech-to-speech session; `session.type` is always `"realtime"`. */
export function sessionUpdate(
  session: Omit<RealtimeSessionConfig, 'type'>,
  options?: BuildOptions,
): ClientEventOf<'session.update'> {
  return build('session.update', { session: { ...session, type: 'realtime' as const } }, options);
}

/** `session.update` for a transcription-only session; `session.type` is always `"transcription"`. */
export function transcriptionSessionUpdate(
  session: Omit<TranscriptionSessionConfig, 'type'>,
  options?: BuildOptions,
): ClientEventOf<'session.update'> {
  return build('session.update', { session: { ...session, type: 'transcription' as const } }, options);
}

/** Appends base64 audio (in the session's input format, PCM16 LE 24 kHz by default) to the input buffer. */
export function inputAudioBufferAppend(audioBase64: string, options?: BuildOptions): ClientEventOf<'input_audio_buffer.append'> {
  return build('input_audio_buffer.append', { audio: audioBase64 }, options);
}

/** Commits the input buffer as a user item (push-to-talk, or VAD off). */
export function inputAudioBufferCommit(options?: BuildOptions): ClientEventOf<'input_audio_buffer.commit'> {
  return build('input_audio_buffer.commit', {}, options);
}

/** Drops uncommitted input audio. */
export function inputAudioBufferClear(options?: BuildOptions): ClientEventOf<'input_audio_buffer.clear'> {
  return build('input_audio_buffer.clear', {}, options);
}

/**
 * Adds an item to the conversation, after `previousItemId` (`"root"` = at the start). Without one
 * (undefined or null) the item is appended.
 */
export function conversationItemCreate(
  item: ClientItem,
  previousItemId?: string | null,
  options?: BuildOptions,
): ClientEventOf<'conversation.item.create'> {
  return build(
    'conversation.item.create',
    previousItemId == null ? { item } : { item, previous_item_id: previousItemId },
    options,
  );
}

/** Asks the server for an item, including its audio bytes. */
export function conversationItemRetrieve(itemId: string, options?: BuildOptions): ClientEventOf<'conversation.item.retrieve'> {
  return build('conversation.item.retrieve', { item_id: itemId }, options);
}

/**
 * Truncates an assistant audio item to what the user actually heard. `audioEndMs` is floored to a
 * whole millisecond and clamped at 0 (GA wants a non-negative integer).
 */
export function conversationItemTruncate(
  itemId: string,
  contentIndex: number,
  audioEndMs: number,
  options?: BuildOptions,
): ClientEventOf<'conversation.item.truncate'> {
  const ms = Number.isFinite(audioEndMs) ? Math.max(0, Math.floor(audioEndMs)) : 0;
  return build('conversation.item.truncate', { item_id: itemId, content_index: contentIndex, audio_end_ms: ms }, options);
}

/** Removes an item from the conversation. */
export function conversationItemDelete(itemId: string, options?: BuildOptions): ClientEventOf<'conversation.item.delete'> {
  return build('conversation.item.delete', { item_id: itemId }, options);
}

/** Asks for a model response; `response` overrides session settings for this response only. */
export function responseCreate(response?: ResponseCreateParams, options?: BuildOptions): ClientEventOf<'response.create'> {
  return build('response.create', response === undefined ? {} : { response }, options);
}

/** Cancels the active response (or the one named by `responseId`). */
export function responseCancel(responseId?: string, options?: BuildOptions): ClientEventOf<'response.cancel'> {
  return build('response.cancel', responseId === undefined ? {} : { response_id: responseId }, options);
}

/** Stops server-side playout (WebRTC/SIP only; send after `response.cancel`). */
export function outputAudioBufferClear(options?: BuildOptions): ClientEventOf<'output_audio_buffer.clear'> {
  return build('output_audio_buffer.clear', {}, options);
}

/** A user text message item. */
export function userText(text: string): ClientMessageItem & { role: 'user' } {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** An assistant text message item (how history replays assistant speech, as its transcript). */
export function assistantText(text: string): ClientMessageItem & { role: 'assistant' } {
  return { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
}

/** A system message item. */
export function systemText(text: string): ClientMessageItem & { role: 'system' } {
  return { type: 'message', role: 'system', content: [{ type: 'input_text', text }] };
}

/** The result of a function call, for the `call_id` the model gave. `output` is free text or JSON text. */
export function functionCallOutput(callId: string, output: string): ClientFunctionCallOutputItem {
  return { type: 'function_call_output', call_id: callId, output };
}
