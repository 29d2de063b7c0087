// The session belongs to the site's server: what the client sends at connect and live is only what
// the page set, completed so that nothing the token bound is lost; replies of shapes we do not know
// never stall the next turn; a refused model fails at once; out-of-band answers stay out of the
// conversation (issue "Live fidelity"; protocol.md, 2026-12-01 update).
import { expect } from '@open-wc/testing';
import { RealtimeClient, type RealtimeClientEventMap, type RealtimeClientOptions } from '../../src/client/client.js';
import { FakeClock } from './fake-clock.js';
import { socketFactory, until, type FakeSocket } from './fake-socket.js';
import { audioDelta, transcriptDelta } from './events.js';

const NOW = Date.UTC(2026, 11, 1);

/** A session.created as live sends it (recorded gpt-realtime session, Jul 2026): every field, defaults included. */
function liveSession(extra: Record<string, unknown> = {}) {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id: 'sess_live',
    model: 'gpt-realtime',
    output_modalities: ['audio'],
    instructions: 'Your knowledge cutoff is 2023-10.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: NOW / 1000 + 3600,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200, idle_timeout_ms: null, create_response: true, interrupt_response: true },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
    include: null,
    ...extra,
  };
}

/** What a site's server bound: semantic VAD (low), a transcription model and language, voice, instructions, a function and an MCP server. */
function boundSession() {
  const s = liveSession({
    instructions: 'You are the bakery assistant.',
    tools: [
      { type: 'function', name: 'lookup_order', description: 'Server-side order lookup.', parameters: { type: 'object', properties: {} } },
      { type: 'mcp', server_label: 'inventory', server_url: 'https://mcp.example.test/sse', require_approval: 'never' },
    ],
  });
  s.audio.input.transcription = { model: 'gpt-transcribe', language: 'de', prompt: null } as never;
  s.audio.input.turn_detection = { type: 'semantic_vad', eagerness: 'low', create_response: true, interrupt_response: true } as never;
  s.audio.output.voice = 'cedar';
  return s;
}

function setup(extra: Partial<RealtimeClientOptions> = {}) {
  const clock = new FakeClock(NOW);
  const factory = socketFactory();
  const client = new RealtimeClient({
    getToken: async () => ({ value: 'ek_1', expires_at: clock.now() / 1000 + 600 }),
    url: 'wss://example.test/v1/realtime',
    createWebSocket: factory.create,
    clock,
    reconnect: { maxAttempts: 3, baseMs: 100, maxMs: 1000, random: () => 0 },
    ...extra,
  });
  const errors: RealtimeClientEventMap['error'][] = [];
  const states: string[] = [];
  const audio: string[] = [];
  client.on('error', (e) => errors.push(e));
  client.on('state', (s) => states.push(`${s.state}:${s.reason}`));
  client.on('audio', (a) => audio.push(a.itemId));
  return { clock, factory, client, errors, states, audio };
}

/** Connects, answering with `session` as session.created, and confirms what the client sends (merged as GA merges). */
async function connect(s: ReturnType<typeof setup>, session: Record<string, unknown>): Promise<FakeSocket> {
  const p = s.client.connect();
  await until(() => s.factory.sockets.length > 0, 'a socket');
  const socket = s.factory.last;
  socket.open();
  socket.receive({ type: 'session.created', event_id: 'ev_c', session });
  const update = socket.sent.find((e) => e.type === 'session.update');
  if (update) socket.receive({ type: 'session.updated', event_id: 'ev_u', session: { ...session, ...update.session } });
  await p;
  return socket;
}

const updates = (socket: FakeSocket) => socket.sent.filter((e) => e.type === 'session.update').map((e) => e.session);

