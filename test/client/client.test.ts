// RealtimeClient over a scripted socket: exact order of what is sent, congestion, malformed frames,
// reconnect timing with a fake clock. The same behaviours against the mock server are in client-mock.test.ts.
import { expect } from '@open-wc/testing';
import { RealtimeClient, type RealtimeClientEventMap, type RealtimeClientOptions } from '../../src/client/client.js';
import { base64ToPcm16 } from '../../src/protocol/index.js';
import { FakeClock } from './fake-clock.js';
import { socketFactory, until } from './fake-socket.js';
import { added, assistantItem, audioDelta, responseCreated, responseDone, transcriptDelta, userTextItem } from './events.js';

const NOW = Date.UTC(2026, 0, 1);

function setup(extra: Partial<RealtimeClientOptions> = {}) {
  const clock = new FakeClock(NOW);
  const factory = socketFactory();
  let tokens = 0;
  const client = new RealtimeClient({
    getToken: async () => ({ value: `ek_${++tokens}`, expires_at: clock.now() / 1000 + 600 }),
    url: 'wss://example.test/v1/realtime',
    model: 'gpt-realtime',
    createWebSocket: factory.create,
    clock,
    reconnect: { maxAttempts: 3, baseMs: 100, maxMs: 1000, random: () => 0 },
    ...extra,
  });
  const log: { [K in keyof RealtimeClientEventMap]?: RealtimeClientEventMap[K][] } = {};
  for (const type of ['state', 'error', 'audio', 'audio-dropped', 'metrics', 'response', 'speech-started'] as const) {
    client.on(type, (d: any) => ((log[type] ??= [] as any[]) as any[]).push(d));
  }
  return { clock, factory, client, log, tokens: () => tokens };
}

async function ready(s: ReturnType<typeof setup>) {
  const p = s.client.connect();
  await until(() => s.factory.sockets.length > 0, 'a socket');
  s.factory.last.handshake();
  await p;
  return s.factory.last;
}

const pcm = (n: number, v = 7) => new Int16Array(n).fill(v);

