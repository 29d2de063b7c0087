// GA server events (protocol.md §5). Loose: fields the server adds later survive parsing untouched.
import * as z from 'zod/mini';
import { anyRecord, asSent, looseFormat, looseVoice, nullableStr, num, optNum, optStr, str, tokensOrInf, eventSchemas, unionOf, type EventUnion } from './zod.js';
import { ItemSchema } from './items.js';
import { ServerSessionSchema } from './session.js';

/** The `error` payload. Most errors are not fatal: the session stays open. */
export const RealtimeErrorDetailSchema = z.looseObject({
  type: optStr,
  code: nullableStr,
  message: str,
  param: nullableStr,
  event_id: nullableStr,
});

export const ResponseUsageSchema = z.looseObject({
  total_tokens: optNum,
  input_tokens: optNum,
  output_tokens: optNum,
  input_token_details: z.optional(
    z.looseObject({
      text_tokens: optNum,
      audio_tokens: optNum,
      image_tokens: optNum,
      cached_tokens: optNum,
      cached_tokens_details: z.optional(
        z.looseObject({ text_tokens: optNum, audio_tokens: optNum, image_tokens: optNum }),
      ),
    }),
  ),
  output_token_details: z.optional(z.looseObject({ text_tokens: optNum, audio_tokens: optNum })),
});

/** GA `RealtimeResponse` as carried by response.created / response.done. */
export const RealtimeResponseSchema = z.looseObject({
  id: str,
  object: optStr,
  status: z.optional(z.enum(['completed', 'cancelled', 'failed', 'incomplete', 'in_progress'])),
  status_details: z.optional(
    z.nullable(
      z.looseObject({
        type: optStr,
        reason: optStr,
        error: z.optional(z.nullable(z.looseObject({ type: optStr, code: nullableStr }))),
      }),
    ),
  ),
  output: z.optional(z.array(ItemSchema)),
  conversation_id: nullableStr,
  /** `"none"` on some out-of-band responses (with `conversation_id: null`). */
  conversation: optStr,
  output_modalities: z.optional(z.array(str)),
  audio: z.optional(
    z.looseObject({
      output: z.optional(
        z.looseObject({
          format: z.optional(looseFormat),
          voice: z.optional(looseVoice),
        }),
      ),
    }),
  ),
  max_output_tokens: z.optional(tokensOrInf),
  metadata: z.optional(z.nullable(anyRecord)),
  usage: z.optional(asSent<z.infer<typeof ResponseUsageSchema> | null>()),
});

/** An out-of-band response (`conversation: "none"` in response.create): it writes nothing to the conversation. */
export function isOutOfBand(response: { conversation_id?: string | null; conversation?: string }): boolean {
  return response.conversation_id === null || response.conversation === 'none';
}

/** Where an unknown item or part type may sit in a known event: the event then passes through unhandled (parse.ts). */
export const SERVER_PASS_THROUGH = ['item', 'part'];

/** Log probabilities of a transcript (shape of the GA reference; passed on as sent). */
export const LogprobsSchema = z.optional(
  z.nullable(z.array(z.looseObject({ token: str, logprob: num, bytes: z.optional(z.array(num)) }))),
);
const logprobs = z.optional(asSent<z.infer<typeof LogprobsSchema>>());

/** Usage of an input transcription (shape of the GA reference; passed on as sent). */
export const TranscriptionUsageSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('tokens'),
    input_tokens: num,
    output_tokens: num,
    total_tokens: num,
    input_token_details: z.optional(z.looseObject({ audio_tokens: optNum, text_tokens: optNum })),
  }),
  z.looseObject({ type: z.literal('duration'), seconds: num }),
]);

/** `part` of response.content_part.*: GA SDK spells `text`/`audio`, many servers `output_text`/`output_audio`. */
export const ResponseContentPartSchema = z.looseObject({
  type: z.enum(['text', 'audio', 'output_text', 'output_audio']),
  text: optStr,
  audio: nullableStr,
  transcript: nullableStr,
});

const itemEvent = { item: ItemSchema, previous_item_id: nullableStr };
const itemRef = { item_id: str };
const outputRef = { response_id: str, item_id: str, output_index: num };
const contentRef = { ...outputRef, content_index: num };
const responseRef = { response_id: str };
const mcpRef = { item_id: str, output_index: num };

