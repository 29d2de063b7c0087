// Realistic GA server events, one per type of protocol.md §5, with the exact wire field names.
// Shared: the mock server and client tests may replay these. Plain data, no imports at runtime.
import type { Item, ServerEvent, ServerEventOf, ServerEventType, ServerSession } from '../../src/protocol/index.js';

/** Four PCM16 little-endian samples, [0, 32767, -32768, 1]: short, and every byte order mistake shows. */
export const AUDIO_B64 = 'AAD/fwCAAQA=';

const session: ServerSession = {
  type: 'realtime',
  object: 'realtime.session',
  id: 'sess_C9xOm2Xr1qz8',
  model: 'gpt-realtime',
  output_modalities: ['audio'],
  instructions: 'You are a friendly assistant on example.com.',
  tools: [],
  tool_choice: 'auto',
  max_output_tokens: 'inf',
  tracing: null,
  truncation: 'auto',
  prompt: null,
  expires_at: 1767225600,
  audio: {
    input: {
      format: { type: 'audio/pcm', rate: 24000 },
      transcription: null,
      noise_reduction: null,
      turn_detection: {
        type: 'server_vad',
        threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 200,
        idle_timeout_ms: null,
        create_response: true,
        interrupt_response: true,
      },
    },
    output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
  },
  include: null,
};

const userAudioItem: Item = {
  id: 'item_C9xQ1user',
  type: 'message',
  object: 'realtime.item',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_audio', transcript: null }],
};

const assistantItemInProgress: Item = {
  id: 'item_C9xQ2asst',
  type: 'message',
  object: 'realtime.item',
  status: 'in_progress',
  role: 'assistant',
  content: [],
};

const assistantItemDone: Item = {
  id: 'item_C9xQ2asst',
  type: 'message',
  object: 'realtime.item',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_audio', transcript: 'Hello! How can I help you today?' }],
};

const functionCallItem: Item = {
  id: 'item_C9xQ3call',
  type: 'function_call',
  object: 'realtime.item',
  status: 'completed',
  name: 'get_weather',
  call_id: 'call_Wx81kd',
  arguments: '{"city":"Paris"}',
};

const usage = {
  total_tokens: 253,
  input_tokens: 176,
  output_tokens: 77,
  input_token_details: {
    text_tokens: 128,
    audio_tokens: 48,
    image_tokens: 0,
    cached_tokens: 64,
    cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 },
  },
  output_token_details: { text_tokens: 19, audio_tokens: 58 },
} as const;

const responseRef = { response_id: 'resp_C9xR1', item_id: 'item_C9xQ2asst', output_index: 0, content_index: 0 } as const;

type Fixtures = { [K in ServerEventType]: ServerEventOf<K> };

