import { expect } from '@open-wc/testing';
import {
  assistantText,
  ClientEventSchema,
  conversationItemCreate,
  conversationItemDelete,
  conversationItemRetrieve,
  conversationItemTruncate,
  functionCallOutput,
  inputAudioBufferAppend,
  inputAudioBufferClear,
  inputAudioBufferCommit,
  outputAudioBufferClear,
  parseClientEvent,
  parseSessionUpdate,
  responseCancel,
  responseCreate,
  sessionUpdate,
  systemText,
  transcriptionSessionUpdate,
  userText,
  type AudioInputConfig,
  type ClientEvent,
  type ParseError,
  type RealtimeSessionConfig,
  type ResponseCreateParams,
} from '../../src/protocol/index.js';

/** The builder output must be what GA expects AND pass our own strict client schema. */
function valid<E extends ClientEvent>(event: E): E {
  const result = parseClientEvent(JSON.stringify(event));
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  expect(result.known).to.equal(true);
  expect(result.event).to.deep.equal(event);
  expect(ClientEventSchema.safeParse(event).success).to.equal(true);
  return event;
}

function refusedWith(data: unknown): ParseError {
  const result = parseClientEvent(data);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(data)}`);
  expect(result.error.code).to.equal('schema_mismatch');
  return result.error;
}

/** The full GA session of protocol.md §3.1, written out by hand as the wire shows it. */
const fullSession: Omit<RealtimeSessionConfig, 'type'> = {
  model: 'gpt-realtime',
  instructions: 'You are a helpful assistant.',
  output_modalities: ['audio'],
  audio: {
    input: {
      format: { type: 'audio/pcm', rate: 24000 },
      transcription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'Product names: Acme.' },
      noise_reduction: { type: 'near_field' },
      turn_detection: {
        type: 'server_vad',
        threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 500,
        create_response: true,
        interrupt_response: true,
        idle_timeout_ms: null,
      },
    },
    output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1.0 },
  },
  tools: [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    {
      type: 'mcp',
      server_label: 'docs',
      server_url: 'https://mcp.example.com/sse',
      require_approval: 'never',
      allowed_tools: ['search'],
    },
  ],
  tool_choice: 'auto',
  max_output_tokens: 'inf',
  tracing: 'auto',
  truncation: { type: 'retention_ratio', retention_ratio: 0.8, token_limits: { post_instructions: 8000 } },
  prompt: { id: 'pmpt_123', version: '89', variables: { city: 'Paris' } },
  include: ['item.input_audio_transcription.logprobs'],
  reasoning: { effort: 'low' },
  parallel_tool_calls: true,
};

describe('builders produce the GA shapes of protocol.md §3-4', () => {
  it('sessionUpdate wraps the whole GA session and always sets session.type "realtime"', () => {
    const event = valid(sessionUpdate(fullSession));
    expect(event).to.deep.equal({ type: 'session.update', session: { type: 'realtime', ...fullSession } });
    expect(valid(sessionUpdate({}))).to.deep.equal({ type: 'session.update', session: { type: 'realtime' } });
    // A JS caller cannot smuggle another session type through.
    expect(sessionUpdate({ type: 'transcription' } as never).session.type).to.equal('realtime');
  });

  it('sessionUpdate covers semantic VAD, VAD off, G.711, custom voices and clearing fields', () => {
    const semantic = valid(
      sessionUpdate({
        output_modalities: ['text'],
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: false, interrupt_response: false },
            noise_reduction: { type: 'far_field' },
          },
          output: { format: { type: 'audio/pcma' }, voice: { id: 'voice_1234' }, speed: 0.25 },
        },
        tool_choice: { type: 'function', name: 'get_weather' },
        max_output_tokens: 4096,
        tracing: { workflow_name: 'site-assistant', group_id: 'g1', metadata: { page: '/' } },
      }),
    );
    expect(semantic.session).to.deep.include({ output_modalities: ['text'], max_output_tokens: 4096 });
    const off = valid(
      sessionUpdate({ instructions: '', tools: [], audio: { input: { turn_detection: null, transcription: null, noise_reduction: null } } }),
    );
    expect(off.session).to.deep.equal({
      type: 'realtime',
      instructions: '',
      tools: [],
      audio: { input: { turn_detection: null, transcription: null, noise_reduction: null } },
    });
  });

  it('transcriptionSessionUpdate sets session.type "transcription"', () => {
    const input: AudioInputConfig = {
      format: { type: 'audio/pcm', rate: 24000 },
      transcription: { model: 'gpt-4o-transcribe', language: 'de' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 400 },
    };
    expect(valid(transcriptionSessionUpdate({ audio: { input }, include: ['item.input_audio_transcription.logprobs'] }))).to.deep.equal({
      type: 'session.update',
      session: { type: 'transcription', audio: { input }, include: ['item.input_audio_transcription.logprobs'] },
    });
  });

  it('input audio buffer events', () => {
    expect(valid(inputAudioBufferAppend('AAD/fwCAAQA='))).to.deep.equal({ type: 'input_audio_buffer.append', audio: 'AAD/fwCAAQA=' });
    expect(valid(inputAudioBufferCommit())).to.deep.equal({ type: 'input_audio_buffer.commit' });
    expect(valid(inputAudioBufferClear())).to.deep.equal({ type: 'input_audio_buffer.clear' });
    expect(valid(outputAudioBufferClear())).to.deep.equal({ type: 'output_audio_buffer.clear' });
  });

  it('item helpers build GA items', () => {
    expect(userText('Hi')).to.deep.equal({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] });
    expect(assistantText('Hello')).to.deep.equal({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hello' }],
    });
    expect(systemText('Be brief')).to.deep.equal({
      type: 'message',
      role: 'system',
      content: [{ type: 'input_text', text: 'Be brief' }],
    });
    expect(functionCallOutput('call_1', '{"ok":true}')).to.deep.equal({
      type: 'function_call_output',
      call_id: 'call_1',
      output: '{"ok":true}',
    });
  });

  it('conversation.item.create with and without previous_item_id', () => {
    expect(valid(conversationItemCreate(userText('Hi')))).to.deep.equal({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    expect(valid(conversationItemCreate(systemText('x'), 'root')).previous_item_id).to.equal('root');
    expect(valid(conversationItemCreate(assistantText('x'), null))).to.not.have.property('previous_item_id');
    expect(valid(conversationItemCreate(functionCallOutput('call_1', 'done'), 'item_9'))).to.deep.equal({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: 'done' },
      previous_item_id: 'item_9',
    });
    const image = valid(
      conversationItemCreate({
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
          { type: 'input_audio', audio: 'AAD/fwCAAQA=' },
        ],
      }),
    );
    expect(image.item.type).to.equal('message');
  });

  it('retrieve, delete, truncate', () => {
    expect(valid(conversationItemRetrieve('item_1'))).to.deep.equal({ type: 'conversation.item.retrieve', item_id: 'item_1' });
    expect(valid(conversationItemDelete('item_1'))).to.deep.equal({ type: 'conversation.item.delete', item_id: 'item_1' });
    expect(valid(conversationItemTruncate('item_1', 0, 1530))).to.deep.equal({
      type: 'conversation.item.truncate',
      item_id: 'item_1',
      content_index: 0,
      audio_end_ms: 1530,
    });
  });

  it('conversationItemTruncate floors audio_end_ms and clamps it at 0', () => {
    expect(conversationItemTruncate('i', 0, 1530.99).audio_end_ms).to.equal(1530);
    expect(conversationItemTruncate('i', 0, 0.4).audio_end_ms).to.equal(0);
    expect(conversationItemTruncate('i', 0, -25).audio_end_ms).to.equal(0);
    expect(conversationItemTruncate('i', 0, Number.NaN).audio_end_ms).to.equal(0);
    // 36,719 samples rendered at 24 kHz = 1529.958 ms: the user heard less than 1530 ms.
    expect(valid(conversationItemTruncate('i', 0, (36719 * 1000) / 24000)).audio_end_ms).to.equal(1529);
  });

  it('response.create and response.cancel', () => {
    expect(valid(responseCreate())).to.deep.equal({ type: 'response.create' });
    const params: ResponseCreateParams = {
      conversation: 'none',
      input: [{ type: 'item_reference', id: 'item_1' }, userText('Summarise the call')],
      instructions: 'One sentence.',
      output_modalities: ['text'],
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'cedar' } },
      tools: [{ type: 'function', name: 'lookup' }],
      tool_choice: 'none',
      max_output_tokens: 200,
      metadata: { purpose: 'summary' },
      prompt: null,
      reasoning: { effort: 'minimal' },
      parallel_tool_calls: false,
    };
    expect(valid(responseCreate(params))).to.deep.equal({ type: 'response.create', response: params });
    expect(valid(responseCancel())).to.deep.equal({ type: 'response.cancel' });
    expect(valid(responseCancel('resp_1'))).to.deep.equal({ type: 'response.cancel', response_id: 'resp_1' });
  });

  it('event_id appears only when given', () => {
    expect(inputAudioBufferCommit()).to.not.have.property('event_id');
    expect(valid(inputAudioBufferCommit({ eventId: 'evt_1' }))).to.deep.equal({ type: 'input_audio_buffer.commit', event_id: 'evt_1' });
    expect(valid(sessionUpdate({ instructions: 'x' }, { eventId: 'evt_2' })).event_id).to.equal('evt_2');
    expect(valid(conversationItemCreate(userText('x'), undefined, { eventId: 'evt_3' })).event_id).to.equal('evt_3');
    expect(valid(conversationItemTruncate('i', 0, 5, { eventId: 'evt_4' })).event_id).to.equal('evt_4');
    expect(valid(responseCancel(undefined, { eventId: 'evt_5' }))).to.deep.equal({ type: 'response.cancel', event_id: 'evt_5' });
  });
});

describe('parseClientEvent is strict, as GA is', () => {
  it('refuses temperature with unknown_key at session.temperature', () => {
    const error = refusedWith({ type: 'session.update', session: { type: 'realtime', temperature: 0.8 } });
    expect(error.eventType).to.equal('session.update');
    expect(error.issues).to.deep.equal([{ path: 'session.temperature', code: 'unknown_key', message: 'unknown key "temperature"' }]);
  });

  it('refuses both output modalities with invalid_value at session.output_modalities', () => {
    const error = refusedWith(JSON.stringify({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio', 'text'] } }));
    expect(error.issues?.map((i) => [i.path, i.code])).to.deep.equal([['session.output_modalities', 'invalid_value']]);
  });

  it('takes exactly one output modality, and names both forms when refusing any other value', () => {
    const modalities = (value: unknown) => parseClientEvent({ type: 'session.update', session: { type: 'realtime', output_modalities: value } });
    for (const one of [['audio'], ['text']]) {
      const event = { type: 'session.update', session: { type: 'realtime', output_modalities: one } };
      expect(modalities(one)).to.deep.equal({ ok: true, known: true, event, raw: event });
    }
    const allowed = 'expected ["audio"] or ["text"] (GA allows one output modality)';
    const cases: Array<[unknown, string, string]> = [
      [[], 'invalid_value', allowed],
      [['audio', 'audio'], 'invalid_value', allowed],
      [['text', 'audio'], 'invalid_value', allowed],
      [['speech'], 'invalid_value', allowed],
      [[1], 'invalid_value', allowed],
      [Array(100_000).fill('audio'), 'invalid_value', allowed],
      ['audio', 'invalid_type', `${allowed}, got string`],
      [{ 0: 'audio' }, 'invalid_type', `${allowed}, got object`],
      [null, 'invalid_type', `${allowed}, got null`],
    ];
    for (const [value, code, message] of cases) {
      const result = modalities(value);
      expect(result.ok ? result : result.error.issues, JSON.stringify(value).slice(0, 40)).to.deep.equal([
        { path: 'session.output_modalities', code, message },
      ]);
    }
  });

  it('refuses the flat beta session shape field by field', () => {
    const error = refusedWith({
      type: 'session.update',
      session: { type: 'realtime', modalities: ['text', 'audio'], voice: 'verse', input_audio_format: 'pcm16' },
    });
    expect(error.issues?.map((i) => [i.path, i.code])).to.have.deep.members([
      ['session.modalities', 'unknown_key'],
      ['session.voice', 'unknown_key'],
      ['session.input_audio_format', 'unknown_key'],
    ]);
  });

  it('refuses a session without type (GA requires it on every update)', () => {
    const error = refusedWith({ type: 'session.update', session: { instructions: 'x' } });
    expect(error.issues?.map((i) => [i.path, i.code])).to.deep.equal([['session.type', 'missing']]);
  });

  it('checks ranges and enums deep in the session', () => {
    const error = refusedWith({
      type: 'session.update',
      session: {
        type: 'realtime',
        max_output_tokens: 5000,
        audio: {
          input: { format: { type: 'audio/pcm', rate: 16000 }, turn_detection: { type: 'server_vad', threshold: 1.5 } },
          output: { speed: 2, voice: 7 },
        },
      },
    });
    expect(error.issues?.map((i) => [i.path, i.code])).to.have.deep.members([
      ['session.max_output_tokens', 'invalid_value'],
      ['session.audio.input.format.rate', 'invalid_value'],
      ['session.audio.input.turn_detection.threshold', 'invalid_value'],
      ['session.audio.output.speed', 'invalid_value'],
      ['session.audio.output.voice', 'invalid_type'],
    ]);
  });

  it('refuses semantic_vad fields on server_vad and vice versa', () => {
    const error = refusedWith({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', eagerness: 'high' } } } },
    });
    expect(error.issues?.map((i) => [i.path, i.code])).to.deep.equal([['session.audio.input.turn_detection.eagerness', 'unknown_key']]);
  });

  it('refuses unknown keys on any client event and in items', () => {
    expect(refusedWith({ type: 'input_audio_buffer.commit', force: true }).issues?.[0]).to.deep.include({
      path: 'force',
      code: 'unknown_key',
    });
    const error = refusedWith({ type: 'conversation.item.create', item: { ...userText('x'), sentiment: 'happy' } });
    expect(error.issues?.[0]).to.deep.include({ path: 'item.sentiment', code: 'unknown_key' });
  });

  it('refuses client-made assistant audio (GA cannot populate assistant audio)', () => {
    const error = refusedWith({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Hi' }] },
    });
    expect(error.issues?.[0]).to.deep.include({ path: 'item.content.0.type', code: 'invalid_value' });
  });

  it('refuses a fractional or negative audio_end_ms', () => {
    const base = { type: 'conversation.item.truncate', item_id: 'i', content_index: 0 };
    expect(refusedWith({ ...base, audio_end_ms: 12.5 }).issues?.[0]?.path).to.equal('audio_end_ms');
    expect(refusedWith({ ...base, audio_end_ms: -1 }).issues?.[0]).to.deep.include({ path: 'audio_end_ms', code: 'invalid_value' });
  });

  it('limits response metadata to 16 pairs of at most 64/512 characters', () => {
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const error = refusedWith({ type: 'response.create', response: { metadata } });
    expect(error.issues?.[0]).to.deep.include({ path: 'response.metadata', code: 'invalid_value' });
    const long = refusedWith({ type: 'response.create', response: { metadata: { note: 'x'.repeat(513) } } });
    expect(long.issues).to.deep.equal([
      { path: 'response.metadata.note', code: 'invalid_value', message: 'must have at most 512 characters' },
    ]);
  });

  it('passes unknown client event types through, like the server parser', () => {
    const event = { type: 'transcription_session.update', session: {} };
    expect(parseClientEvent(event)).to.deep.equal({ ok: true, known: false, event });
  });

  it('makes what GA rejects a type error (checked by tsc)', () => {
    // @ts-expect-error temperature is not part of the GA session
    const withTemperature = () => sessionUpdate({ temperature: 0.8 });
    // @ts-expect-error GA allows one output modality
    const bothModalities = () => sessionUpdate({ output_modalities: ['audio', 'text'] });
    // @ts-expect-error max_output_tokens is a number or "inf"
    const badTokens = () => sessionUpdate({ max_output_tokens: 'max' });
    // @ts-expect-error the beta flat voice field
    const flatVoice = () => sessionUpdate({ voice: 'verse' });
    // @ts-expect-error assistant audio cannot be created by a client
    const assistantAudio = () => conversationItemCreate({ type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'x' }] });
    for (const build of [withTemperature, bothModalities, badTokens, flatVoice, assistantAudio]) {
      expect(parseClientEvent(build()).ok).to.equal(false);
    }
  });
});

describe('parseSessionUpdate', () => {
  it('answers exactly as parseClientEvent for session updates, accepted or refused, in every input form', () => {
    const frames: unknown[] = [
      sessionUpdate({ model: 'gpt-realtime', output_modalities: ['text'], audio: { input: { turn_detection: { type: 'semantic_vad' } } } }),
      transcriptionSessionUpdate({ audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } }, { eventId: 'evt_1' }),
      { type: 'session.update', session: { type: 'realtime', temperature: 0.8 } },
      JSON.stringify({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio', 'text'] } }),
      { type: 'session.update', session: { instructions: 'x' } },
      { type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 1 }] } },
      '{"type":"session.update",',
      new ArrayBuffer(4),
      { type: 'session.update', session: JSON.parse('{"__proto__":{}}') },
    ];
    for (const frame of frames) expect(parseSessionUpdate(frame)).to.deep.equal(parseClientEvent(frame));
    expect(parseSessionUpdate(frames[0]).ok).to.equal(true);
  });

  it('refuses every other type, known or not, instead of passing it through', () => {
    for (const event of [responseCreate(), { type: 'transcription_session.update', session: {} }]) {
      const result = parseSessionUpdate(event);
      if (result.ok) throw new Error(`accepted ${event.type}`);
      expect(result.error.code).to.equal('schema_mismatch');
      expect(result.error.eventType).to.equal(event.type);
      expect(result.error.issues?.[0]).to.deep.equal({ path: 'type', code: 'invalid_value', message: 'expected "session.update"' });
    }
  });
});