describe('RealtimeClient over a scripted socket', () => {
  it('connects with the subprotocol key, sends session.update after session.created, and nothing else before session.updated', async () => {
    const s = setup({ session: { instructions: 'Be brief.' } });
    const states: string[] = [];
    s.client.on('state', (d) => states.push(`${d.state}:${d.reason}`));
    const connected = s.client.connect();
    s.client.appendAudio(pcm(2400)); // 100 ms captured at the click
    s.client.sendText('hello');
    await until(() => s.factory.sockets.length === 1);
    const socket = s.factory.last;
    expect(socket.url).to.equal('wss://example.test/v1/realtime?model=gpt-realtime');
    expect(socket.protocols).to.deep.equal(['realtime', 'openai-insecure-api-key.ek_1']);
    socket.open();
    expect(socket.sent, 'nothing before session.created').to.deep.equal([]);
    socket.receive({ type: 'session.created', event_id: 'e1', session: { type: 'realtime' } });
    expect(socket.types()).to.deep.equal(['session.update']);
    const update = socket.sent[0]!;
    // Only what the page set: the server's session reports no other format, so none is asked for.
    expect(update.session).to.deep.equal({ type: 'realtime', instructions: 'Be brief.' });
    s.client.appendAudio(pcm(2400));
    expect(socket.types(), 'no audio or text before session.updated').to.deep.equal(['session.update']);
    socket.receive({ type: 'session.updated', event_id: 'e2', session: update.session });
    await connected;
    // Interleaved as given: 100 ms of audio, the text and its response request, then the audio that followed.
    expect(socket.types()).to.deep.equal(['session.update', 'input_audio_buffer.append', 'conversation.item.create', 'response.create', 'input_audio_buffer.append']);
    expect(base64ToPcm16(socket.sent[1]!.audio).length, 'the pre-connect audio is all there').to.equal(2400);
    expect(states).to.deep.equal(['connecting:connect', 'ready:connected']);
    expect(s.log.metrics![0]).to.have.keys(['tokenMs', 'connectMs']);
  });

  it('holds audio on a congested socket, reports dropped frames, and still sends control events', async () => {
    const s = setup({ preConnectBufferMs: 100, highWaterMark: 64 * 1024 });
    const socket = await ready(s);
    const before = socket.sent.length;
    socket.bufferedAmount = 1_000_000;
    for (let i = 0; i < 5; i++) s.client.appendAudio(pcm(960)); // 200 ms into a 100 ms ring
    expect(socket.sent.length).to.equal(before);
    expect(s.log['audio-dropped']!.reduce((n, d) => n + d.frames, 0)).to.equal(4800 - 2400);
    expect(s.log['audio-dropped']![0]!.reason).to.equal('congestion');
    s.client.commitAudio();
    expect(socket.types().slice(before)).to.deep.equal(['input_audio_buffer.append', 'input_audio_buffer.commit']);
    expect(base64ToPcm16(socket.sent[before]!.audio).length, 'the newest 100 ms, coalesced').to.equal(2400);
  });

  it('reports malformed frames as non-fatal errors, passes unknown types through, and stays ready', async () => {
    const s = setup();
    const socket = await ready(s);
    const seen: string[] = [];
    s.client.on('server-event', (e) => seen.push(e.type));
    socket.receive('{not json');
    socket.receive({ type: 'response.output_audio.delta', response_id: 1 });
    socket.receive({ type: 'future.event', x: 1 });
    expect(s.log.error!.map((e) => [e.code, e.fatal])).to.deep.equal([
      ['malformed_event', false],
      ['malformed_event', false],
    ]);
    expect(seen).to.deep.equal(['future.event']);
    expect(s.client.state).to.equal('ready');
  });

  it('surfaces non-fatal server errors and closes cleanly on an authentication error', async () => {
    const s = setup();
    const socket = await ready(s);
    socket.receive({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'bad threshold', param: 'session.x' } });
    expect(s.client.state).to.equal('ready');
    expect(s.log.error!.at(-1)).to.include({ code: 'invalid_value', fatal: false, message: 'bad threshold' });
    socket.receive({ type: 'error', event_id: 'e2', error: { type: 'authentication_error', code: 'invalid_api_key', message: 'Incorrect API key' } });
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['closed', 'authentication']);
    expect(s.log.error!.at(-1)).to.include({ code: 'authentication', fatal: true });
    expect(socket.closedByClient).to.deep.equal({ code: 1000 });
    expect(s.factory.sockets, 'no reconnect after a fatal error').to.have.length(1);
  });

  it('emits decoded assistant audio and drops the audio of a truncated item; truncate is clamped to what was received', async () => {
    const s = setup();
    const socket = await ready(s);
    const sent = socket.sent.length;
    socket.receive(responseCreated('resp_1'));
    socket.receive(added(assistantItem('item_a'), null));
    socket.receive(audioDelta('resp_1', 'item_a', 2400, 5));
    expect(s.log.audio!.map((a) => [a.itemId, a.responseId, a.contentIndex, a.pcm.length, a.pcm[0]])).to.deep.equal([['item_a', 'resp_1', 0, 2400, 5]]);
    s.client.truncate('item_a', 0, 5000);
    expect(socket.sent.slice(sent)).to.deep.equal([{ type: 'conversation.item.truncate', item_id: 'item_a', content_index: 0, audio_end_ms: 100 }]);
    socket.receive(audioDelta('resp_1', 'item_a', 2400));
    expect(s.log.audio, 'no audio after the interruption').to.have.length(1);
    expect(s.client.conversation.get('item_a')!.truncated!.audioEndMs).to.equal(100);
  });

  it('changes the session live, and keeps a new voice for the next session once the model has spoken', async () => {
    const s = setup({ session: { audio: { output: { voice: 'marin' } } } });
    const socket = await ready(s);
    const n = socket.sent.length;
    s.client.updateSession({ instructions: 'Speak French.', audio: { input: { turn_detection: null } } });
    expect(socket.sent.slice(n)).to.deep.equal([
      { type: 'session.update', session: { type: 'realtime', instructions: 'Speak French.', audio: { input: { turn_detection: null } } } },
    ]);
    socket.receive(responseCreated('r'));
    socket.receive(audioDelta('r', 'item_x', 10));
    const m = socket.sent.length;
    s.client.updateSession({ audio: { output: { voice: 'cedar' } } });
    expect(socket.sent.length, 'nothing left to send live').to.equal(m);
    expect(s.log.error!.at(-1)!.code).to.equal('voice_locked');
    expect(() => s.client.updateSession({ audio: { output: { speed: 9 } } }), 'a patch GA refuses').to.throw(TypeError, /speed/);
  });

  it('registers tools live and runs them; the tools go into session.update', async () => {
    const s = setup();
    const socket = await ready(s);
    s.client.registerTool({ name: 'echo', parameters: { type: 'object' }, handler: (a) => a });
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'echo', parameters: { type: 'object' } }] } });
    s.client.unregisterTool('echo');
    expect(socket.sent.at(-1)!.session.tools).to.deep.equal([]);
  });

  it('asks for a transcription session with ?intent=transcription', async () => {
    const s = setup({ transcription: { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } } });
    const p = s.client.connect();
    await until(() => s.factory.sockets.length === 1);
    const socket = s.factory.last;
    expect(socket.url).to.equal('wss://example.test/v1/realtime?intent=transcription');
    socket.handshake({ type: 'transcription' });
    await p;
    expect(socket.sent[0]).to.deep.equal({
      type: 'session.update',
      event_id: socket.sent[0]!.event_id,
      session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } },
    });
  });
});

