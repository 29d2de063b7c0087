// RealtimeClient in Chromium against the real mock GA server (over WebSocket and HTTP): the token
// contract and its failures, the connect order, the pre-connect buffer, live session updates,
// response sequencing against a VAD response, tools, out-of-order transcripts, reconnect after a
// drop mid-response, and the session_expired rollover.
import { expect } from '@open-wc/testing';
import { RealtimeClient, type RealtimeClientEventMap, type RealtimeClientOptions } from '../../src/client/client.js';
import { fetchToken, TokenError } from '../../src/client/token.js';
import { FakeClock } from './fake-clock.js';
import { until as untilSpins } from './fake-socket.js';

/** Waits for a condition driven by the mock's paced streaming; mocha's timeout is the real bound. */
const until = (cond: () => boolean, what?: string) => untilSpins(cond, what, 100_000);
import { mock, MOCK_TOKEN_URL, MOCK_URL, run } from './mock-control.js';

type Log = { [K in keyof RealtimeClientEventMap]: RealtimeClientEventMap[K][] };

const clients: RealtimeClient[] = [];

function make(extra: Partial<RealtimeClientOptions> = {}) {
  const client = new RealtimeClient({ tokenUrl: MOCK_TOKEN_URL, ...extra });
  clients.push(client);
  const log = {} as Log;
  const timeline: string[] = [];
  for (const type of ['state', 'error', 'audio', 'audio-dropped', 'response', 'speech-started', 'speech-stopped', 'metrics', 'tool-call'] as const) {
    log[type] = [];
    client.on(type, (d: any) => (log[type] as any[]).push(d));
  }
  client.on('server-event', (e) => timeline.push(`in ${e.type}`));
  client.on('client-event', (e) => timeline.push(`out ${e.type}`));
  return { client, log, timeline };
}

/** `ms` of a loud 440 Hz tone then `silenceMs` of silence, PCM16 at 24 kHz, in 20 ms frames. */
function speech(ms: number, silenceMs: number): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let f = 0; f < (ms + silenceMs) / 20; f++) {
    const frame = new Int16Array(480);
    if (f * 20 < ms) for (let i = 0; i < 480; i++) frame[i] = Math.round(9000 * Math.sin((2 * Math.PI * 440 * (f * 480 + i)) / 24000));
    frames.push(frame);
  }
  return frames;
}

const bytesAppended = (received: { type: string; audio_bytes?: unknown }[]) =>
  received.filter((e) => e.type === 'input_audio_buffer.append').reduce((n, e) => n + Number(e.audio_bytes), 0);

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await mock.reset();
});

