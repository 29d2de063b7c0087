// Server VAD over appended PCM, on the audio's own timeline: every turn_detection setting, the
// events of a turn, barge-in, idle timeouts, manual commits, transcription and G.711 input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMockRealtime, type FaultRule, type MockRealtimeServer } from '../../src/mock/index.js';
import { linearToMulaw } from '../../src/mock/voice.js';
import { base64ToPcm16, encodeBase64 } from '../../src/protocol/index.js';
import { closeClients, concat, type Ev, silence, TestClient, tone, useMock } from './helpers.js';

/** 0.5 s silence, 1 s of tone (-13.5 dBFS RMS), 0.7 s silence: speech from 500 to 1500 ms; default VAD ends it at 1700 ms. */
const TURN = concat(silence(500), tone(1000), silence(700));

/** A VAD turn with transcription on: four transcript deltas for "(1.0 s of speech)". */
const TRANSCRIBED_TURN = [
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'input_audio_buffer.committed',
  'conversation.item.added',
  'conversation.item.done',
  ...Array<string>(4).fill('conversation.item.input_audio_transcription.delta'),
  'conversation.item.input_audio_transcription.completed',
];

// Live sends rate_limits.updated after response.done, not here.
const RESPONSE_EVENTS = [
  'response.created',
  'response.output_item.added',
  'conversation.item.added',
  'response.content_part.added',
];

async function session(server: MockRealtimeServer, turnDetection: unknown, extra: Record<string, unknown> = {}, query?: string) {
  const client = await TestClient.connect(server, { query });
  await client.expect(['session.created', 'conversation.created']);
  const type = query === 'intent=transcription' ? 'transcription' : 'realtime';
  client.send({ type: 'session.update', session: { type, ...extra, audio: { input: { turn_detection: turnDetection, ...((extra.audio as { input?: object })?.input ?? {}) } } } });
  await client.expect(['session.updated']);
  return client;
}

/** Reads the rest of a response up to response.done (and the rate_limits.updated after it); returns its events. */
async function restOfResponse(client: TestClient): Promise<Ev[]> {
  return client.untilResponseDone();
}

function sentAudioMs(events: Ev[]): number {
  const samples = events.filter((e) => e.type === 'response.output_audio.delta').reduce((n, e) => n + base64ToPcm16(e.delta).length, 0);
  return Math.floor((samples * 1000) / 24000);
}