describe('RealtimeClient reconnect (fake clock)', () => {
  it('after a drop: backs off, fetches a fresh token, re-sends the config, replays the text, then what waited', async () => {
    const s = setup({ session: { instructions: 'Be brief.' } });
    const first = await ready(s);
    first.receive(added(userTextItem('u1', 'What is the capital of France?'), null));
    first.receive(responseCreated('resp_1'));
    first.receive(added(assistantItem('a1'), 'u1'));
    first.receive(transcriptDelta('resp_1', 'a1', 'The capital of France'));
    first.serverClose(1006);
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['reconnecting', 'connection_lost']);
    expect(s.clock.pending, 'the first retry waits baseMs/2 with this random source').to.deep.equal([50]);
    s.client.sendText('Are you there?');
    s.client.appendAudio(pcm(480));
    s.clock.advance(50);
    await until(() => s.factory.sockets.length === 2, 'second socket');
    const second = s.factory.last;
    expect(second.protocols[1], 'a fresh token').to.equal('openai-insecure-api-key.ek_2');
    second.handshake();
    await until(() => s.client.state === 'ready');
    expect(s.client.stateReason).to.equal('reconnected');
    expect(second.sent[0]!.session.instructions).to.equal('Be brief.');
    expect(second.sent.slice(1).map((e) => (e.type === 'conversation.item.create' ? `${e.item.role}:${e.item.content[0].type}:${e.item.content[0].text}` : e.type))).to.deep.equal([
      'user:input_text:What is the capital of France?',
      'assistant:output_text:The capital of France',
      'user:input_text:Are you there?',
      'response.create',
      'input_audio_buffer.append',
    ]);
    expect(s.client.conversation.items.map((i) => [i.id, i.text, i.status])).to.deep.equal([
      ['u1', 'What is the capital of France?', 'completed'],
      ['a1', 'The capital of France', 'incomplete'],
    ]);
    // The replayed items echo back: nothing changes in the transcript.
    const seed = second.sent[1]!;
    second.receive(added({ ...seed.item, id: seed.item.id, status: 'completed' }, null));
    expect(s.client.conversation.size).to.equal(2);
  });

  it('a tool that answers while reconnecting: its call is replayed, then its output, then one response', async () => {
    let finish!: (v: unknown) => void;
    const s = setup({ tools: [{ name: 'slow', handler: () => new Promise((r) => (finish = r)) }] });
    const first = await ready(s);
    const call = { id: 'fc_1', type: 'function_call', name: 'slow', call_id: 'call_1', arguments: '{}', status: 'completed' };
    first.receive(added(userTextItem('u1', 'call slow'), null));
    first.receive(responseCreated('resp_1'));
    first.receive(added({ ...call, status: 'in_progress', arguments: '' }, 'u1'));
    first.receive({ type: 'response.output_item.done', event_id: 'e', response_id: 'resp_1', output_index: 0, item: call });
    first.serverClose(1006); // before response.done and before the tool answered
    finish({ ok: 1 });
    await until(() => s.client.state === 'reconnecting');
    s.clock.next();
    await until(() => s.factory.sockets.length === 2);
    const second = s.factory.last;
    second.handshake();
    await until(() => s.client.state === 'ready');
    expect(second.sent.slice(1).map((e) => (e.type === 'conversation.item.create' ? `${e.item.type}:${e.item.call_id ?? e.item.content?.[0]?.text}` : e.type))).to.deep.equal([
      'message:call slow',
      'function_call:call_1',
      'function_call_output:call_1',
      'response.create',
    ]);
  });

  it('gives up after maxAttempts failed attempts and closes with reconnect_failed', async () => {
    const s = setup();
    const failed: string[] = [];
    s.client.on('state', (d) => failed.push(`${d.state}:${d.attempt ?? ''}`));
    const first = await ready(s);
    first.serverClose(1006);
    for (let i = 0; i < 3; i++) {
      s.clock.next();
      await until(() => s.factory.sockets.length === i + 2);
      s.factory.last.serverClose(1006); // refused before open
    }
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['closed', 'reconnect_failed']);
    expect(s.log.error!.at(-1)!.fatal).to.equal(true);
    expect(failed.filter((f) => f.startsWith('reconnecting'))).to.deep.equal(['reconnecting:1', 'reconnecting:2', 'reconnecting:3']);
  });

  it('rolls over at once on session_expired, with no backoff delay', async () => {
    const s = setup();
    const first = await ready(s);
    first.receive({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' } });
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['reconnecting', 'session_expired']);
    expect(first.closedByClient).to.deep.equal({ code: 1000 });
    await until(() => s.factory.sockets.length === 2);
    s.factory.last.handshake();
    await until(() => s.client.state === 'ready');
    expect(s.client.stateReason).to.equal('rolled_over');
    expect(s.log.error ?? [], 'a rollover is not an error').to.deep.equal([]);
  });

  it('without rollover, session_expired closes with that reason; disconnect() closes with reason client', async () => {
    const s = setup({ rollover: false });
    const first = await ready(s);
    first.receive({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'session_expired', message: 'expired' } });
    expect([s.client.state, s.client.stateReason]).to.deep.equal(['closed', 'session_expired']);
    const t = setup();
    await ready(t);
    t.client.disconnect();
    expect([t.client.state, t.client.stateReason]).to.deep.equal(['closed', 'client']);
    t.factory.last.receive(responseCreated('late')); // a stale socket's events are ignored
    expect(t.log.response ?? []).to.deep.equal([]);
  });

  it('a token failure on connect rejects connect() with the token error code', async () => {
    const s = setup({ getToken: () => Promise.resolve({ value: 'sk-standard' }) });
    let error: any;
    await s.client.connect().catch((e) => (error = e));
    expect([error?.code, s.client.state, s.client.stateReason]).to.deep.equal(['standard_key_refused', 'closed', 'standard_key_refused']);
  });
});

