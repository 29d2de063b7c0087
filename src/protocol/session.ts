// GA session configuration (protocol.md §3). Client-side shapes are strict: GA answers an unknown
// field with `unknown_parameter`, so we refuse it before it reaches the wire.
import * as z from 'zod/mini';
import { anyRecord, atMost, between, looseFormat, looseVoice, nullableStr, num, optBool, optNum, optStr, str, tokensOrInf, wholeNumber } from './zod.js';

const nonNegInt = wholeNumber(0);
const optNonNegInt = z.optional(nonNegInt);
const stringArray = z.array(str);

/** Audio encodings GA accepts: PCM16 little-endian at 24 kHz, G.711 μ-law or A-law (8 kHz). */
export const AudioFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.optional(z.literal(24000)) }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);

/** Input transcription settings; `null` in a session turns transcription off. */
export const TranscriptionConfigSchema = z.strictObject({
  model: optStr,
  language: optStr,
  prompt: optStr,
  languages: z.optional(stringArray),
  keywords: z.optional(stringArray),
  delay: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
});

export const NoiseReductionSchema = z.strictObject({ type: z.enum(['near_field', 'far_field']) });

/** Server VAD with energy threshold and silence timing (protocol.md §3.3). */
export const ServerVadSchema = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.optional(between(0, 1)),
  prefix_padding_ms: optNonNegInt,
  silence_duration_ms: optNonNegInt,
  create_response: optBool,
  interrupt_response: optBool,
  idle_timeout_ms: z.optional(z.nullable(nonNegInt)),
});

/** Semantic VAD: the model decides when the user has finished (protocol.md §3.3). */
export const SemanticVadSchema = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.optional(z.enum(['low', 'medium', 'high', 'auto'])),
  create_response: optBool,
  interrupt_response: optBool,
});

export const TurnDetectionSchema = z.discriminatedUnion('type', [ServerVadSchema, SemanticVadSchema]);

/** A built-in voice name (e.g. "marin") or a custom voice `{ id }`. */
export const VoiceSchema = z.union([str, z.strictObject({ id: str })], 'expected a voice name or { id }');

export const AudioInputConfigSchema = z.strictObject({
  format: z.optional(AudioFormatSchema),
  transcription: z.optional(z.nullable(TranscriptionConfigSchema)),
  noise_reduction: z.optional(z.nullable(NoiseReductionSchema)),
  turn_detection: z.optional(z.nullable(TurnDetectionSchema)),
});

export const AudioOutputConfigSchema = z.strictObject({
  format: z.optional(AudioFormatSchema),
  voice: z.optional(VoiceSchema),
  speed: z.optional(between(0.25, 1.5)),
});

/** A page-provided function the model may call. `parameters` is a JSON Schema object. */
export const FunctionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: str,
  description: optStr,
  parameters: z.optional(anyRecord),
});

const McpFilterSchema = z.strictObject({ read_only: optBool, tool_names: z.optional(stringArray) });

/** A remote MCP server tool (protocol.md §3.1). */
export const McpToolSchema = z.strictObject({
  type: z.literal('mcp'),
  server_label: str,
  server_url: optStr,
  connector_id: optStr,
  tunnel_id: optStr,
  authorization: optStr,
  headers: z.optional(
    z.nullable(
      z.looseObject({}).check(z.refine((h) => Object.values(h).every((v) => typeof v === 'string'), 'expected string header values')) as unknown as z.ZodMiniType<
        Record<string, string>,
        Record<string, string>
      >,
    ),
  ),
  allowed_tools: z.optional(z.nullable(z.union([stringArray, McpFilterSchema]))),
  allowed_callers: z.optional(z.nullable(z.array(z.enum(['direct', 'programmatic'])))),
  require_approval: z.optional(
    z.nullable(
      z.union([
        z.enum(['always', 'never']),
        z.strictObject({ always: z.optional(McpFilterSchema), never: z.optional(McpFilterSchema) }),
      ]),
    ),
  ),
  server_description: optStr,
  defer_loading: optBool,
});

export const ToolSchema = z.discriminatedUnion('type', [FunctionToolSchema, McpToolSchema]);

export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), name: str }),
  z.strictObject({ type: z.literal('mcp'), server_label: str, name: nullableStr }),
], 'expected "none" | "auto" | "required" | { type: "function", name } | { type: "mcp", server_label }');

/** 1..4096 tokens, or "inf" for the model maximum. */
export const MaxOutputTokensSchema = z.union(
  [wholeNumber(1).check(atMost(4096)), z.literal('inf')],
  'expected an integer 1..4096 or "inf"',
);

/** `[value]`: an array of exactly one, typed as that tuple. */
// Not z.tuple, which costs 0.5 kB gz of zod for this one schema; the checks abort as a tuple's do, so unions keep their message.
const onlyOne = <T extends string>(value: T) =>
  z.array(z.literal(value)).check(z.refine((m) => m.length === 1, { abort: true })) as unknown as z.ZodMiniType<[T], [T]>;

/** GA output is audio (with a transcript) or text, never both. */
export const OutputModalitiesSchema = z.union(
  [onlyOne('audio'), onlyOne('text')],
  'expected ["audio"] or ["text"] (GA allows one output modality)',
);

export const TracingSchema = z.nullable(
  z.union([
    z.literal('auto'),
    z.strictObject({ workflow_name: optStr, group_id: optStr, metadata: z.optional(z.unknown()) }),
  ]),
);