describe('RealtimeClient: the session belongs to the server', () => {
  it('sends no session.update when the page set nothing and the session suits the transport', async () => {
    const s = setup();
    const socket = await connect(s, boundSession());
    expect(s.client.state).to.equal('ready');
    expect(updates(socket), 'the bound session is used as is').to.deep.equal([]);
  });

  it('sends only what the page set: its instructions, and not the VAD, voice, transcription or tools it left alone', async () => {
    const s = setup({ session: { instructions: 'Be brief.' } });
    const socket = await connect(s, boundSession());
    expect(updates(socket)).to.deep.equal([{ type: 'realtime', instructions: 'Be brief.' }]);
  });

  it('adds the page tools beside the server tools (MCP included); a page tool of the same name replaces the server one', async () => {
    const s = setup({
      tools: [
        { name: 'get_menu', description: 'The menu.', parameters: { type: 'object', properties: {} }, handler: () => ({}) },
        { name: 'lookup_order', description: 'The page version.', handler: () => ({}) },
      ],
    });
    const socket = await connect(s, boundSession());
    const [sent] = updates(socket);
    expect(sent.tools.map((t: { type: string; name?: string; server_label?: string }) => t.name ?? `mcp:${t.server_label}`)).to.deep.equal([
      'mcp:inventory',
      'get_menu',
      'lookup_order',
    ]);
    expect(sent.tools.find((t: { name?: string }) => t.name === 'lookup_order').description).to.equal('The page version.');
    expect(sent.tools[0], 'the MCP server is sent back as the server reported it').to.deep.equal(boundSession().tools[1]);
    // Registering one more tool live keeps the server's again.
    s.client.registerTool({ name: 'get_hours', handler: () => ({}) });
    const live = updates(socket).at(-1)!;
    expect(live.tools.map((t: { name?: string; server_label?: string }) => t.name ?? t.server_label)).to.deep.equal(['inventory', 'get_menu', 'lookup_order', 'get_hours']);
  });

  it('turns transcription on with the fallback model only when the session transcribes nothing', async () => {
    const off = setup({ transcriptionFallback: { model: 'gpt-live-transcribe' } });
    expect(updates(await connect(off, liveSession()))).to.deep.equal([
      { type: 'realtime', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } },
    ]);
    const on = setup({ transcriptionFallback: { model: 'gpt-live-transcribe' } });
    expect(updates(await connect(on, boundSession())), 'the bound model stays').to.deep.equal([]);
  });

  it('asks for 24 kHz PCM over WebSocket only when the session uses another format', async () => {
    const s = setup();
    const g711 = liveSession();
    g711.audio.input.format = { type: 'audio/pcmu' } as never;
    expect(updates(await connect(s, g711))).to.deep.equal([{ type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } } }]);
  });

  it('a live change of one field keeps the rest of its object: a language keeps the bound model, an eagerness keeps the VAD type', async () => {
    const s = setup();
    const socket = await connect(s, boundSession());
    s.client.updateSession({ audio: { input: { transcription: { language: 'fr' } } } });
    s.client.updateSession({ audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } });
    expect(updates(socket)).to.deep.equal([
      { type: 'realtime', audio: { input: { transcription: { model: 'gpt-transcribe', language: 'fr' } } } },
      { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true } } } },
    ]);
  });

  it('patches add up into the page layer and are sent again, whole, after a drop', async () => {
    const s = setup({ session: { instructions: 'Be brief.' } });
    const first = await connect(s, boundSession());
    s.client.updateSession({ audio: { input: { noise_reduction: { type: 'far_field' } } } });
    s.client.updateSession({ instructions: 'Be very brief.' });
    expect(s.client.sessionLayer).to.deep.equal({ instructions: 'Be very brief.', audio: { input: { noise_reduction: { type: 'far_field' } } } });
    first.serverClose(1006);
    s.clock.next();
    await until(() => s.factory.sockets.length === 2);
    const second = s.factory.last;
    second.open();
    second.receive({ type: 'session.created', event_id: 'ev_c2', session: boundSession() });
    expect(updates(second)).to.deep.equal([{ type: 'realtime', instructions: 'Be very brief.', audio: { input: { noise_reduction: { type: 'far_field' } } } }]);
  });
});