/** One realistic event per GA server event type, keyed by type. */
export const serverEventFixtures: Fixtures = {
  error: {
    type: 'error',
    event_id: 'event_C9x01',
    error: {
      type: 'invalid_request_error',
      code: 'conversation_already_has_active_response',
      message: 'Conversation already has an active response in progress: resp_C9xR1.',
      param: null,
      event_id: 'client_evt_7',
    },
  },
  'session.created': { type: 'session.created', event_id: 'event_C9x02', session },
  'session.updated': {
    type: 'session.updated',
    event_id: 'event_C9x03',
    session: { ...session, instructions: 'Answer briefly.' },
  },
  'conversation.created': {
    type: 'conversation.created',
    event_id: 'event_C9x04',
    conversation: { id: 'conv_C9xA1', object: 'realtime.conversation' },
  },
  'conversation.item.added': {
    type: 'conversation.item.added',
    event_id: 'event_C9x05',
    previous_item_id: null,
    item: userAudioItem,
  },
  'conversation.item.done': {
    type: 'conversation.item.done',
    event_id: 'event_C9x06',
    previous_item_id: 'item_C9xQ1user',
    item: assistantItemDone,
  },
  'conversation.item.created': {
    type: 'conversation.item.created',
    event_id: 'event_C9x07',
    previous_item_id: 'item_C9xQ1user',
    item: {
      id: 'item_C9xQ4text',
      type: 'message',
      object: 'realtime.item',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_text', text: 'What is the weather in Paris?' }],
    },
  },
  'conversation.item.retrieved': {
    type: 'conversation.item.retrieved',
    event_id: 'event_C9x08',
    item: {
      ...assistantItemDone,
      content: [{ type: 'output_audio', audio: AUDIO_B64, transcript: 'Hello! How can I help you today?' }],
    },
  },
  'conversation.item.truncated': {
    type: 'conversation.item.truncated',
    event_id: 'event_C9x09',
    item_id: 'item_C9xQ2asst',
    content_index: 0,
    audio_end_ms: 1530,
  },
  'conversation.item.deleted': { type: 'conversation.item.deleted', event_id: 'event_C9x10', item_id: 'item_C9xQ4text' },
  'rate_limits.updated': {
    type: 'rate_limits.updated',
    event_id: 'event_C9x11',
    rate_limits: [
      { name: 'requests', limit: 1000, remaining: 999, reset_seconds: 60 },
      { name: 'tokens', limit: 50000, remaining: 49747, reset_seconds: 0.3 },
    ],
  },
  'input_audio_buffer.speech_started': {
    type: 'input_audio_buffer.speech_started',
    event_id: 'event_C9x12',
    audio_start_ms: 1000,
    item_id: 'item_C9xQ1user',
  },
  'input_audio_buffer.speech_stopped': {
    type: 'input_audio_buffer.speech_stopped',
    event_id: 'event_C9x13',
    audio_end_ms: 3120,
    item_id: 'item_C9xQ1user',
  },
  'input_audio_buffer.committed': {
    type: 'input_audio_buffer.committed',
    event_id: 'event_C9x14',
    previous_item_id: null,
    item_id: 'item_C9xQ1user',
  },
  'input_audio_buffer.cleared': { type: 'input_audio_buffer.cleared', event_id: 'event_C9x15' },
  'input_audio_buffer.timeout_triggered': {
    type: 'input_audio_buffer.timeout_triggered',
    event_id: 'event_C9x16',
    audio_start_ms: 13216,
    audio_end_ms: 19232,
    item_id: 'item_C9xQ5idle',
  },
  'input_audio_buffer.dtmf_event_received': {
    type: 'input_audio_buffer.dtmf_event_received',
    event: '5',
    received_at: 1767225612,
  },
  'conversation.item.input_audio_transcription.delta': {
    type: 'conversation.item.input_audio_transcription.delta',
    event_id: 'event_C9x17',
    item_id: 'item_C9xQ1user',
    content_index: 0,
    delta: 'Hello, ',
  },
  'conversation.item.input_audio_transcription.completed': {
    type: 'conversation.item.input_audio_transcription.completed',
    event_id: 'event_C9x18',
    item_id: 'item_C9xQ1user',
    content_index: 0,
    transcript: 'Hello, this is a test of the realtime voice assistant microphone.',
    usage: {
      type: 'tokens',
      input_tokens: 22,
      output_tokens: 13,
      total_tokens: 35,
      input_token_details: { audio_tokens: 22, text_tokens: 0 },
    },
  },
  'conversation.item.input_audio_transcription.failed': {
    type: 'conversation.item.input_audio_transcription.failed',
    event_id: 'event_C9x19',
    item_id: 'item_C9xQ1user',
    content_index: 0,
    error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'The audio could not be transcribed.', param: null },
  },
  'conversation.item.input_audio_transcription.segment': {
    type: 'conversation.item.input_audio_transcription.segment',
    event_id: 'event_C9x20',
    item_id: 'item_C9xQ1user',
    content_index: 0,
    id: 'seg_0001',
    start: 0.3,
    end: 2.1,
    speaker: 'A',
    text: 'Hello, this is a test',
  },
  'response.created': {
    type: 'response.created',
    event_id: 'event_C9x21',
    response: {
      id: 'resp_C9xR1',
      object: 'realtime.response',
      status: 'in_progress',
      status_details: null,
      output: [],
      conversation_id: 'conv_C9xA1',
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
      usage: null,
      metadata: null,
    },
  },
  'response.done': {
    type: 'response.done',
    event_id: 'event_C9x22',
    response: {
      id: 'resp_C9xR1',
      object: 'realtime.response',
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
      output: [assistantItemDone, functionCallItem],
      conversation_id: 'conv_C9xA1',
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
      usage,
      metadata: null,
    },
  },
  'response.output_item.added': {
    type: 'response.output_item.added',
    event_id: 'event_C9x23',
    response_id: 'resp_C9xR1',
    output_index: 0,
    item: assistantItemInProgress,
  },
  'response.output_item.done': {
    type: 'response.output_item.done',
    event_id: 'event_C9x24',
    response_id: 'resp_C9xR1',
    output_index: 1,
    item: functionCallItem,
  },
  'response.content_part.added': {
    type: 'response.content_part.added',
    event_id: 'event_C9x25',
    ...responseRef,
    part: { type: 'audio', transcript: '' },
  },
  'response.content_part.done': {
    type: 'response.content_part.done',
    event_id: 'event_C9x26',
    ...responseRef,
    part: { type: 'output_audio', transcript: 'Hello! How can I help you today?' },
  },
  'response.output_text.delta': {
    type: 'response.output_text.delta',
    event_id: 'event_C9x27',
    ...responseRef,
    delta: 'Sunny, ',
  },
  'response.output_text.done': {
    type: 'response.output_text.done',
    event_id: 'event_C9x28',
    ...responseRef,
    text: 'Sunny, 24 °C in Paris.',
  },
  'response.output_audio.delta': {
    type: 'response.output_audio.delta',
    event_id: 'event_C9x29',
    ...responseRef,
    delta: AUDIO_B64,
  },
  'response.output_audio.done': { type: 'response.output_audio.done', event_id: 'event_C9x30', ...responseRef },
  'response.output_audio_transcript.delta': {
    type: 'response.output_audio_transcript.delta',
    event_id: 'event_C9x31',
    ...responseRef,
    delta: 'Hello! ',
  },
  'response.output_audio_transcript.done': {
    type: 'response.output_audio_transcript.done',
    event_id: 'event_C9x32',
    ...responseRef,
    transcript: 'Hello! How can I help you today?',
  },
  'response.function_call_arguments.delta': {
    type: 'response.function_call_arguments.delta',
    event_id: 'event_C9x33',
    response_id: 'resp_C9xR1',
    item_id: 'item_C9xQ3call',
    output_index: 1,
    call_id: 'call_Wx81kd',
    delta: '{"city":',
  },
  'response.function_call_arguments.done': {
    type: 'response.function_call_arguments.done',
    event_id: 'event_C9x34',
    response_id: 'resp_C9xR1',
    item_id: 'item_C9xQ3call',
    output_index: 1,
    call_id: 'call_Wx81kd',
    name: 'get_weather',
    arguments: '{"city":"Paris"}',
  },
  'output_audio_buffer.started': { type: 'output_audio_buffer.started', event_id: 'event_C9x35', response_id: 'resp_C9xR1' },
  'output_audio_buffer.stopped': { type: 'output_audio_buffer.stopped', event_id: 'event_C9x36', response_id: 'resp_C9xR1' },
  'output_audio_buffer.cleared': { type: 'output_audio_buffer.cleared', event_id: 'event_C9x37', response_id: 'resp_C9xR1' },
  'mcp_list_tools.in_progress': { type: 'mcp_list_tools.in_progress', event_id: 'event_C9x38', item_id: 'mcpl_C9x1' },
  'mcp_list_tools.completed': { type: 'mcp_list_tools.completed', event_id: 'event_C9x39', item_id: 'mcpl_C9x1' },
  'mcp_list_tools.failed': { type: 'mcp_list_tools.failed', event_id: 'event_C9x40', item_id: 'mcpl_C9x1' },
  'response.mcp_call_arguments.delta': {
    type: 'response.mcp_call_arguments.delta',
    event_id: 'event_C9x41',
    response_id: 'resp_C9xR2',
    item_id: 'mcp_C9x2',
    output_index: 0,
    delta: '{"query":',
  },
  'response.mcp_call_arguments.done': {
    type: 'response.mcp_call_arguments.done',
    event_id: 'event_C9x42',
    response_id: 'resp_C9xR2',
    item_id: 'mcp_C9x2',
    output_index: 0,
    arguments: '{"query":"opening hours"}',
  },
  'response.mcp_call.in_progress': { type: 'response.mcp_call.in_progress', event_id: 'event_C9x43', item_id: 'mcp_C9x2', output_index: 0 },
  'response.mcp_call.completed': { type: 'response.mcp_call.completed', event_id: 'event_C9x44', item_id: 'mcp_C9x2', output_index: 0 },
  'response.mcp_call.failed': { type: 'response.mcp_call.failed', event_id: 'event_C9x45', item_id: 'mcp_C9x2', output_index: 0 },
};