describe('server VAD', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('detects a turn: speech_started, speech_stopped, committed, the user item, then a response', async () => {
    const client = await session(server, { type: 'server_vad' });
    client.appendPcm(TURN);
    const [started, stopped, committed, added, done] = await client.expect([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      ...RESPONSE_EVENTS,
    ]);
    const itemId = started!.item_id;
    assert.match(itemId, /^item_/);
    assert.deepEqual(started, { type: 'input_audio_buffer.speech_started', event_id: started!.event_id, audio_start_ms: 200, item_id: itemId });
    // Speech ends at 1500 ms, plus the default 200 ms of silence.
    assert.deepEqual(stopped, { type: 'input_audio_buffer.speech_stopped', event_id: stopped!.event_id, audio_end_ms: 1700, item_id: itemId });
    assert.deepEqual(committed, { type: 'input_audio_buffer.committed', event_id: committed!.event_id, previous_item_id: null, item_id: itemId });
    const userItem = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    assert.deepEqual(added, { type: 'conversation.item.added', event_id: added!.event_id, previous_item_id: null, item: userItem });
    assert.deepEqual(done, { type: 'conversation.item.done', event_id: done!.event_id, previous_item_id: null, item: userItem });
    const rest = await restOfResponse(client);
    assert.equal(rest.at(-1)!.response.output[0].content[0].transcript, 'You said: (1.0 s of speech)');
    assert.equal(rest.filter((e) => e.type.startsWith('conversation.item.input_audio_transcription')).length, 0, 'no transcription when it is off');
    assert.deepEqual(await client.drain(), []);
  });

  it('honours threshold: the same audio is speech at 0.75 and not at 0.8 (-15 vs -12 dBFS)', async () => {
    const deaf = await session(server, { type: 'server_vad', threshold: 0.8 });
    deaf.appendPcm(TURN);
    assert.deepEqual(await deaf.drain(), []);
    const hearing = await session(server, { type: 'server_vad', threshold: 0.75, create_response: false });
    hearing.appendPcm(TURN);
    const events = await hearing.drain();
    assert.equal(events[0]!.type, 'input_audio_buffer.speech_started');
  });

  it('honours prefix_padding_ms (clamped to the start of the buffer) and silence_duration_ms', async () => {
    const cases: Array<[Record<string, number>, number, number]> = [
      [{ prefix_padding_ms: 100, silence_duration_ms: 500 }, 400, 2000],
      [{ prefix_padding_ms: 0, silence_duration_ms: 200 }, 500, 1700],
      [{ prefix_padding_ms: 1000, silence_duration_ms: 650 }, 0, 2150],
    ];
    for (const [settings, start, end] of cases) {
      const client = await session(server, { type: 'server_vad', create_response: false, ...settings });
      client.appendPcm(TURN);
      const [started, stopped] = await client.expect(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
      assert.deepEqual([started!.audio_start_ms, stopped!.audio_end_ms], [start, end], JSON.stringify(settings));
    }
  });

  it('keeps one turn across a pause shorter than silence_duration_ms, and splits it on a longer one', async () => {
    const speech = concat(tone(300), silence(150), tone(300), silence(600));
    const one = await session(server, { type: 'server_vad', silence_duration_ms: 200, prefix_padding_ms: 0, create_response: false });
    one.appendPcm(speech);
    const a = await one.drain();
    assert.deepEqual(a.map((e) => e.type), ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
    assert.deepEqual([a[0]!.audio_start_ms, a[1]!.audio_end_ms], [0, 950]);
    const two = await session(server, { type: 'server_vad', silence_duration_ms: 100, prefix_padding_ms: 0, create_response: false });
    two.appendPcm(speech);
    const b = await two.drain();
    assert.deepEqual(b.filter((e) => e.type.startsWith('input_audio_buffer.speech')).map((e) => [e.type.slice(19), e.audio_start_ms ?? e.audio_end_ms]), [
      ['speech_started', 0],
      ['speech_stopped', 400],
      ['speech_started', 450],
      ['speech_stopped', 850],
    ]);
    const committed = b.filter((e) => e.type === 'input_audio_buffer.committed');
    assert.equal(committed[1]!.previous_item_id, committed[0]!.item_id, 'the second user item follows the first');
  });

  it('with create_response false: VAD events and the user item, no response', async () => {
    const client = await session(server, { type: 'server_vad', create_response: false });
    client.appendPcm(TURN);
    const events = await client.drain();
    assert.deepEqual(events.map((e) => e.type), ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
  });

  it('with interrupt_response: speech during a response cancels it (response.done cancelled, reason turn_detected)', async () => {
    const stallAfterFirstDelta: FaultRule = { on: 'response.output_audio.delta', when: 'after', stall: true };
    server.faults.next(stallAfterFirstDelta);
    const client = await session(server, { type: 'server_vad', interrupt_response: true });
    client.appendPcm(TURN);
    const opening = await client.until('response.output_audio.delta');
    const responseId = opening.find((e) => e.type === 'response.created')!.response.id;
    const itemId = opening.find((e) => e.type === 'response.output_item.added')!.item.id;
    const userItem = opening[0]!.item_id;
    client.appendPcm(tone(200));
    const events = await client.drain();
    const barge = events.slice(events.findIndex((e) => e.type === 'input_audio_buffer.speech_started'));
    assert.deepEqual(barge.map((e) => e.type), [
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const heard = opening.concat(events.slice(0, events.length - barge.length));
    const spoken = heard.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta).join('');
    assert.equal(barge[2]!.transcript, spoken, 'the transcript stops where the audio stopped');
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'output_audio', transcript: spoken }] };
    assert.deepEqual(barge[4]!.item, item);
    assert.equal(barge[4]!.previous_item_id, null, "the session's first model item: live names no predecessor in its done");
    assert.deepEqual(barge[5]!.item, item);
    const done = barge[6]!.response;
    assert.equal(done.id, responseId);
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(done.status_details, { type: 'cancelled', reason: 'turn_detected' });
    assert.deepEqual(done.output, [item]);
    // The client then truncates what the user heard: at most what was sent.
    const sentMs = sentAudioMs(heard);
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: sentMs });
    const [truncated] = await client.expect(['conversation.item.truncated']);
    assert.deepEqual(truncated, { type: 'conversation.item.truncated', event_id: truncated!.event_id, item_id: itemId, content_index: 0, audio_end_ms: sentMs });
  });

  it('without interrupt_response: the response goes on, and the next turn gets no second response', async () => {
    server.faults.next({ on: 'response.output_audio.delta', when: 'after', stall: true });
    const client = await session(server, { type: 'server_vad', interrupt_response: false });
    client.appendPcm(TURN);
    await client.until('response.output_audio.delta');
    client.appendPcm(TURN);
    const events = await client.drain();
    assert.deepEqual(events.map((e) => e.type), ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
    server.lastConnection!.resume();
    const rest = await client.untilResponseDone();
    assert.equal(rest.at(-1)!.response.status, 'completed');
    assert.deepEqual(await client.drain(), []);
  });

  it('fires idle_timeout_ms on the appended audio: timeout_triggered, an empty user item, a response; then re-arms after the reply has played', async () => {
    const client = await session(server, { type: 'server_vad', idle_timeout_ms: 1000 });
    client.appendPcm(silence(1000));
    const [timeout, committed, added] = await client.expect(['input_audio_buffer.timeout_triggered', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done', ...RESPONSE_EVENTS]);
    assert.deepEqual(timeout, { type: 'input_audio_buffer.timeout_triggered', event_id: timeout!.event_id, audio_start_ms: 0, audio_end_ms: 1000, item_id: timeout!.item_id });
    assert.equal(committed!.item_id, timeout!.item_id);
    assert.deepEqual(added!.item.content, [{ type: 'input_audio', transcript: null }]);
    const reply = await client.untilResponseDone();
    assert.equal(reply.at(-1)!.response.output[0].content[0].transcript, 'Are you still there?');
    const playedMs = sentAudioMs(reply);
    client.appendPcm(silence(playedMs + 980));
    assert.deepEqual(await client.drain(), [], 'idle time counts from when the reply finished playing');
    client.appendPcm(silence(40));
    const [again] = await client.expect(['input_audio_buffer.timeout_triggered']);
    assert.equal(again!.audio_start_ms, 1000 + playedMs);
    assert.equal(again!.audio_end_ms, 2000 + playedMs);
  });

  it('maps semantic_vad onto the same detector: eagerness sets the silence it waits for', async () => {
    const cases: Array<[string, number]> = [['high', 1800], ['auto', 2100], ['low', 2500]];
    for (const [eagerness, end] of cases) {
      const client = await session(server, { type: 'semantic_vad', eagerness, create_response: false });
      client.appendPcm(concat(TURN, silence(500)));
      const [started, stopped] = await client.expect(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped']);
      assert.deepEqual([started!.audio_start_ms, stopped!.audio_end_ms], [200, end], eagerness);
    }
  });

  it('with turn_detection null: no VAD events; the client commits, and no response follows', async () => {
    const client = await session(server, null);
    client.appendPcm(TURN);
    assert.deepEqual(await client.drain(), []);
    client.send({ type: 'input_audio_buffer.commit' });
    const [committed, added] = await client.expect(['input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
    assert.equal(committed!.previous_item_id, null);
    assert.equal(added!.item.id, committed!.item_id);
    assert.deepEqual(await client.drain(), []);
    client.send({ type: 'response.create' });
    const reply = await client.until('response.done');
    assert.equal(reply.at(-1)!.response.output[0].content[0].transcript, 'You said: (2.2 s of speech)');
  });

  it('refuses to commit less than 100 ms (input_audio_buffer_commit_empty), and clear empties the buffer', async () => {
    const client = await session(server, null);
    client.send({ type: 'input_audio_buffer.commit', event_id: 'c1' });
    client.appendPcm(silence(50));
    client.send({ type: 'input_audio_buffer.commit', event_id: 'c2' });
    client.appendPcm(silence(100));
    client.send({ type: 'input_audio_buffer.clear' });
    client.send({ type: 'input_audio_buffer.commit', event_id: 'c3' });
    const [e1, e2, cleared, e3] = await client.expect(['error', 'error', 'input_audio_buffer.cleared', 'error']);
    const empty = (ms: string, id: string) => ({
      type: 'invalid_request_error',
      code: 'input_audio_buffer_commit_empty',
      message: `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms}ms of audio.`,
      param: null,
      event_id: id,
    });
    assert.deepEqual(e1!.error, empty('0.00', 'c1'));
    assert.deepEqual(e2!.error, empty('50.00', 'c2'));
    assert.deepEqual(cleared, { type: 'input_audio_buffer.cleared', event_id: cleared!.event_id });
    assert.deepEqual(e3!.error, empty('0.00', 'c3'));
  });

  it('a manual commit during speech uses the speech item id and creates no response', async () => {
    const client = await session(server, { type: 'server_vad' });
    client.appendPcm(concat(silence(200), tone(400)));
    const [started] = await client.expect(['input_audio_buffer.speech_started']);
    client.send({ type: 'input_audio_buffer.commit' });
    const [committed] = await client.expect(['input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
    assert.equal(committed!.item_id, started!.item_id);
    client.appendPcm(silence(600));
    assert.deepEqual(await client.drain(), [], 'the committed speech does not end again');
  });

  it('transcribes committed audio when transcription is on: deltas then completed, before the response', async () => {
    const client = await session(server, { type: 'server_vad' }, { include: ['item.input_audio_transcription.logprobs'], audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });
    client.appendPcm(TURN);
    const events = await client.expect([
      ...TRANSCRIBED_TURN,
      ...RESPONSE_EVENTS,
    ]);
    const itemId = events[0]!.item_id;
    const deltas = events.slice(5, 9);
    assert.deepEqual(deltas.map((e) => [e.item_id, e.content_index, e.delta]), [
      [itemId, 0, '(1.0'],
      [itemId, 0, ' s'],
      [itemId, 0, ' of'],
      [itemId, 0, ' speech)'],
    ]);
    assert.deepEqual(deltas[0]!.logprobs, [{ token: '(1.0', logprob: 0, bytes: [40, 49, 46, 48] }]);
    assert.deepEqual(events[9], {
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: events[9]!.event_id,
      item_id: itemId,
      content_index: 0,
      transcript: '(1.0 s of speech)',
      // 1500 ms committed (200 to 1700 ms) at 10 audio tokens a second.
      usage: { type: 'tokens', input_tokens: 15, output_tokens: 5, total_tokens: 20, input_token_details: { audio_tokens: 15, text_tokens: 0 } },
      logprobs: [],
    });
    await client.untilResponseDone();
    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const [retrieved] = await client.expect(['conversation.item.retrieved']);
    assert.deepEqual(retrieved!.item.content, [{ type: 'input_audio', transcript: '(1.0 s of speech)' }]);
  });

  it('can send the input transcription after the response instead (inputTranscriptTiming)', async () => {
    const late = await startMockRealtime({ inputTranscriptTiming: 'after_response' });
    try {
      const client = await session(late, { type: 'server_vad' }, { audio: { input: { transcription: {} } } });
      client.appendPcm(TURN);
      const events = await client.until('conversation.item.input_audio_transcription.completed');
      const types = events.map((e) => e.type);
      assert.ok(types.indexOf('response.done') < types.indexOf('conversation.item.input_audio_transcription.delta'));
      assert.equal(types.at(-2), 'conversation.item.input_audio_transcription.delta');
    } finally {
      await closeClients();
      await late.close();
    }
  });

  it('in a transcription session: VAD, the item and its transcription, never a response', async () => {
    // Live transcription sessions start with transcription null: the client turns it on.
    const client = await session(server, { type: 'server_vad' }, { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } }, 'intent=transcription');
    client.appendPcm(TURN);
    client.send({ type: 'response.create', event_id: 'r1' });
    client.send({ type: 'conversation.item.create', event_id: 'i1', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } });
    const events = await client.drain();
    assert.deepEqual(events.map((e) => e.type), [
      ...TRANSCRIBED_TURN,
      'error',
      'error',
    ]);
    assert.deepEqual(events[10]!.error, { type: 'invalid_request_error', code: 'invalid_value', message: "'response.create' is not supported in transcription sessions.", param: 'type', event_id: 'r1' });
    assert.equal(events[11]!.error.event_id, 'i1');
  });

  it('runs on G.711 μ-law input at 8 kHz with the same timings', async () => {
    const client = await session(server, { type: 'server_vad', create_response: false }, { audio: { input: { format: { type: 'audio/pcmu' } } } });
    const at8k = concat(silence(500, 8000), tone(1000, 0.3, 8000), silence(700, 8000));
    for (let i = 0; i < at8k.length; i += 160) {
      const bytes = Uint8Array.from(at8k.subarray(i, i + 160), (s) => linearToMulaw(s));
      client.send({ type: 'input_audio_buffer.append', audio: encodeBase64(bytes) });
    }
    const [started, stopped] = await client.expect(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped']);
    assert.deepEqual([started!.audio_start_ms, stopped!.audio_end_ms], [200, 1700]);
  });

  it('keeps no audio: the session holds only text and counts, whatever was streamed', async () => {
    const client = await session(server, { type: 'server_vad' });
    for (let i = 0; i < 3; i++) {
      client.appendPcm(TURN);
      await client.untilResponseDone();
    }
    client.appendPcm(silence(10_000));
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio: encodeBase64(new Uint8Array(48_000)) }] } });
    const [added] = await client.expect(['conversation.item.added', 'conversation.item.done']);
    assert.deepEqual(added!.item.content, [{ type: 'input_audio', transcript: null }]);
    await client.drain();
    const conn = server.lastConnection!;
    const kept = JSON.stringify(conn.session!.conversation);
    assert.equal(conn.session!.conversation.length, 7);
    assert.ok(kept.length < 3000, `the conversation is text only (${kept.length} characters)`);
    const appends = conn.received.filter((e) => e.type === 'input_audio_buffer.append');
    assert.ok(appends.every((e) => e.audio === undefined && typeof e.audio_bytes === 'number'), 'the receive log keeps sizes, not audio');
    assert.equal(appends.at(-1)!.audio_bytes, 960);
    assert.ok(conn.sent.filter((e) => e.type === 'response.output_audio.delta').every((e) => e.delta === undefined && (e.delta_bytes as number) > 0));
  });
});