/** Every GA server event schema, keyed by its `type` (protocol.md §5.1-5.6). */
export const ServerEventSchemas = eventSchemas(z.looseObject, {
  // 5.1 session, conversation, errors
  error: { error: RealtimeErrorDetailSchema },
  'session.created': { session: ServerSessionSchema },
  'session.updated': { session: ServerSessionSchema },
  'conversation.created': { conversation: z.looseObject({ id: optStr, object: optStr }) },
  'conversation.item.added': itemEvent,
  'conversation.item.done': itemEvent,
  // Beta name, still in the GA SDK union; some servers send it.
  'conversation.item.created': itemEvent,
  'conversation.item.retrieved': { item: ItemSchema },
  'conversation.item.truncated': { ...itemRef, content_index: num, audio_end_ms: num },
  'conversation.item.deleted': itemRef,
  'rate_limits.updated': {
    rate_limits: asSent<Array<{ name?: string; limit?: number; remaining?: number; reset_seconds?: number; [k: string]: unknown }>>(),
  },
  // 5.2 input audio buffer
  'input_audio_buffer.speech_started': { ...itemRef, audio_start_ms: num },
  'input_audio_buffer.speech_stopped': { ...itemRef, audio_end_ms: num },
  'input_audio_buffer.committed': { ...itemRef, previous_item_id: nullableStr },
  'input_audio_buffer.cleared': {},
  'input_audio_buffer.timeout_triggered': { ...itemRef, audio_start_ms: num, audio_end_ms: num },
  'input_audio_buffer.dtmf_event_received': { event: str, received_at: num },
  // 5.3 input transcription
  'conversation.item.input_audio_transcription.delta': {
    ...itemRef,
    content_index: optNum,
    delta: optStr,
    logprobs,
  },
  'conversation.item.input_audio_transcription.completed': {
    ...itemRef,
    content_index: num,
    transcript: str,
    usage: z.optional(asSent<z.infer<typeof TranscriptionUsageSchema>>()),
    logprobs,
  },
  'conversation.item.input_audio_transcription.failed': {
    ...itemRef,
    content_index: num,
    error: z.looseObject({ type: nullableStr, code: nullableStr, message: nullableStr, param: nullableStr }),
  },
  'conversation.item.input_audio_transcription.segment': {
    ...itemRef,
    id: str,
    content_index: num,
    start: num,
    end: num,
    speaker: str,
    text: str,
  },
  // 5.4 response lifecycle
  'response.created': { response: RealtimeResponseSchema },
  'response.done': { response: RealtimeResponseSchema },
  'response.output_item.added': { ...responseRef, output_index: num, item: ItemSchema },
  'response.output_item.done': { ...responseRef, output_index: num, item: ItemSchema },
  'response.content_part.added': { ...contentRef, part: ResponseContentPartSchema },
  'response.content_part.done': { ...contentRef, part: ResponseContentPartSchema },
  'response.output_text.delta': { ...contentRef, delta: str },
  'response.output_text.done': { ...contentRef, text: str },
  'response.output_audio.delta': { ...contentRef, delta: str },
  'response.output_audio.done': contentRef,
  'response.output_audio_transcript.delta': { ...contentRef, delta: str },
  'response.output_audio_transcript.done': { ...contentRef, transcript: str },
  'response.function_call_arguments.delta': { ...outputRef, call_id: str, delta: str },
  'response.function_call_arguments.done': { ...outputRef, call_id: str, arguments: str, name: optStr },
  // 5.5 WebRTC/SIP output buffer
  'output_audio_buffer.started': responseRef,
  'output_audio_buffer.stopped': responseRef,
  'output_audio_buffer.cleared': responseRef,
  // 5.6 MCP
  'mcp_list_tools.in_progress': itemRef,
  'mcp_list_tools.completed': itemRef,
  'mcp_list_tools.failed': itemRef,
  'response.mcp_call_arguments.delta': { ...outputRef, delta: str },
  'response.mcp_call_arguments.done': { ...outputRef, arguments: str },
  'response.mcp_call.in_progress': mcpRef,
  'response.mcp_call.completed': mcpRef,
  'response.mcp_call.failed': mcpRef,
});

type Schemas = typeof ServerEventSchemas;
/** Any GA server event (discriminated on `type`). */
export type ServerEvent = EventUnion<Schemas>;
export type ServerEventType = ServerEvent['type'];
export type ServerEventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
export type RealtimeResponse = z.infer<typeof RealtimeResponseSchema>;
export type ResponseUsage = z.infer<typeof ResponseUsageSchema>;
export type RealtimeErrorDetail = z.infer<typeof RealtimeErrorDetailSchema>;
export type ResponseContentPart = z.infer<typeof ResponseContentPartSchema>;

/** Union schema of all server events (the parser itself dispatches through `ServerEventSchemas`). */
export const ServerEventSchema = unionOf(ServerEventSchemas);
