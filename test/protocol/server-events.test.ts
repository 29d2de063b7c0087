import { expect } from '@open-wc/testing';
import {
  parseServerEvent,
  ServerEventSchema,
  ServerEventSchemas,
  type ParseResult,
  type ServerEvent,
  type ServerEventOf,
  type ServerEventType,
} from '../../src/protocol/index.js';
import { AUDIO_B64, serverEventFixtures, serverEventVariants } from './fixtures.js';

/** Parses and asserts a known, valid event of type `T`; returns it typed. */
function known<T extends ServerEventType>(type: T, data: unknown): ServerEventOf<T> {
  const result = parseServerEvent(data);
  if (!result.ok) throw new Error(`${type} refused: ${JSON.stringify(result.error)}`);
  expect(result.known, `${type} known`).to.equal(true);
  expect(result.event.type).to.equal(type);
  return result.event as ServerEventOf<T>;
}

describe('parseServerEvent: one fixture per GA server event (protocol.md §5)', () => {
  const types = Object.keys(serverEventFixtures) as ServerEventType[];

  it('has a fixture for every schema, and a schema for every fixture', () => {
    expect([...types].sort()).to.deep.equal(Object.keys(ServerEventSchemas).sort());
    // 38 events of §5.1-5.5 plus the 8 MCP events of §5.6.
    expect(types).to.include.members([
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.created',
      'input_audio_buffer.dtmf_event_received',
      'conversation.item.input_audio_transcription.segment',
      'response.function_call_arguments.done',
      'output_audio_buffer.cleared',
    ]);
    expect(types.length).to.equal(46);
  });

  for (const type of Object.keys(serverEventFixtures) as ServerEventType[]) {
    it(`${type}: JSON text and parsed object both give the same event back`, () => {
      const fixture = serverEventFixtures[type];
      expect(known(type, JSON.stringify(fixture))).to.deep.equal(fixture);
      expect(known(type, fixture)).to.deep.equal(fixture);
      expect(ServerEventSchema.safeParse(fixture).success).to.equal(true);
    });
  }

  it('types the fields a client reads', () => {
    const audio = known('response.output_audio.delta', JSON.stringify(serverEventFixtures['response.output_audio.delta']));
    expect([audio.response_id, audio.item_id, audio.output_index, audio.content_index, audio.delta]).to.deep.equal([
      'resp_C9xR1',
      'item_C9xQ2asst',
      0,
      0,
      AUDIO_B64,
    ]);

    const session = known('session.created', serverEventFixtures['session.created']).session;
    expect(session.audio?.input?.turn_detection?.type).to.equal('server_vad');
    expect(session.audio?.input?.turn_detection?.silence_duration_ms).to.equal(200);
    expect(session.audio?.output?.voice).to.equal('marin');
    expect(session.audio?.output?.format).to.deep.equal({ type: 'audio/pcm', rate: 24000 });

    const done = known('response.done', serverEventFixtures['response.done']).response;
    expect(done.status).to.equal('cancelled');
    expect(done.status_details?.reason).to.equal('turn_detected');
    expect(done.usage?.output_token_details?.audio_tokens).to.equal(58);
    const [message, call] = done.output ?? [];
    expect(message?.type === 'message' && message.content[0]?.type === 'output_audio' ? message.content[0].transcript : null).to.equal(
      'Hello! How can I help you today?',
    );
    expect(call?.type === 'function_call' ? [call.name, call.call_id, call.arguments] : null).to.deep.equal([
      'get_weather',
      'call_Wx81kd',
      '{"city":"Paris"}',
    ]);

    const err = known('error', serverEventFixtures.error).error;
    expect([err.type, err.code, err.event_id]).to.deep.equal([
      'invalid_request_error',
      'conversation_already_has_active_response',
      'client_evt_7',
    ]);

    const args = known('response.function_call_arguments.done', serverEventFixtures['response.function_call_arguments.done']);
    expect(JSON.parse(args.arguments)).to.deep.equal({ city: 'Paris' });

    const truncated = known('conversation.item.truncated', serverEventFixtures['conversation.item.truncated']);
    expect(truncated.audio_end_ms).to.equal(1530);

    const completed = known(
      'conversation.item.input_audio_transcription.completed',
      serverEventFixtures['conversation.item.input_audio_transcription.completed'],
    );
    expect(completed.usage?.type === 'tokens' ? completed.usage.total_tokens : -1).to.equal(35);
  });

  it('accepts the legacy conversation.item.created exactly like conversation.item.added', () => {
    const created = known('conversation.item.created', serverEventFixtures['conversation.item.created']);
    const item = created.item;
    expect(item.type === 'message' ? [item.role, item.content[0]] : null).to.deep.equal([
      'user',
      { type: 'input_text', text: 'What is the weather in Paris?' },
    ]);
  });

  it('accepts both content part spellings (text/audio and output_text/output_audio)', () => {
    const spelled = serverEventVariants.map((variant) => {
      const event = known(variant.type, JSON.stringify(variant));
      expect(event).to.deep.equal(variant);
      if (event.type === 'response.content_part.added' || event.type === 'response.content_part.done') return event.part.type;
      if (event.type === 'conversation.item.done' && event.item.type === 'message') return event.item.content.map((p) => p.type).join('+');
      return event.type;
    });
    expect(spelled).to.include.members(['output_audio', 'audio', 'text', 'output_text', 'audio+text']);
    expect(known('response.content_part.added', serverEventFixtures['response.content_part.added']).part.type).to.equal('audio');
    expect(known('response.content_part.done', serverEventFixtures['response.content_part.done']).part.type).to.equal('output_audio');
  });

  it('keeps fields the server adds (loose schemas), at the top and nested', () => {
    const future = {
      ...serverEventFixtures['response.output_audio.delta'],
      sample_rate: 24000,
      nested: { deep: [1, 2, 3] },
    };
    expect(known('response.output_audio.delta', JSON.stringify(future))).to.deep.equal(future);

    const fixture = serverEventFixtures['session.updated'];
    const session = { ...fixture.session, temperature: 0.8, brand_new_setting: { on: true } };
    const updated = known('session.updated', { ...fixture, session });
    expect(updated.session.brand_new_setting).to.deep.equal({ on: true });
    expect(updated.session.temperature).to.equal(0.8);
  });

  it('is lenient on session echoes: a minimal or transcription session still parses', () => {
    expect(known('session.created', { type: 'session.created', event_id: 'e', session: {} }).session).to.deep.equal({});
    const transcription = {
      type: 'session.updated',
      event_id: 'e',
      session: {
        type: 'transcription',
        id: 'sess_T1',
        audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-transcribe', language: 'en' } } },
      },
    };
    expect(known('session.updated', transcription)).to.deep.equal(transcription);
  });

  it('does not require event_id (a third-party server may omit it)', () => {
    const { event_id: _dropped, ...rest } = serverEventFixtures['input_audio_buffer.speech_started'];
    expect(known('input_audio_buffer.speech_started', rest)).to.deep.equal(rest);
  });
});