/** Spelling variants a GA server may use: the other content-part names, and assistant parts spelled `text`/`audio`. */
export const serverEventVariants: ServerEvent[] = [
  {
    type: 'response.content_part.added',
    event_id: 'event_V01',
    ...responseRef,
    part: { type: 'output_audio', transcript: '' },
  },
  {
    type: 'response.content_part.done',
    event_id: 'event_V02',
    ...responseRef,
    part: { type: 'audio', transcript: 'Hello!' },
  },
  {
    type: 'response.content_part.added',
    event_id: 'event_V03',
    ...responseRef,
    part: { type: 'text', text: '' },
  },
  {
    type: 'response.content_part.done',
    event_id: 'event_V04',
    ...responseRef,
    part: { type: 'output_text', text: 'Sunny.' },
  },
  {
    type: 'conversation.item.done',
    event_id: 'event_V05',
    previous_item_id: 'item_C9xQ1user',
    item: { ...assistantItemDone, content: [{ type: 'audio', transcript: 'Hello!' }, { type: 'text', text: 'Hi' }] },
  },
  {
    type: 'conversation.item.added',
    event_id: 'event_V06',
    item: {
      id: 'item_C9xQ6out',
      type: 'function_call_output',
      object: 'realtime.item',
      status: 'completed',
      call_id: 'call_Wx81kd',
      output: '{"temperature_c":24}',
    },
  },
  {
    type: 'conversation.item.added',
    event_id: 'event_V07',
    item: {
      id: 'item_C9xQ7img',
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'What is in this picture?' },
        { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
      ],
    },
  },
];
