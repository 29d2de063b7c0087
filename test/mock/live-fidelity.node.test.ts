// The mock speaks as recorded live GA traffic does (protocol.md, "UPDATE 2026-12-01"): content part
// spellings, event order around response.done, VAD and transcription-session defaults, obfuscation,
// the model refusals with close 4000, null event ids and the list of client event types.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MockRealtimeServer } from '../../src/mock/index.js';
import { REALTIME_MODELS } from '../../src/mock/session-config.js';
import { concat, type Ev, openWithoutVad as open, silence, TestClient, tone, userText, useMock } from './helpers.js';

const TOKENS_LIMIT = [{ name: 'tokens', limit: 40000, remaining: 39000, reset_seconds: 1.5 }];
/** 0.5 s silence, 1 s of tone, 0.7 s silence: speech from 500 to 1500 ms. */
const TURN = concat(silence(500), tone(1000), silence(700));
const LIVE_TYPES = [
  'session.update',
  'session.close',
  'input_audio_buffer.append',
  'session.input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
];


/** One reply to a user text: the events through response.done, and the rate_limits.updated right after it. */
async function reply(client: TestClient, text: string, id: string) {
  client.send({ type: 'conversation.item.create', item: userText(text, id) });
  await client.expect(['conversation.item.added', 'conversation.item.done']);
  client.send({ type: 'response.create' });
  const events = await client.until('response.done');
  const [limits] = await client.expect(['rate_limits.updated']);
  return { events, limits: limits! };
}

const one = (events: Ev[], type: string) => {
  const found = events.filter((e) => e.type === type);
  assert.equal(found.length, 1, type);
  return found[0]!;
};
const indexOf = (events: Ev[], type: string) => events.findIndex((e) => e.type === type);

