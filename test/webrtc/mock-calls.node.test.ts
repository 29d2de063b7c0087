// The mock's WebRTC endpoint (POST /v1/realtime/calls) driven by a Node WebRTC peer: refusals as
// HTTP errors with JSON bodies, a server-VAD voice turn from the WAV fixture sent as Opus, the voice
// coming back over RTP between output_audio_buffer.started and .stopped, output_audio_buffer.clear,
// a barge-in, and a dropped call.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { fixtureSpeech24k } from '../support/wav.js';
import { TestPeer, type Ev } from './peer.js';

let server: MockRealtimeServer;
const peers: TestPeer[] = [];
const callsUrl = () => `${server.origin}/v1/realtime/calls`;

async function openCall(session?: Record<string, unknown>): Promise<TestPeer> {
  const peer = new TestPeer();
  peers.push(peer);
  const res = await peer.call(callsUrl(), server.issueKey(session ? { session } : {}).value);
  assert.equal(res.status, 201, res.body);
  await peer.next('session.created');
  return peer;
}

/** The text of the speech in the fixture: 0.3 s silence, speech, 1.5 s silence. */
const speech = fixtureSpeech24k();
/** Well above speech level, so that a barge-in triggers at once. */
const loud = (ms: number) => Int16Array.from({ length: (24000 * ms) / 1000 }, (_, i) => Math.round(Math.sin((2 * Math.PI * 220 * i) / 24000) * 0.3 * 32767));

before(async () => {
  server = await startMockRealtime();
});
afterEach(async () => {
  for (const peer of peers.splice(0)) {
    assert.deepEqual(peer.unparsed, [], 'every data-channel frame parses as a known GA server event');
    await peer.close();
  }
  server.reset();
});
after(() => server.close());