export const TruncationSchema = z.union([
  z.enum(['auto', 'disabled']),
  z.strictObject({
    type: z.literal('retention_ratio'),
    retention_ratio: between(0, 1),
    token_limits: z.optional(z.strictObject({ post_instructions: optNonNegInt })),
  }),
], 'expected "auto" | "disabled" | { type: "retention_ratio", retention_ratio }');

export const PromptSchema = z.nullable(
  z.strictObject({
    id: str,
    version: nullableStr,
    variables: z.optional(z.nullable(anyRecord)),
  }),
);

export const IncludeSchema = z.array(z.literal('item.input_audio_transcription.logprobs'));

export const ReasoningSchema = z.strictObject({
  effort: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
});

/** The GA `session` of `session.update` for a speech-to-speech session (protocol.md §3.1). No `temperature`. */
export const RealtimeSessionConfigSchema = z.strictObject({
  type: z.literal('realtime'),
  model: optStr,
  instructions: optStr,
  output_modalities: z.optional(OutputModalitiesSchema),
  audio: z.optional(
    z.strictObject({ input: z.optional(AudioInputConfigSchema), output: z.optional(AudioOutputConfigSchema) }),
  ),
  tools: z.optional(z.array(ToolSchema)),
  tool_choice: z.optional(ToolChoiceSchema),
  max_output_tokens: z.optional(MaxOutputTokensSchema),
  tracing: z.optional(TracingSchema),
  truncation: z.optional(TruncationSchema),
  prompt: z.optional(PromptSchema),
  include: z.optional(IncludeSchema),
  reasoning: z.optional(ReasoningSchema),
  parallel_tool_calls: optBool,
});

/** The GA `session` for a transcription-only session (`?intent=transcription`). */
export const TranscriptionSessionConfigSchema = z.strictObject({
  type: z.literal('transcription'),
  audio: z.optional(z.strictObject({ input: z.optional(AudioInputConfigSchema) })),
  include: z.optional(IncludeSchema),
});

export const SessionConfigSchema = z.discriminatedUnion('type', [
  RealtimeSessionConfigSchema,
  TranscriptionSessionConfigSchema,
]);

// What the server echoes in session.created/updated: its full effective config. Lenient on purpose:
// a field the server adds, or a value it spells differently, must not cost us the event.
const looseNamed = z.looseObject({ type: optStr });

export const ServerSessionSchema = z.looseObject({
  type: optStr,
  id: optStr,
  object: optStr,
  model: optStr,
  instructions: optStr,
  expires_at: optNum,
  output_modalities: z.optional(stringArray),
  audio: z.optional(
    z.looseObject({
      input: z.optional(
        z.looseObject({
          format: z.optional(looseFormat),
          transcription: z.optional(z.nullable(z.looseObject({ model: nullableStr }))),
          noise_reduction: z.optional(z.nullable(looseNamed)),
          turn_detection: z.optional(
            z.nullable(
              z.looseObject({
                type: str,
                threshold: optNum,
                prefix_padding_ms: optNum,
                silence_duration_ms: optNum,
                idle_timeout_ms: z.optional(z.nullable(num)),
                create_response: optBool,
                interrupt_response: optBool,
                eagerness: optStr,
              }),
            ),
          ),
        }),
      ),
      output: z.optional(
        z.looseObject({
          format: z.optional(looseFormat),
          voice: z.optional(looseVoice),
          speed: optNum,
        }),
      ),
    }),
  ),
  tools: z.optional(z.array(z.looseObject({ type: str, name: optStr }))),
  tool_choice: z.optional(z.unknown()),
  max_output_tokens: z.optional(tokensOrInf),
  tracing: z.optional(z.unknown()),
  truncation: z.optional(z.unknown()),
  prompt: z.optional(z.unknown()),
  include: z.optional(z.nullable(stringArray)),
});

export type AudioFormat = z.infer<typeof AudioFormatSchema>;
export type TranscriptionConfig = z.infer<typeof TranscriptionConfigSchema>;
export type NoiseReduction = z.infer<typeof NoiseReductionSchema>;
export type ServerVad = z.infer<typeof ServerVadSchema>;
export type SemanticVad = z.infer<typeof SemanticVadSchema>;
export type TurnDetection = z.infer<typeof TurnDetectionSchema>;
/** Voice name or custom `{ id }`. Known names: alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar. */
export type Voice = z.infer<typeof VoiceSchema>;
export type AudioInputConfig = z.infer<typeof AudioInputConfigSchema>;
export type AudioOutputConfig = z.infer<typeof AudioOutputConfigSchema>;
export type FunctionTool = z.infer<typeof FunctionToolSchema>;
export type McpTool = z.infer<typeof McpToolSchema>;
export type Tool = z.infer<typeof ToolSchema>;
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type OutputModalities = z.infer<typeof OutputModalitiesSchema>;
export type RealtimeSessionConfig = z.infer<typeof RealtimeSessionConfigSchema>;
export type TranscriptionSessionConfig = z.infer<typeof TranscriptionSessionConfigSchema>;
export type SessionConfig = z.infer<typeof SessionConfigSchema>;
/** The effective session as the server reports it (session.created / session.updated). */
export type ServerSession = z.infer<typeof ServerSessionSchema>;