describe('live fidelity: responses', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('spells content parts "audio" / "text", while items say "output_audio" / "output_text"', async () => {
    const audio = await open(server);
    const a = await reply(audio, 'Hello there', 'item_ua');
    const transcript = 'You wrote: Hello there';
    assert.deepEqual(one(a.events, 'response.content_part.added').part, { type: 'audio', transcript: '' });
    assert.deepEqual(one(a.events, 'response.content_part.done').part, { type: 'audio', transcript });
    const audioContent = [{ type: 'output_audio', transcript }];
    assert.deepEqual(one(a.events, 'conversation.item.done').item.content, audioContent);
    assert.deepEqual(one(a.events, 'response.output_item.done').item.content, audioContent);
    assert.deepEqual(a.events.at(-1)!.response.output[0].content, audioContent);
    audio.send({ type: 'conversation.item.retrieve', item_id: one(a.events, 'response.output_item.done').item.id });
    const [retrieved] = await audio.expect(['conversation.item.retrieved']);
    assert.deepEqual(retrieved!.item.content, audioContent);

    const text = await open(server, { output_modalities: ['text'] });
    const t = await reply(text, 'Hello there', 'item_ut');
    assert.deepEqual(one(t.events, 'response.content_part.added').part, { type: 'text', text: '' });
    assert.deepEqual(one(t.events, 'response.content_part.done').part, { type: 'text', text: transcript });
    const textContent = [{ type: 'output_text', text: transcript }];
    assert.deepEqual(one(t.events, 'conversation.item.done').item.content, textContent);
    assert.deepEqual(one(t.events, 'response.output_item.done').item.content, textContent);
    assert.deepEqual(t.events.at(-1)!.response.output[0].content, textContent);
  });

  it('sends rate_limits.updated right after each response.done (never after response.created), with a single tokens entry', async () => {
    const client = await open(server, { output_modalities: ['text'] });
    for (const n of [1, 2]) {
      const { events, limits } = await reply(client, `turn ${n}`, `item_rl${n}`);
      assert.equal(events[0]!.type, 'response.created');
      assert.equal(indexOf(events, 'rate_limits.updated'), -1, 'none while the response runs');
      assert.deepEqual(limits, { type: 'rate_limits.updated', event_id: limits.event_id, rate_limits: TOKENS_LIMIT });
    }
    // A cancelled response gets its own, after its response.done.
    server.lastConnection!.stall();
    client.send({ type: 'response.create' });
    await client.expect(['response.created', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added']);
    client.send({ type: 'response.cancel' });
    const cancelled = await client.until('response.done');
    assert.equal(cancelled.at(-1)!.response.status, 'cancelled');
    const [limits] = await client.expect(['rate_limits.updated']);
    assert.deepEqual(limits!.rate_limits, TOKENS_LIMIT);
    server.lastConnection!.resume();
    assert.deepEqual(await client.drain(), []);
    const sent = server.lastConnection!.sent.map((e) => e.type);
    assert.equal(sent.filter((t) => t === 'rate_limits.updated').length, 3, 'one per response');
    for (const [i, t] of sent.entries()) if (t === 'rate_limits.updated') assert.equal(sent[i - 1], 'response.done');
  });

  it("sends the assistant's conversation.item.done before response.output_item.done, for messages and function calls", async () => {
    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }];
    for (const session of [{}, { output_modalities: ['text'] }, { output_modalities: ['text'], tools }]) {
      const client = await open(server, session);
      const { events } = await reply(client, 'please lookup', 'item_order');
      const conv = indexOf(events, 'conversation.item.done');
      const out = indexOf(events, 'response.output_item.done');
      assert.ok(conv >= 0 && out === conv + 1, `${JSON.stringify(session)}: ${events.map((e) => e.type).join(', ')}`);
      assert.equal(events[out + 1]!.type, 'response.done');
      assert.deepEqual(events[conv]!.item, events[out]!.item);
      // The session's first model item names no predecessor in its done, as live does; its added names it.
      assert.equal(events[conv]!.previous_item_id, null);
      assert.equal(one(events, 'conversation.item.added').previous_item_id, 'item_order');
      assert.equal(events[out]!.item.type, 'tools' in session ? 'function_call' : 'message');
      // The next one names it in its done too.
      const second = await reply(client, 'once more', 'item_again');
      assert.equal(second.events.find((e) => e.type === 'conversation.item.done')!.previous_item_id, 'item_again');
    }
  });

  it('sends no conversation.item.done for an out-of-band response, only response.output_item.done', async () => {
    const client = await open(server, { output_modalities: ['text'] });
    client.send({ type: 'response.create', response: { conversation: 'none', input: [userText('aside')] } });
    const events = await client.until('response.done');
    await client.expect(['rate_limits.updated']);
    assert.equal(indexOf(events, 'conversation.item.done'), -1);
    assert.equal(events.at(-2)!.type, 'response.output_item.done');
  });
});

describe('live fidelity: obfuscation', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  const obfuscated = (events: Ev[], type: string) => {
    const deltas = events.filter((e) => e.type === type);
    assert.ok(deltas.length > 0, `some ${type}`);
    for (const d of deltas) assert.match(d.obfuscation, /^[A-Za-z0-9]+$/, type);
  };

  it('pads the text-like deltas with an obfuscation string, and not the audio deltas or the done events', async () => {
    const voice = await TestClient.connect(server);
    await voice.expect(['session.created', 'conversation.created']);
    voice.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } } });
    await voice.expect(['session.updated']);
    voice.appendPcm(TURN);
    const turn = await voice.until('response.done');
    obfuscated(turn, 'conversation.item.input_audio_transcription.delta');
    obfuscated(turn, 'response.output_audio_transcript.delta');
    const audio = turn.filter((e) => e.type === 'response.output_audio.delta');
    assert.ok(audio.length > 0);
    for (const d of audio) assert.equal('obfuscation' in d, false, 'audio deltas carry none');
    for (const type of ['conversation.item.input_audio_transcription.completed', 'response.output_audio_transcript.done', 'response.output_audio.done']) {
      assert.equal('obfuscation' in one(turn, type), false, type);
    }

    const text = await open(server, { output_modalities: ['text'] });
    obfuscated((await reply(text, 'some words here', 'item_ot')).events, 'response.output_text.delta');

    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }];
    const call = await open(server, { output_modalities: ['text'], tools });
    const events = (await reply(call, 'lookup please', 'item_oc')).events;
    obfuscated(events, 'response.function_call_arguments.delta');
    assert.equal('obfuscation' in one(events, 'response.function_call_arguments.done'), false);
  });
});