describe('POST /v1/realtime/calls refusals', () => {
  test('without a key: 401 with a JSON invalid_api_key error, no call', async () => {
    const peer = new TestPeer();
    peers.push(peer);
    const res = await peer.call(callsUrl(), null);
    assert.equal(res.status, 401);
    const body = JSON.parse(res.body);
    assert.equal(body.error.code, 'invalid_api_key');
    assert.match(body.error.message, /Missing API key/);
    assert.equal(server.connections.length, 0);
  });

  test('an expired or unknown ek_ key: 401 invalid_api_key naming the key redacted', async () => {
    const peer = new TestPeer();
    peers.push(peer);
    const res = await peer.call(callsUrl(), 'ek_not_a_real_key_123456');
    assert.equal(res.status, 401);
    const body = JSON.parse(res.body);
    assert.equal(body.error.code, 'invalid_api_key');
    assert.doesNotMatch(body.error.message, /ek_not_a_real_key_123456/);
  });

  test('an offer sent as JSON: 400 naming application/sdp', async () => {
    const peer = new TestPeer();
    peers.push(peer);
    const res = await peer.call(callsUrl(), server.issueKey().value, 'application/json');
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.body).error.message, /application\/sdp/);
  });

  test('an offer without the data channel: 400 invalid_offer', async () => {
    const res = await fetch(callsUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${server.issueKey().value}` },
      body: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_offer');
    assert.match(body.error.message, /oai-events/);
  });
});

describe('a WebRTC call', () => {
  test('answers with an SDP answer and a Location; the session runs over the data channel', async () => {
    const peer = new TestPeer();
    peers.push(peer);
    const res = await peer.call(callsUrl(), server.issueKey().value);
    assert.equal(res.status, 201);
    assert.match(res.body, /^v=0/);
    assert.match(res.body, /a=rtpmap:\d+ opus\/48000\/2/i);
    assert.match(res.location ?? '', /\/v1\/realtime\/calls\/rtc_/);
    const created = await peer.next('session.created');
    assert.equal(created.session.type, 'realtime');
    assert.equal(server.lastConnection?.info.transport, 'webrtc');
    peer.send({ type: 'session.update', event_id: 'u1', session: { type: 'realtime', instructions: 'Be brief.' } });
    const updated = await peer.next('session.updated');
    assert.equal(updated.session.instructions, 'Be brief.');
    assert.deepEqual((await server.lastConnection!.waitForReceived('session.update')).event_id, 'u1');
  });

  test('a voice turn: the Opus speech is heard by the VAD, the reply plays over RTP between started and stopped, no audio deltas', async () => {
    // The fixture's speech has pauses longer than live's 200 ms default silence: one turn needs the documented 500 ms.
    const peer = await openCall({
      type: 'realtime',
      audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } },
    });
    await peer.speak(speech);
    const started = await peer.next('input_audio_buffer.speech_started');
    const stopped = await peer.next('input_audio_buffer.speech_stopped');
    assert.ok(stopped.audio_end_ms > started.audio_start_ms + 1000, 'the fixture speaks for more than a second');
    const transcript = await peer.next('conversation.item.input_audio_transcription.completed');
    assert.match(transcript.transcript, /^\(\d\.\d s of speech\)$/);
    const done = await peer.next('response.done');
    assert.equal(done.response.status, 'completed');
    const bufferStarted = await peer.next('output_audio_buffer.started');
    const bufferStopped = await peer.next('output_audio_buffer.stopped');
    assert.equal(bufferStarted.response_id, done.response.id);
    assert.equal(bufferStopped.response_id, done.response.id);
    const types = peer.events.map((e) => e.type);
    assert.ok(types.indexOf('response.content_part.added') < types.indexOf('output_audio_buffer.started'), 'started follows content_part.added');
    assert.ok(types.indexOf('response.done') < types.indexOf('output_audio_buffer.stopped'), 'the voice plays on after the model is done');
    assert.equal(types.filter((t) => t === 'response.output_audio.delta').length, 0, 'audio goes over RTP, not the data channel');
    assert.ok(types.includes('response.output_audio_transcript.done'));
    const loudFrames = peer.voice.filter((rms) => rms > 0.02).length;
    assert.ok(loudFrames > 25, `the voice came over RTP (${loudFrames} voiced frames of ${peer.voice.length})`);
  });

  test('output_audio_buffer.clear stops the voice: cleared, never stopped, and the item is truncated (transcript dropped)', async () => {
    const peer = await openCall();
    peer.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Tell me a long story about the sea and the ships on it.' }] } });
    peer.send({ type: 'response.create' });
    const bufferStarted = await peer.next('output_audio_buffer.started');
    const done = await peer.next('response.done');
    await peer.until(() => peer.voice.length >= 5);
    peer.send({ type: 'output_audio_buffer.clear' });
    const cleared = await peer.next('output_audio_buffer.cleared');
    assert.equal(cleared.response_id, bufferStarted.response_id);
    const item = done.response.output[0];
    peer.send({ type: 'conversation.item.retrieve', item_id: item.id });
    const retrieved = await peer.next('conversation.item.retrieved');
    assert.equal(retrieved.item.content[0].transcript, '', 'the server truncated what was not heard');
    assert.equal(peer.events.filter((e) => e.type === 'output_audio_buffer.stopped').length, 0);
  });

  test('output_audio_buffer.clear is still refused over WebSocket', async () => {
    const { TestClient } = await import('../mock/helpers.js');
    const client = await TestClient.connect(server);
    client.send({ type: 'output_audio_buffer.clear', event_id: 'c1' });
    let error: Ev;
    do error = await client.next();
    while (error.type !== 'error');
    assert.equal(error.error.event_id, 'c1');
    assert.match(error.error.message, /WebRTC/);
    client.ws.close();
  });

  test('a barge-in (speech while the voice plays) cancels the reply and clears the buffer', async () => {
    const peer = await openCall();
    peer.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Tell me a long story about the sea and the ships on it.' }] } });
    peer.send({ type: 'response.create' });
    await peer.next('output_audio_buffer.started');
    await peer.speak(loud(400));
    await peer.next('input_audio_buffer.speech_started');
    const cleared = await peer.next('output_audio_buffer.cleared');
    const types = peer.events.map((e) => e.type);
    assert.ok(types.indexOf('input_audio_buffer.speech_started') < types.indexOf('output_audio_buffer.cleared'));
    assert.equal(cleared.response_id, peer.events.find((e) => e.type === 'response.created')!.response.id);
  });

  test('a dropped call closes the data channel; the connection reports its close', async () => {
    const peer = await openCall();
    const conn = server.lastConnection!;
    conn.drop(1006);
    await peer.closed;
    assert.deepEqual(await conn.closed, { code: 1006, reason: '' });
    assert.equal(conn.isOpen, false);
  });

  test('the session limit ends a call with session_expired', async () => {
    const peer = await openCall();
    server.lastConnection!.expire();
    const error = await peer.next('error');
    assert.equal(error.error.code, 'session_expired');
    await peer.closed;
  });
});
