// session.update validated with the shared schemas (GA errors, the session stays open), the
// effective config in session.updated, frames that are not events, and the session time limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { closeClients, TestClient, useMock } from './helpers.js';

async function open(server: MockRealtimeServer, query?: string) {
  const client = await TestClient.connect(server, { query });
  const [created] = await client.expect(['session.created', 'conversation.created']);
  return { client, session: created!.session };
}

describe('session.update', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('applies the fields present and answers session.updated with the full effective config', async () => {
    const { client, session } = await open(server);
    client.send({
      type: 'session.update',
      event_id: 'evt_update',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.7 }, transcription: { model: 'whisper-1', language: 'en' } }, output: { voice: 'marin' } },
        tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      },
    });
    const [updated] = await client.expect(['session.updated']);
    assert.equal(updated!.event_id!.startsWith('event_'), true, 'a server event id, not the client one');
    assert.deepEqual(updated!.session, {
      ...session,
      instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      audio: {
        input: {
          ...session.audio.input,
          transcription: { model: 'whisper-1', language: 'en', prompt: null },
          turn_detection: { type: 'server_vad', threshold: 0.7, prefix_padding_ms: 300, silence_duration_ms: 200, idle_timeout_ms: null, create_response: true, interrupt_response: true },
        },
        output: { ...session.audio.output, voice: 'marin' },
      },
    });
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: '', tools: [], audio: { input: { turn_detection: null, transcription: null } } } });
    const [cleared] = await client.expect(['session.updated']);
    assert.equal(cleared!.session.instructions, '');
    assert.deepEqual(cleared!.session.tools, []);
    assert.equal(cleared!.session.audio.input.turn_detection, null);
    assert.equal(cleared!.session.audio.input.transcription, null);
    assert.equal(cleared!.session.audio.output.voice, 'marin', 'fields not sent keep their value');
  });

  it('answers each invalid update with a GA error (type, code, message, param, event_id) and stays open', async () => {
    const { client } = await open(server);
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{ type: 'realtime', temperature: 0.8 }, { code: 'unknown_parameter', message: "Unknown parameter: 'session.temperature'.", param: 'session.temperature' }],
      [{ instructions: 'beta-style, no type' }, { code: 'missing_required_parameter', message: "Missing required parameter: 'session.type'.", param: 'session.type' }],
      [{ type: 'realtime', instructions: 42 }, { code: 'invalid_type', message: "Invalid type for 'session.instructions': expected string, got number.", param: 'session.instructions' }],
      [{ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } } }, { code: 'invalid_value', message: "Invalid value for 'session.audio.input.turn_detection.threshold': must be at most 1.", param: 'session.audio.input.turn_detection.threshold' }],
      [{ type: 'realtime', tools: [{ type: 'function' }] }, { code: 'missing_required_parameter', message: "Missing required parameter: 'session.tools[0].name'.", param: 'session.tools[0].name' }],
      [{ type: 'transcription' }, { code: 'invalid_value', message: "Invalid value for 'session.type': this is a realtime session, and a session's type cannot change.", param: 'session.type' }],
      [{ type: 'realtime', model: 'gpt-realtime-mini' }, { code: 'invalid_value', message: "Cannot update a session's model.", param: 'session.model' }],
    ];
    for (const [i, [session, expected]] of cases.entries()) {
      client.send({ type: 'session.update', event_id: `evt_${i}`, session });
      const [error] = await client.expect(['error']);
      assert.deepEqual(error!.error, { type: 'invalid_request_error', ...expected, event_id: `evt_${i}` }, JSON.stringify(session));
    }
    client.send({ type: 'session.update', session: { type: 'realtime', model: 'gpt-realtime', instructions: 'still open' } });
    const [updated] = await client.expect(['session.updated']);
    assert.equal(updated!.session.instructions, 'still open');
  });

  it('locks the voice once the model has spoken, as GA does', async () => {
    const { client } = await open(server);
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'ash' } } } });
    await client.expect(['session.updated']);
    client.send({ type: 'response.create' });
    await client.untilResponseDone();
    client.send({ type: 'session.update', event_id: 'evt_voice', session: { type: 'realtime', audio: { output: { voice: 'verse' } } } });
    const [error] = await client.expect(['error']);
    assert.deepEqual(error!.error, { type: 'invalid_request_error', code: 'invalid_value', message: "Cannot update a session's voice after the model has responded with audio.", param: 'session.audio.output.voice', event_id: 'evt_voice' });
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'ash', speed: 1.2 } } } });
    const [updated] = await client.expect(['session.updated']);
    assert.equal(updated!.session.audio.output.speed, 1.2, 'the same voice with other settings is fine');
  });

  it('accepts transcription updates in a transcription session, and refuses realtime ones', async () => {
    const { client } = await open(server, 'intent=transcription');
    client.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe', language: 'de' } } } } });
    const [updated] = await client.expect(['session.updated']);
    assert.deepEqual(updated!.session.audio.input.transcription, { model: 'gpt-4o-transcribe', language: 'de', prompt: null });
    client.send({ type: 'session.update', event_id: 'e1', session: { type: 'realtime' } });
    const [error] = await client.expect(['error']);
    assert.equal(error!.error.param, 'session.type');
    assert.equal(error!.error.event_id, 'e1');
  });
});