describe('live fidelity: session defaults', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('opens with server_vad 0.5 / 300 ms / 200 ms, and ends a turn 200 ms after the speech', async () => {
    const client = await TestClient.connect(server);
    const [created] = await client.expect(['session.created', 'conversation.created']);
    assert.deepEqual(created!.session.audio.input.turn_detection, {
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 200,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', create_response: false } } } } });
    const [updated] = await client.expect(['session.updated']);
    assert.equal(updated!.session.audio.input.turn_detection.silence_duration_ms, 200, 'fields left out take the live defaults');
    client.appendPcm(TURN);
    const [started, stopped] = await client.expect(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
    assert.deepEqual([started!.audio_start_ms, stopped!.audio_end_ms], [200, 1700]);
    // A 250 ms pause (a single turn under the old 500 ms default) now splits the speech in two.
    client.appendPcm(concat(tone(300), silence(250), tone(300), silence(300)));
    const events = await client.drain();
    assert.deepEqual(events.map((e) => e.type), Array(2).fill(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']).flat());
  });

  it('opens a transcription session with transcription null and a four-field VAD, and transcribes only once the client sets it', async () => {
    const client = await TestClient.connect(server, { query: 'intent=transcription' });
    const [created] = await client.expect(['session.created', 'conversation.created']);
    const session = created!.session;
    assert.equal(session.type, 'transcription');
    assert.equal(session.object, 'realtime.transcription_session');
    assert.equal('model' in session, false);
    assert.equal(session.audio.input.transcription, null);
    assert.deepEqual(session.audio.input.turn_detection, { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 });
    client.appendPcm(TURN);
    assert.deepEqual((await client.drain()).map((e) => e.type), ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done'], 'no transcription while it is null');

    client.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe' }, turn_detection: { type: 'server_vad', threshold: 0.6 } } } } });
    const [updated] = await client.expect(['session.updated']);
    assert.deepEqual(updated!.session.audio.input.transcription, { model: 'gpt-4o-transcribe', language: null, prompt: null });
    assert.deepEqual(updated!.session.audio.input.turn_detection, { type: 'server_vad', threshold: 0.6, prefix_padding_ms: 300, silence_duration_ms: 200 });
    client.appendPcm(TURN);
    const turn = await client.until('conversation.item.input_audio_transcription.completed');
    assert.equal(turn.at(-1)!.transcript, '(1.0 s of speech)');
    assert.deepEqual(await client.drain(), [], 'and never a response');
  });

  it('echoes a transcription set by the client completed as { model, language: null, prompt: null, ...given }', async () => {
    const client = await open(server);
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{}, { model: 'gpt-4o-mini-transcribe', language: null, prompt: null }],
      [{ model: 'whisper-1' }, { model: 'whisper-1', language: null, prompt: null }],
      [{ model: 'gpt-4o-transcribe', language: 'fr', prompt: 'Names: Ada.' }, { model: 'gpt-4o-transcribe', language: 'fr', prompt: 'Names: Ada.' }],
    ];
    for (const [given, echoed] of cases) {
      client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: given } } } });
      const [updated] = await client.expect(['session.updated']);
      assert.deepEqual(updated!.session.audio.input.transcription, echoed, JSON.stringify(given));
    }
  });
});