describe('RealtimeClient responses over a scripted socket', () => {
  it('waits for the VAD response to finish before sending its own, and never forwards the collision error', async () => {
    const s = setup();
    const socket = await ready(s);
    socket.receive(responseCreated('resp_vad'));
    s.client.createResponse({ instructions: 'mine' });
    expect(socket.types()).to.not.include('response.create');
    socket.receive(responseDone('resp_vad'));
    expect(socket.types().filter((t) => t === 'response.create')).to.have.length(1);
    // The race: our create reached the server after it had started another response.
    const mine = socket.sent.at(-1)!;
    socket.receive(responseCreated('resp_vad2'));
    socket.receive({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'busy', event_id: mine.event_id } });
    socket.receive(responseDone('resp_vad2'));
    expect(socket.types().filter((t) => t === 'response.create')).to.have.length(2);
    expect(s.log.error ?? []).to.deep.equal([]);
  });

  it('cancelResponse cancels the active response by id and sends nothing when none is active', async () => {
    const s = setup();
    const socket = await ready(s);
    const n = socket.sent.length;
    s.client.cancelResponse();
    expect(socket.sent.length).to.equal(n);
    socket.receive(responseCreated('resp_1'));
    s.client.cancelResponse();
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'response.cancel', response_id: 'resp_1' });
    socket.receive(audioDelta('resp_1', 'item_z', 10));
    expect(s.log.audio ?? [], 'audio of a cancelled response is dropped').to.deep.equal([]);
  });
});