describe('parseServerEvent: unknown event types', () => {
  it('passes an unknown type through untouched, extra fields and all', () => {
    const text = '{"type":"response.output_translation.delta","event_id":"e1","delta":"Bonjour","extra":{"a":[1,{"b":null}]}}';
    const result = parseServerEvent(text);
    expect(result).to.deep.equal({ ok: true, known: false, event: JSON.parse(text) });
  });

  it('returns the very same object for an already-parsed unknown event', () => {
    const event = { type: 'transcription_session.updated', session: { client_secret: { value: 'x', expires_at: 1 } } };
    const result = parseServerEvent(event) as Extract<ParseResult<ServerEvent>, { known: false }>;
    expect(result.known).to.equal(false);
    expect(result.event).to.equal(event);
  });

  it('treats beta event names as unknown (they are not GA), not as errors', () => {
    for (const type of ['response.audio.delta', 'response.text.delta', 'response.audio_transcript.done']) {
      const result = parseServerEvent({ type, delta: 'x' });
      expect(result.ok && !result.known, type).to.equal(true);
    }
  });

  it('does not mistake Object.prototype names for known types', () => {
    for (const type of ['toString', 'hasOwnProperty', 'valueOf']) {
      expect(parseServerEvent({ type })).to.deep.equal({ ok: true, known: false, event: { type } });
    }
  });
});