describe('live fidelity: the model a session needs', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  async function refused(options: Parameters<typeof TestClient.connect>[1]) {
    const client = await TestClient.connect(server, options);
    const [error] = await client.expect(['error']);
    const close = await client.closed;
    assert.deepEqual(client.pendingTypes(), [], 'nothing follows the error');
    return { error: error!.error, close };
  }

  const missing = {
    type: 'invalid_request_error',
    code: 'missing_model',
    message: "Missing required parameter: 'model'. Pass ?model= in the URL, or mint a client secret whose session binds one.",
    param: 'model',
    event_id: null,
  };
  const invalid = (model: string) => ({
    type: 'invalid_request_error',
    code: 'invalid_model',
    message: `Invalid model: '${model}'. The model does not exist or does not support realtime.`,
    param: 'model',
    event_id: null,
  });

  it('refuses a standard key without ?model= with missing_model, then close 4000', async () => {
    for (const options of [{ key: 'sk-no-model' }, { key: 'sk-no-model', header: true }]) {
      const { error, close } = await refused(options);
      assert.deepEqual(error, missing);
      assert.deepEqual(close, { code: 4000, reason: 'invalid_request_error.missing_model' });
      assert.equal(server.lastConnection!.session, undefined);
    }
  });

  it('refuses an unknown ?model= with invalid_model, then close 4000, whatever the key', async () => {
    for (const [model, key] of [['gpt-4o-realtime-preview', 'sk-some-key'], ['gpt-nope', undefined]] as const) {
      const { error, close } = await refused({ key, query: `model=${model}` });
      assert.deepEqual(error, invalid(model));
      assert.deepEqual(close, { code: 4000, reason: 'invalid_request_error.invalid_model' });
    }
  });

  it('opens every known model, an ek_ key without ?model= on the default or bound model, and a transcription session without one', async () => {
    for (const model of REALTIME_MODELS) {
      const client = await TestClient.connect(server, { key: 'sk-known', query: `model=${model}` });
      const [created] = await client.expect(['session.created', 'conversation.created']);
      assert.equal(created!.session.model, model);
    }
    const plain = await TestClient.connect(server);
    assert.equal((await plain.expect(['session.created', 'conversation.created']))[0]!.session.model, 'gpt-realtime');
    const bound = await TestClient.connect(server, { key: server.issueKey({ session: { type: 'realtime', model: 'gpt-realtime-mini' } }).value });
    assert.equal((await bound.expect(['session.created', 'conversation.created']))[0]!.session.model, 'gpt-realtime-mini');
    const tx = await TestClient.connect(server, { key: 'sk-known', query: 'intent=transcription' });
    assert.equal((await tx.expect(['session.created', 'conversation.created']))[0]!.session.type, 'transcription');
  });

  it('answers POST /v1/realtime/calls with HTTP 400 missing_model / invalid_model, and opens no call', async () => {
    const before = server.connections.length;
    const post = async (query: string) => {
      const res = await fetch(`${server.origin}/v1/realtime/calls${query}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer sk-calls' }, body: 'v=0\r\n' });
      return { status: res.status, body: await res.json() };
    };
    const { event_id: _m, ...missingHttp } = missing;
    assert.deepEqual(await post(''), { status: 400, body: { error: missingHttp } });
    const { event_id: _i, ...invalidHttp } = invalid('gpt-nope');
    assert.deepEqual(await post('?model=gpt-nope'), { status: 400, body: { error: invalidHttp } });
    assert.equal(server.connections.length, before);
  });
});

describe('live fidelity: errors', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('answers client events sent without an event_id with errors whose event_id is null', async () => {
    const client = await open(server);
    client.send({ type: 'response.cancel' });
    client.send({ type: 'session.update', session: { type: 'realtime', bogus_field: 1 } });
    client.send({ type: 'conversation.item.delete', item_id: 'item_missing' });
    const errors = await client.expect(['error', 'error', 'error']);
    assert.deepEqual(errors.map((e) => e.error), [
      { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found.', param: null, event_id: null },
      { type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'session.bogus_field'.", param: 'session.bogus_field', event_id: null },
      { type: 'invalid_request_error', code: 'invalid_value', message: "Item with item_id 'item_missing' not found.", param: 'item_id', event_id: null },
    ]);
    assert.deepEqual(await client.drain(), [], 'no session.updated after the refused update');
  });

  it('lists the 12 live client event types, in live order, for an unknown type', async () => {
    const client = await open(server);
    client.send({ type: 'transcription_session.update', session: {} });
    const [error] = await client.expect(['error']);
    assert.deepEqual(error!.error, {
      type: 'invalid_request_error',
      code: 'invalid_value',
      message: `Invalid value: 'transcription_session.update'. Supported values are: ${LIVE_TYPES.map((t) => `'${t}'`).join(', ')}.`,
      param: 'type',
      event_id: null,
    });
    assert.equal(LIVE_TYPES.length, 12);
  });
});