describe('frames that are not valid client events', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('answers an unknown event type with invalid_value on "type", echoing event_id', async () => {
    const { client } = await open(server);
    client.send({ type: 'transcription_session.update', event_id: 'evt_beta', session: {} });
    const [error] = await client.expect(['error']);
    assert.equal(error!.error.type, 'invalid_request_error');
    assert.equal(error!.error.code, 'invalid_value');
    assert.equal(error!.error.param, 'type');
    assert.equal(error!.error.event_id, 'evt_beta');
    // The 12 types live lists, in its order.
    const live = ['session.update', 'session.close', 'input_audio_buffer.append', 'session.input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', 'response.cancel'];
    assert.equal(error!.error.message, `Invalid value: 'transcription_session.update'. Supported values are: ${live.map((t) => `'${t}'`).join(', ')}.`);
  });

  it('answers invalid JSON, binary frames, non-objects and missing types, and keeps the session', async () => {
    const { client } = await open(server);
    client.ws.send('{"type": "session.update"');
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    client.ws.send('[1,2]');
    client.ws.send('{"event_id":"evt_no_type"}');
    const errors = await client.expect(['error', 'error', 'error', 'error']);
    assert.deepEqual(errors.map((e) => [e.error.code, e.error.param, e.error.event_id]), [
      ['invalid_json', null, null],
      ['invalid_json', null, null],
      ['invalid_json', null, null],
      ['missing_required_parameter', 'type', 'evt_no_type'],
    ]);
    assert.match(errors[1]!.error.message, /^Binary frames are not supported/);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.expect(['input_audio_buffer.cleared']);
    assert.deepEqual(server.lastConnection!.received.slice(0, 4).map((e) => e.type), ['(invalid json)', '(binary)', '(invalid)', '(invalid)']);
  });

  it('validates every client event type, e.g. a truncate with a negative audio_end_ms', async () => {
    const { client } = await open(server);
    client.send({ type: 'conversation.item.truncate', event_id: 'evt_t', item_id: 'x', content_index: 0, audio_end_ms: -5 });
    client.send({ type: 'conversation.item.create', event_id: 'evt_c', item: { type: 'message', role: 'user', content: [{ type: 'input_text' }] } });
    client.send({ type: 'input_audio_buffer.append', event_id: 'evt_a', audio: 'not base64 !' });
    const errors = await client.expect(['error', 'error', 'error']);
    assert.deepEqual(errors.map((e) => e.error), [
      { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value for 'audio_end_ms': must be at least 0.", param: 'audio_end_ms', event_id: 'evt_t' },
      { type: 'invalid_request_error', code: 'missing_required_parameter', message: "Missing required parameter: 'item.content[0].text'.", param: 'item.content[0].text', event_id: 'evt_c' },
      { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value for 'audio': expected base64-encoded audio.", param: 'audio', event_id: 'evt_a' },
    ]);
  });
});

describe('the session time limit', () => {
  it('ends a session at 60 minutes by default with session_expired, then close 1001', async () => {
    const clock = new ManualClock();
    const server = await startMockRealtime({ clock });
    try {
      const { client, session } = await open(server);
      assert.equal(session.expires_at, clock.now() / 1000 + 3600);
      clock.advance(60 * 60 * 1000 - 1);
      client.send({ type: 'input_audio_buffer.clear' });
      await client.expect(['input_audio_buffer.cleared']);
      clock.advance(1);
      const [expired] = await client.expect(['error']);
      assert.deepEqual(expired!.error, { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.', param: null, event_id: null });
      assert.deepEqual(await client.closed, { code: 1001, reason: 'session_expired' });
      assert.equal(clock.pending, 0, 'no timer left behind');
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it('takes a limit down to seconds, from the options or configure(), for new sessions', async () => {
    const clock = new ManualClock();
    const server = await startMockRealtime({ clock, sessionLimitMs: 5000 });
    try {
      const { client: first } = await open(server);
      server.configure({ sessionLimitMs: 2000 });
      const { client: second, session } = await open(server);
      assert.equal(session.expires_at, clock.now() / 1000 + 2);
      clock.advance(2000);
      const [expired] = await second.expect(['error']);
      assert.equal(expired!.error.message, 'Your session hit the maximum duration of 2 seconds.');
      await second.closed;
      first.send({ type: 'input_audio_buffer.clear' });
      await first.expect(['input_audio_buffer.cleared']);
      clock.advance(3000);
      await first.expect(['error']);
      assert.equal((await first.closed).code, 1001);
    } finally {
      await closeClients();
      await server.close();
    }
  });

  it('cancels the limit timer when the client leaves first', async () => {
    const clock = new ManualClock();
    const server = await startMockRealtime({ clock });
    try {
      const { client } = await open(server);
      assert.equal(clock.pending, 1);
      client.close();
      await server.lastConnection!.closed;
      assert.equal(clock.pending, 0);
    } finally {
      await server.close();
    }
  });
});
