// GA server event fixtures for client tests. Every one goes through parseServerEvent, so a fixture
// that drifts from the protocol fails loudly instead of testing a shape the server never sends.
import { parseServerEvent, pcm16ToBase64, type ServerEvent } from '../../src/protocol/index.js';

let seq = 0;

/** Parses `raw` as a server event; throws if the protocol layer would not accept it as a known event. */
export function ev(raw: Record<string, unknown>): ServerEvent {
  const result = parseServerEvent({ event_id: `event_${++seq}`, ...raw });
  if (!result.ok) throw new Error(`bad fixture ${String(raw.type)}: ${result.error.message} ${JSON.stringify(result.error.issues ?? [])}`);
  if (!result.known) throw new Error(`fixture of unknown type ${String(raw.type)}`);
  return result.event;
}

export const userAudioItem = (id: string, transcript: string | null = null) => ({
  id,
  object: 'realtime.item',
  type: 'message',
  role: 'user',
  status: 'completed',
  content: [{ type: 'input_audio', transcript }],
});
export const userTextItem = (id: string, text: string) => ({
  id,
  type: 'message',
  role: 'user',
  status: 'completed',
  content: [{ type: 'input_text', text }],
});
export const assistantItem = (id: string, status = 'in_progress', transcript = '') => ({
  id,
  object: 'realtime.item',
  type: 'message',
  role: 'assistant',
  status,
  content: status === 'in_progress' ? [] : [{ type: 'output_audio', transcript }],
});

export const added = (item: Record<string, unknown>, prev: string | null) =>
  ev({ type: 'conversation.item.added', item, previous_item_id: prev });
export const done = (item: Record<string, unknown>, prev: string | null) =>
  ev({ type: 'conversation.item.done', item, previous_item_id: prev });

const ref = (responseId: string, itemId: string) => ({ response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 });

export const transcriptDelta = (responseId: string, itemId: string, delta: string) =>
  ev({ type: 'response.output_audio_transcript.delta', ...ref(responseId, itemId), delta });
export const transcriptDone = (responseId: string, itemId: string, transcript: string) =>
  ev({ type: 'response.output_audio_transcript.done', ...ref(responseId, itemId), transcript });
/** An audio delta of `samples` PCM16 frames (a ramp, so that tests can check the decoded values). */
export const audioDelta = (responseId: string, itemId: string, samples: number, start = 0) =>
  ev({
    type: 'response.output_audio.delta',
    ...ref(responseId, itemId),
    delta: pcm16ToBase64(Int16Array.from({ length: samples }, (_, i) => (start + i) % 30000)),
  });
export const inputDelta = (itemId: string, delta: string) =>
  ev({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta });
export const inputCompleted = (itemId: string, transcript: string) =>
  ev({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript });
export const responseCreated = (id: string, conversationId: string | null = 'conv_1') =>
  ev({ type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: conversationId } });
export const responseDone = (id: string, status = 'completed', output: Record<string, unknown>[] = [], conversationId: string | null = 'conv_1') =>
  ev({ type: 'response.done', response: { id, object: 'realtime.response', status, output, conversation_id: conversationId } });