describe('RealtimeClient: replies of unknown shapes never stall the next turn', () => {
  const cases: Record<string, Record<string, unknown>[]> = {
    'an unknown output item type': [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }],
    'an item without id or call_id': [{ type: 'function_call', name: 'get_menu', arguments: '{}', status: 'completed' }],
    'an unknown content part type': [
      { type: 'message', id: 'item_a', role: 'assistant', status: 'completed', content: [{ type: 'output_image', image_url: 'x' }, { type: 'output_audio', transcript: 'Hi.' }] },
    ],
    'an unknown status': [],
    'nine unknown output items': Array.from({ length: 9 }, (_, i) => ({ type: 'web_search_call', id: `ws_${i}` })),
  };
  for (const [name, output] of Object.entries(cases)) {
    it(`response.done with ${name} ends the response: the next sendText gets its response.create`, async () => {
      const s = setup();
      const socket = await connect(s, liveSession());
      socket.receive({ type: 'response.created', event_id: 'e1', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [], conversation_id: 'conv_1' } });
      if (name === 'an unknown content part type') {
        // The part event of that type passes through too, while the known part goes on.
        socket.receive({ type: 'response.output_item.added', event_id: 'e2', response_id: 'resp_1', output_index: 0, item: { id: 'item_a', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
        socket.receive({ type: 'response.content_part.added', event_id: 'e3', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, part: { type: 'image' } });
        // The known part after it keeps its index: its transcript deltas and the final item agree.
        socket.receive({ type: 'response.output_audio_transcript.delta', event_id: 'e5', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 1, delta: 'Hi.' });
      }
      s.client.sendText('first'); // waits: a response is active
      expect(socket.types().filter((t) => t === 'response.create')).to.have.length(0);
      const status = name === 'an unknown status' ? 'expired' : 'completed';
      socket.receive({ type: 'response.done', event_id: 'e4', response: { id: 'resp_1', object: 'realtime.response', status, output, conversation_id: 'conv_1' } });
      expect(socket.types().filter((t) => t === 'response.create'), 'the waiting request went out').to.have.length(1);
      expect(s.errors.map((e) => e.code), 'nothing was reported as malformed').to.deep.equal([]);
      if (name === 'an unknown content part type') expect(s.client.conversation.get('item_a')!.text).to.equal('Hi.');
    });
  }

  it('the page still sees the unknown item in the event as sent', async () => {
    const s = setup();
    const socket = await connect(s, liveSession());
    const seen: unknown[] = [];
    s.client.on('server-event', (e) => e.type === 'response.done' && seen.push(e));
    socket.receive({ type: 'response.done', event_id: 'e', response: { id: 'r', output: [{ type: 'web_search_call', id: 'ws' }], conversation_id: 'conv_1' } });
    expect((seen[0] as { response: { output: unknown[] } }).response.output).to.deep.equal([{ type: 'web_search_call', id: 'ws' }]);
  });
});

describe('RealtimeClient: refusals that retrying cannot fix', () => {
  for (const code of ['invalid_model', 'missing_model', 'beta_api_shape_disabled']) {
    it(`error ${code} then close 4000 (as live): fatal after one socket, with that code`, async () => {
      const s = setup({ model: 'gpt-nonexistent' });
      const failed = s.client.connect().catch((e) => e);
      await until(() => s.factory.sockets.length === 1);
      const socket = s.factory.last;
      socket.open();
      socket.receive({ type: 'error', event_id: 'ev_e', error: { type: 'invalid_request_error', code, message: `Refused (${code}).`, param: null, event_id: null } });
      socket.serverClose(4000, `invalid_request_error.${code}`);
      const error = await failed;
      expect([error.code, s.client.state, s.client.stateReason]).to.deep.equal([code, 'closed', code]);
      expect(s.errors.map((e) => [e.code, e.fatal])).to.deep.equal([[code, true]]);
      if (code !== 'beta_api_shape_disabled') expect(s.errors[0]!.message).to.match(/model attribute/);
      s.clock.advance(60_000);
      expect(s.factory.sockets, 'no second socket').to.have.length(1);
    });
  }

  it('close 4000 or 3000 without an error event first is fatal too', async () => {
    for (const [code, reason, expected] of [
      [4000, 'invalid_request_error.invalid_model', 'invalid_model'],
      [3000, 'invalid_request_error.invalid_api_key', 'authentication'],
    ] as const) {
      const s = setup();
      const failed = s.client.connect().catch((e) => e);
      await until(() => s.factory.sockets.length === 1);
      s.factory.last.open();
      s.factory.last.serverClose(code, reason);
      expect((await failed).code).to.equal(expected);
      s.clock.advance(60_000);
      expect(s.factory.sockets).to.have.length(1);
    }
  });

  it('a server fault during the handshake (event_id null, not a request error) is reported, not taken for a refusal', async () => {
    const s = setup({ session: { instructions: 'x' } });
    const p = s.client.connect();
    await until(() => s.factory.sockets.length === 1);
    const socket = s.factory.last;
    socket.open();
    socket.receive({ type: 'session.created', event_id: 'ev_c', session: liveSession() });
    socket.receive({ type: 'error', event_id: 'ev_e', error: { type: 'server_error', code: null, message: 'The server had an error.', param: null, event_id: null } });
    socket.receive({ type: 'session.updated', event_id: 'ev_u', session: liveSession({ instructions: 'x' }) });
    await p;
    expect(s.client.state).to.equal('ready');
    expect(s.errors.map((e) => [e.code, e.fatal])).to.deep.equal([['server_error', false]]);
  });

  it('a close 4000 or 3000 after the session was ready is a drop: it reconnects', async () => {
    const s = setup();
    const socket = await connect(s, liveSession());
    socket.serverClose(4000, 'invalid_request_error');
    expect(s.client.state).to.equal('reconnecting');
    s.clock.next();
    await until(() => s.factory.sockets.length === 2, 'a new socket');
  });

  it('a refused handshake session.update whose error has event_id null is recognised', async () => {
    const s = setup({ session: { instructions: 'x' } });
    const failed = s.client.connect().catch((e) => e);
    await until(() => s.factory.sockets.length === 1);
    const socket = s.factory.last;
    socket.open();
    socket.receive({ type: 'session.created', event_id: 'ev_c', session: liveSession() });
    expect(socket.types()).to.deep.equal(['session.update']);
    socket.receive({ type: 'error', event_id: 'ev_e', error: { type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'session.bogus_field'.", param: 'session.bogus_field', event_id: null } });
    expect((await failed).code).to.equal('session_config_rejected');
    expect(s.factory.sockets).to.have.length(1);
  });
});

describe('RealtimeClient: out-of-band answers', () => {
  it('never enter the conversation and never play; the default response goes on beside them', async () => {
    const s = setup();
    const socket = await connect(s, liveSession());
    s.client.createResponse({ conversation: 'none', instructions: 'Classify the mood.', metadata: { purpose: 'mood' } });
    expect(socket.sent.at(-1)).to.include({ type: 'response.create' });
    socket.receive({ type: 'response.created', event_id: 'a', response: { id: 'resp_oob', status: 'in_progress', output: [], conversation_id: null, metadata: { purpose: 'mood' } } });
    socket.receive({ type: 'response.output_item.added', event_id: 'b', response_id: 'resp_oob', output_index: 0, item: { id: 'item_oob', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    socket.receive(transcriptDelta('resp_oob', 'item_oob', 'happy') as never);
    socket.receive(audioDelta('resp_oob', 'item_oob', 480) as never);
    socket.receive({ type: 'response.done', event_id: 'c', response: { id: 'resp_oob', status: 'completed', conversation_id: null, output: [{ id: 'item_oob', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'happy' }] }] } });
    expect(s.client.conversation.get('item_oob'), 'not in the conversation').to.equal(undefined);
    expect(s.client.conversation.size).to.equal(0);
    expect(s.audio, 'its audio is not played').to.deep.equal([]);
    // The conversation was never busy: a user turn gets its response at once.
    s.client.sendText('hello');
    expect(socket.types().filter((t) => t === 'response.create')).to.have.length(2);
  });
});