describe('token contract against the mock', () => {
  it('reads { value, expires_at, url } from the token endpoint and connects to the url it names', async () => {
    const token = await fetchToken(MOCK_TOKEN_URL);
    expect(token.value).to.match(/^ek_/);
    expect(token.expiresAt! - Date.now()).to.be.within(590_000, 601_000);
    expect(token.url).to.equal(MOCK_URL);
    const { client } = make({ url: 'ws://127.0.0.1:9/never-used' });
    await client.connect();
    expect(client.state).to.equal('ready');
  });

  it('prefetch fetches once; connect reuses the unexpired token', async () => {
    let calls = 0;
    const { client } = make({ fetch: (...a: Parameters<typeof fetch>) => (calls++, fetch(...a)) });
    await client.prefetchToken();
    await client.prefetchToken();
    await client.connect();
    expect(calls).to.equal(1);
  });

  it('each failure is a typed error', async () => {
    const code = async (url: string, opts = {}) => {
      try {
        await fetchToken(url, opts);
      } catch (error) {
        expect(error).to.be.instanceOf(TokenError);
        return [(error as TokenError).code, (error as TokenError).status];
      }
      throw new Error('expected a TokenError');
    };
    await mock.httpFault({ status: 503 });
    expect(await code(MOCK_TOKEN_URL)).to.deep.equal(['token_http_error', 503]);
    await mock.httpFault({ status: 200, body: { session: {} } });
    expect(await code(MOCK_TOKEN_URL)).to.deep.equal(['token_missing_value', undefined]);
    await mock.httpFault({ status: 200, body: { value: 'ek_old', expires_at: Math.floor(Date.now() / 1000) - 5 } });
    expect(await code(MOCK_TOKEN_URL)).to.deep.equal(['token_expired', undefined]);
    await mock.httpFault({ status: 200, body: { value: 'sk-proj-leaked', expires_at: Math.floor(Date.now() / 1000) + 600 } });
    expect(await code(MOCK_TOKEN_URL)).to.deep.equal(['standard_key_refused', undefined]);
    // A backend answering its login page (the mock only sends JSON, so the page is a data: URL).
    expect(await code('data:text/html,<html>Please log in</html>')).to.deep.equal(['token_not_json', 200]);
    expect(await code('http://127.0.0.1:9/token'), 'nothing listens there').to.deep.equal(['token_network', undefined]);
    // An endpoint that never answers (the mock cannot hold an HTTP request open): a fetch that settles
    // only when aborted, as the browser's does; the fake clock fires the timeout.
    const clock = new FakeClock(Date.now());
    const hanging = ((_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const hung = code(MOCK_TOKEN_URL, { clock, timeoutMs: 3000, fetch: hanging });
    await until(() => clock.pending.length === 1, 'the timeout timer');
    clock.advance(3000);
    expect(await hung).to.deep.equal(['token_timeout', undefined]);
  });

  it('connect() rejects with the token error and the client closes with it as the reason', async () => {
    await mock.httpFault({ status: 401, body: { error: { message: 'not signed in' } } });
    const { client, log } = make();
    const error = await client.connect().then(
      () => null,
      (e) => e,
    );
    expect(error?.code).to.equal('token_http_error');
    expect([client.state, client.stateReason]).to.deep.equal(['closed', 'token_http_error']);
    expect(log.error.map((e) => [e.code, e.fatal])).to.deep.equal([['token_http_error', true]]);
  });
});

describe('RealtimeClient against the mock', () => {
  it('connects in order: open, session.created, session.update, session.updated, then audio and text', async () => {
    const { client, timeline } = make({ session: { instructions: 'Answer in one line.' } });
    client.appendAudio(new Int16Array(2400)); // captured at the click, before anything exists
    const ready = client.connect();
    client.sendText('hi');
    await ready;
    const firstOut = timeline.findIndex((t) => t.startsWith('out '));
    expect(timeline[firstOut]).to.equal('out session.update');
    expect(timeline.slice(0, firstOut)).to.include('in session.created');
    expect(timeline.indexOf('in session.created')).to.be.below(timeline.indexOf('out session.update'));
    const updated = timeline.indexOf('in session.updated');
    const firstAppend = timeline.indexOf('out input_audio_buffer.append');
    expect(updated, 'session.updated came').to.be.above(0);
    expect(firstAppend, 'no append before session.updated').to.be.above(updated);
    expect(timeline.indexOf('out conversation.item.create')).to.be.above(updated);
    const received = await mock.received();
    expect(received[0]!.type).to.equal('session.update');
    expect((received[0] as any).session.instructions).to.equal('Answer in one line.');
    expect(client.serverSession?.instructions).to.equal('Answer in one line.');
  });

  it('keeps audio captured before ready (bounded) and sends it once ready, so the first words are not lost', async () => {
    const { client, log } = make({ preConnectBufferMs: 1000 });
    for (const frame of speech(1500, 0)) client.appendAudio(frame); // 1.5 s spoken while connecting
    await client.connect();
    await until(() => log['speech-started'].length > 0, 'the mock VAD hears the buffered speech');
    const received = await mock.received();
    expect(bytesAppended(received), 'the newest second of it').to.equal(48_000);
    expect(log['audio-dropped'].reduce((n, d) => n + d.frames, 0)).to.equal(12_000);
    expect(log['audio-dropped'][0]!.reason).to.equal('pre-connect');
    const order = received.map((e) => e.type);
    expect(order.indexOf('input_audio_buffer.append')).to.be.above(order.indexOf('session.update'));
  });

  it('changes instructions, voice, turn detection, transcription and tools live, on one connection', async () => {
    const { client } = make({ session: { audio: { output: { voice: 'alloy' } } } });
    await client.connect();
    const updated = () => mock.sentCount('session.updated');
    const before = await updated();
    client.updateSession({
      instructions: 'Be terse.',
      audio: { input: { turn_detection: null, transcription: { model: 'gpt-4o-mini-transcribe' } }, output: { voice: 'marin' } },
    });
    client.registerTool({ name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: {} }, handler: () => '12:00' });
    await until(() => client.serverSession?.tools?.length === 1, 'the tools update');
    const s = client.serverSession!;
    expect(s.instructions).to.equal('Be terse.');
    expect(s.audio?.output?.voice).to.equal('marin');
    expect(s.audio?.input?.turn_detection).to.equal(null);
    expect(s.audio?.input?.transcription?.model).to.equal('gpt-4o-mini-transcribe');
    expect(s.tools?.[0]?.name).to.equal('get_time');
    expect((await updated()) - before).to.equal(2);
    expect(await mock.connectionCount()).to.equal(1);
  });

  it('a client response racing a VAD-created one never causes conversation_already_has_active_response to surface', async () => {
    const { client, log } = make();
    await client.connect();
    // The instant VAD ends the turn the server creates its response; ask for ours at that very moment. The
    // server's response stalls until ours has arrived, so the race always happens (however slow the machine).
    await mock.fault([{ on: 'response.created', stall: true }]);
    client.on('speech-stopped', () => client.createResponse({ instructions: 'Also say goodbye.' }));
    for (const frame of speech(600, 900)) client.appendAudio(frame);
    await run('wait-for-received', { type: 'response.create' });
    await run('resume', {});
    await until(() => log.response.filter((r) => r.phase === 'done').length >= 2, 'both responses');
    const sent = await mock.sent();
    const collisions = sent.filter((e) => e.type === 'error' && (e as any).error.code === 'conversation_already_has_active_response');
    const received = await mock.received();
    expect(collisions, 'the race happened: the server refused our first request').to.have.length(1);
    expect(received.filter((e) => e.type === 'response.create'), 'ours, then ours again after the VAD one').to.have.length(2);
    expect(log.error, 'nothing surfaced to the page').to.deep.equal([]);
    expect(log.response.map((r) => `${r.phase}:${r.response.status}`)).to.deep.equal(['created:in_progress', 'done:completed', 'created:in_progress', 'done:completed']);
    // Never two at once: each created is followed by its done before the next created.
    expect(client.conversation.items.filter((i) => i.role === 'assistant')).to.have.length(2);
  });

  it('waits for an active response before sending its own, so the server never refuses it', async () => {
    const { client, log } = make();
    await client.connect();
    // Ask again the moment the first response is known to be running.
    const off = client.on('response', (r) => {
      if (r.phase !== 'created') return;
      off();
      client.sendText('second');
    });
    client.sendText('first');
    await until(() => log.response.filter((r) => r.phase === 'done').length >= 2, 'both done');
    const sent = await mock.sent();
    expect(sent.filter((e) => e.type === 'error')).to.deep.equal([]);
    expect(client.conversation.items.map((i) => `${i.role}:${i.text}`)).to.deep.equal([
      'user:first',
      'assistant:You wrote: first',
      'user:second',
      'assistant:You wrote: second',
    ]);
  });

  it('runs tools: a result, a thrown error and a timeout each go back as function_call_output, then one response', async () => {
    const clock = new FakeClock(Date.now());
    const { client, log } = make({ clock, toolTimeoutMs: 5000 });
    client.registerTool({ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', default: 'Paris' } }, required: ['city'] }, handler: (args: any) => ({ city: args.city, temp: 21 }) });
    client.registerTool({ name: 'explode', handler: () => { throw new Error('kaboom'); } });
    client.registerTool({ name: 'hang', handler: () => new Promise(() => {}) });
    await client.connect();
    const outputs = async () => (await mock.received()).filter((e) => e.type === 'conversation.item.create').map((e) => (e as any).item).filter((i) => i.type === 'function_call_output').map((i) => i.output);
    const replies = () => client.conversation.items.filter((i) => i.role === 'assistant' && i.status === 'completed').map((i) => i.text);

    client.sendText('please call get_weather');
    await until(() => replies().length >= 1, 'weather reply');
    expect(await outputs()).to.deep.equal(['{"city":"Paris","temp":21}']);
    expect(replies()[0]).to.equal('The get_weather tool returned: {"city":"Paris","temp":21}');

    client.sendText('now call explode');
    await until(() => replies().length >= 2, 'explode reply');
    expect((await outputs())[1]).to.equal('{"error":"kaboom"}');

    client.sendText('and call hang');
    await until(() => client.conversation.items.some((i) => i.name === 'hang' && i.status === 'completed'), 'the hang call');
    await until(() => log.response.filter((r) => r.phase === 'done').length >= 5, 'the call response done');
    clock.advance(5000);
    await until(() => replies().length >= 3, 'timeout reply');
    expect((await outputs())[2]).to.equal('{"error":"Tool \\"hang\\" timed out after 5000 ms."}');
    const creates = (await mock.received()).filter((e) => e.type === 'response.create');
    expect(creates, 'three asked by sendText, one after each tool turn').to.have.length(6);
    expect(log.error).to.deep.equal([]);
  });

  it('assembles a user transcript that arrives after the reply, in the right place', async () => {
    await mock.configure({ inputTranscriptTiming: 'after_response' });
    const { client, log } = make({ session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } });
    await client.connect();
    const seenBeforeTranscript: string[] = [];
    client.on('response', (r) => {
      if (r.phase === 'done') seenBeforeTranscript.push(client.conversation.items.map((i) => `${i.role}:${i.transcript}`).join(','));
    });
    for (const frame of speech(800, 900)) client.appendAudio(frame);
    await until(() => client.conversation.items.some((i) => i.role === 'user' && i.transcript === 'completed'), 'the late transcript');
    expect(seenBeforeTranscript[0], 'at the reply, the user turn waits as a placeholder before it').to.equal('user:pending,assistant:none');
    const items = client.conversation.items;
    expect(items.map((i) => i.role)).to.deep.equal(['user', 'assistant']);
    expect(items[0]!.text).to.match(/^\(\d\.\d s of speech\)$/);
    expect(items[1]!.text).to.equal(`You said: ${items[0]!.text}`);
    expect(log.error).to.deep.equal([]);
  });

  it('reconnects after a server-side drop mid-response, re-seeds the text history, and loses no transcript', async () => {
    const clock = new FakeClock(Date.now());
    const { client, log } = make({ clock, reconnect: { maxAttempts: 3, baseMs: 200, random: () => 0 } });
    await client.connect();
    client.sendText('hello');
    await until(() => log.response.some((r) => r.phase === 'done'), 'first reply');
    // Rules count events since the connection opened: drop at the third audio delta of the next reply.
    const deltas = await mock.sentCount('response.output_audio.delta');
    await mock.fault([{ on: 'response.output_audio.delta', nth: deltas + 3, drop: { code: 1006 } }]);
    client.sendText('tell me more');
    await until(() => client.state === 'reconnecting', 'the drop');
    const before = client.conversation.items.map((i) => `${i.role}:${i.text}`);
    const partial = client.conversation.items.at(-1)!;
    expect([partial.role, partial.status]).to.deep.equal(['assistant', 'incomplete']);
    expect(partial.text, 'the part of the reply that arrived').to.not.equal('');
    clock.advance(100);
    await until(() => client.state === 'ready', 'reconnected');
    expect(client.stateReason).to.equal('reconnected');
    expect(await mock.connectionCount()).to.equal(2);
    // The history leaves through the socket worker once ready: wait until the mock has all of it.
    await run('wait-for-received', { type: 'conversation.item.create', count: 4 });
    const received = await mock.received();
    // The page set no session fields and the mock's session suits the transport: the history comes first.
    expect(received.filter((e) => e.type === 'session.update')).to.deep.equal([]);
    const seeds = received.filter((e) => e.type === 'conversation.item.create').map((e) => (e as any).item);
    expect(seeds.map((i) => `${i.role}:${i.content[0].type}:${i.content[0].text}`)).to.deep.equal([
      'user:input_text:hello',
      'assistant:output_text:You wrote: hello',
      'user:input_text:tell me more',
      `assistant:output_text:${partial.text}`,
    ]);
    expect(client.conversation.items.map((i) => `${i.role}:${i.text}`), 'the transcript is intact').to.deep.equal(before);
    client.sendText('still there?');
    await until(() => client.conversation.items.at(-1)!.text === 'You wrote: still there?', 'a reply in the new session');
    expect(client.conversation.items.map((i) => i.role)).to.deep.equal(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(log.error.filter((e) => e.fatal)).to.deep.equal([]);
  });

  it('surfaces non-fatal server errors and malformed frames, and the session goes on', async () => {
    const { client, log } = make();
    await client.connect();
    await run('error', { error: { code: 'invalid_value', message: 'Something minor was refused.', param: 'item' } });
    await run('send-raw', { text: '{"type": "response.done", "response": ' });
    await run('send-event', { event: { type: 'response.output_audio.delta', response_id: 7 } });
    await run('send-event', { event: { type: 'future.event_type', value: 1 } });
    await until(() => log.error.length >= 3, 'three errors');
    expect(log.error.map((e) => [e.code, e.fatal])).to.deep.equal([
      ['invalid_value', false],
      ['malformed_event', false],
      ['malformed_event', false],
    ]);
    client.sendText('still fine?');
    await until(() => client.conversation.items.at(-1)?.text === 'You wrote: still fine?', 'a reply');
    expect(client.state).to.equal('ready');
  });

  it('a refused key is fatal: closed with reason authentication, no reconnect loop', async () => {
    const { client, log } = make({ tokenUrl: undefined, getToken: async () => ({ value: 'ek_not_a_real_key', expires_at: Date.now() / 1000 + 600 }), url: MOCK_URL });
    const error = await client.connect().then(
      () => null,
      (e) => e,
    );
    expect([error?.code, client.state, client.stateReason]).to.deep.equal(['authentication', 'closed', 'authentication']);
    expect(log.error.at(-1)).to.include({ code: 'authentication', fatal: true });
    expect(await mock.connectionCount()).to.equal(1);
  });

  it('rolls over on session_expired: a fresh session with the history, without an error', async () => {
    const { client, log } = make();
    await client.connect();
    client.sendText('remember the word banana');
    await until(() => log.response.some((r) => r.phase === 'done'), 'reply');
    await mock.expire();
    await until(() => client.state === 'ready' && client.stateReason === 'rolled_over', 'rolled over');
    expect(log.state.map((s) => `${s.state}:${s.reason}`)).to.deep.equal(['connecting:connect', 'ready:connected', 'reconnecting:session_expired', 'ready:rolled_over']);
    await run('wait-for-received', { type: 'conversation.item.create', count: 2 });
    const received = await mock.received();
    expect(received.filter((e) => e.type === 'conversation.item.create').map((e) => (e as any).item.content[0].text)).to.deep.equal([
      'remember the word banana',
      'You wrote: remember the word banana',
    ]);
    expect(log.error).to.deep.equal([]);
    expect(client.conversation.items).to.have.length(2);
  });
});
