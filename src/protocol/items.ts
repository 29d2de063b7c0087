// Conversation items (protocol.md §6). Two flavours: what a client may create (strict, only what GA
// accepts) and what the server sends (loose, every documented part spelling, extra fields kept).
import * as z from 'zod/mini';
import { nullableStr, optStr, str } from './zod.js';

const status = z.optional(z.enum(['completed', 'incomplete', 'in_progress']));
const itemCommon = { id: optStr, object: z.optional(z.literal('realtime.item')), status };

// ---- Client-created items (conversation.item.create, response.create input) -------------------

export const InputTextPartSchema = z.strictObject({ type: z.literal('input_text'), text: str });
export const InputAudioPartSchema = z.strictObject({
  type: z.literal('input_audio'),
  audio: str,
  transcript: optStr,
});
export const InputImagePartSchema = z.strictObject({
  type: z.literal('input_image'),
  image_url: str,
  detail: z.optional(z.enum(['auto', 'low', 'high'])),
});
export const OutputTextPartSchema = z.strictObject({ type: z.literal('output_text'), text: str });

export const SystemMessageSchema = z.strictObject({
  type: z.literal('message'),
  role: z.literal('system'),
  content: z.array(InputTextPartSchema),
  ...itemCommon,
});
export const UserMessageSchema = z.strictObject({
  type: z.literal('message'),
  role: z.literal('user'),
  content: z.array(z.discriminatedUnion('type', [InputTextPartSchema, InputAudioPartSchema, InputImagePartSchema])),
  ...itemCommon,
});
// GA refuses client-made assistant audio; history replays assistant speech as output_text (§6).
export const AssistantMessageSchema = z.strictObject({
  type: z.literal('message'),
  role: z.literal('assistant'),
  content: z.array(OutputTextPartSchema),
  ...itemCommon,
});
export const ClientMessageItemSchema = z.discriminatedUnion('role', [
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
]);
export const ClientFunctionCallItemSchema = z.strictObject({
  type: z.literal('function_call'),
  name: str,
  arguments: str,
  call_id: optStr,
  ...itemCommon,
});
export const ClientFunctionCallOutputItemSchema = z.strictObject({
  type: z.literal('function_call_output'),
  call_id: str,
  output: str,
  ...itemCommon,
});
export const McpApprovalResponseItemSchema = z.strictObject({
  type: z.literal('mcp_approval_response'),
  id: optStr,
  approval_request_id: str,
  approve: z.boolean(),
  reason: nullableStr,
});
/** An item a client may create with conversation.item.create. */
export const ClientItemSchema = z.discriminatedUnion('type', [
  ClientMessageItemSchema,
  ClientFunctionCallItemSchema,
  ClientFunctionCallOutputItemSchema,
  McpApprovalResponseItemSchema,
]);
/** Reference to an existing item, only inside response.create `input`. */
export const ItemReferenceSchema = z.strictObject({ type: z.literal('item_reference'), id: str });

// ---- Server-sent items -------------------------------------------------------------------------

const textPart = <T extends string>(type: T) => z.looseObject({ type: z.literal(type), text: optStr });
const audioPart = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), audio: nullableStr, transcript: nullableStr });

/**
 * A content part as the server sends it. GA spells assistant parts `output_text` / `output_audio`;
 * `text` / `audio` (the SDK's spelling in content_part events, and the beta's) are accepted too.
 */
export const ContentPartSchema = z.discriminatedUnion('type', [
  textPart('input_text'),
  audioPart('input_audio'),
  z.looseObject({ type: z.literal('input_image'), image_url: optStr, detail: optStr }),
  textPart('output_text'),
  audioPart('output_audio'),
  textPart('text'),
  audioPart('audio'),
]);

const serverItemCommon = { id: str, object: optStr, status };

export const MessageItemSchema = z.looseObject({
  type: z.literal('message'),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.array(ContentPartSchema),
  ...serverItemCommon,
});
export const FunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  name: str,
  arguments: str,
  call_id: str,
  ...serverItemCommon,
});
export const FunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: str,
  output: str,
  ...serverItemCommon,
});
const mcpItem = <T extends string>(type: T) => z.looseObject({ type: z.literal(type), id: optStr, server_label: optStr });

/** An item as the server reports it (conversation.item.*, response.output_item.*, response.output). */
export const ItemSchema = z.discriminatedUnion('type', [
  MessageItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  mcpItem('mcp_call'),
  mcpItem('mcp_list_tools'),
  mcpItem('mcp_approval_request'),
  mcpItem('mcp_approval_response'),
]);

/**
 * What a content part carries, for both spellings: live `response.content_part.*` events say
 * `audio` / `text`, items say `output_audio` / `output_text` (protocol.md, 2026-12-01 update).
 * Input parts and unknown types are neither.
 */
export function partKind(type: unknown): 'audio' | 'text' | undefined {
  if (type === 'audio' || type === 'output_audio') return 'audio';
  if (type === 'text' || type === 'output_text') return 'text';
  return undefined;
}

/** A content part the server sent (any of the seven spellings). */
export type ContentPart = z.infer<typeof ContentPartSchema>;
/** A conversation item the server sent. */
export type Item = z.infer<typeof ItemSchema>;
export type MessageItem = z.infer<typeof MessageItemSchema>;
export type FunctionCallItem = z.infer<typeof FunctionCallItemSchema>;
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItemSchema>;
/** An item a client may create (conversation.item.create / response.create input). */
export type ClientItem = z.infer<typeof ClientItemSchema>;
export type ClientMessageItem = z.infer<typeof ClientMessageItemSchema>;
export type ClientFunctionCallItem = z.infer<typeof ClientFunctionCallItemSchema>;
export type ClientFunctionCallOutputItem = z.infer<typeof ClientFunctionCallOutputItemSchema>;
export type ClientContentPart = MessageContentOf<ClientMessageItem>;
export type ItemReference = z.infer<typeof ItemReferenceSchema>;
type MessageContentOf<M> = M extends { content: Array<infer P> } ? P : never;
