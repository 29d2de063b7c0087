// GA client events (protocol.md §4). Strict: GA rejects unknown parameters, so do we.
import * as z from 'zod/mini';
import { optBool, optStr, str, eventSchemas, merged, unionOf, wholeNumber, type EventUnion } from './zod.js';
import { ClientItemSchema, ItemReferenceSchema } from './items.js';
import {
  AudioFormatSchema,
  MaxOutputTokensSchema,
  OutputModalitiesSchema,
  PromptSchema,
  ReasoningSchema,
  SessionConfigSchema,
  ToolChoiceSchema,
  ToolSchema,
  VoiceSchema,
} from './session.js';

/** `response.create.response` (GA `RealtimeResponseCreateParams`, protocol.md §4). */
export const ResponseCreateParamsSchema = z.strictObject({
  conversation: z.optional(z.union([z.enum(['auto', 'none']), str])),
  input: z.optional(z.array(z.union([ClientItemSchema, ItemReferenceSchema]))),
  instructions: optStr,
  output_modalities: z.optional(OutputModalitiesSchema),
  audio: z.optional(
    z.strictObject({
      output: z.optional(z.strictObject({ format: z.optional(AudioFormatSchema), voice: z.optional(VoiceSchema) })),
    }),
  ),
  tools: z.optional(z.array(ToolSchema)),
  tool_choice: z.optional(ToolChoiceSchema),
  max_output_tokens: z.optional(MaxOutputTokensSchema),
  // Up to 16 pairs; keys up to 64 characters, values up to 512.
  metadata: z.optional(
    z.nullable(
      /* @__PURE__ */ z
        .record(/* @__PURE__ */ str.check(z.maxLength(64)), /* @__PURE__ */ str.check(z.maxLength(512)))
        .check(z.refine((m) => Object.keys(m).length <= 16, 'at most 16 metadata pairs')),
    ),
  ),
  prompt: z.optional(PromptSchema),
  reasoning: z.optional(ReasoningSchema),
  parallel_tool_calls: optBool,
});

const sessionUpdate = eventSchemas(z.strictObject, { 'session.update': { session: SessionConfigSchema } });
/** The `session.update` schema of {@link ClientEventSchemas}, on its own: validating only session updates needs no other client schema. */
export const SessionUpdateEventSchema = sessionUpdate['session.update'];

/** Every GA client event schema, keyed by its `type`. */
// Pure (annotated checks included), so a bundle that only validates session updates drops the rest.
export const ClientEventSchemas = merged(
  sessionUpdate,
  eventSchemas(z.strictObject, {
    'input_audio_buffer.append': { audio: str },
    'input_audio_buffer.commit': {},
    'input_audio_buffer.clear': {},
    'conversation.item.create': { item: ClientItemSchema, previous_item_id: optStr },
    'conversation.item.retrieve': { item_id: str },
    'conversation.item.truncate': {
      item_id: str,
      content_index: /* @__PURE__ */ wholeNumber(0),
      audio_end_ms: /* @__PURE__ */ wholeNumber(0),
    },
    'conversation.item.delete': { item_id: str },
    'response.create': { response: z.optional(ResponseCreateParamsSchema) },
    'response.cancel': { response_id: optStr },
    'output_audio_buffer.clear': {},
  }),
);

type Schemas = typeof ClientEventSchemas;
/** Any GA client event (discriminated on `type`). */
export type ClientEvent = EventUnion<Schemas>;
export type ClientEventType = ClientEvent['type'];
export type ClientEventOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>;
export type ResponseCreateParams = z.infer<typeof ResponseCreateParamsSchema>;

/** Union schema of all client events (the parser itself dispatches through `ClientEventSchemas`). */
export const ClientEventSchema = unionOf(ClientEventSchemas);
