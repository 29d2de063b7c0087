// The element against the mock with a token whose session the site's server configured: nothing the
// token bound is overwritten, the page's tools are added beside the server's, the page's own changes
// (updateSession patches) survive attribute changes, drops, rollovers and a new connect(); a refused
// model fails at once; over WebRTC a reply about to play (live part spelling `audio`) is `thinking`.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { mock, MOCK_TOKEN_URL, MOCK_URL, run, type MockEvent } from '../client/mock-control.js';
import { pcm16ToBase64 } from '../../src/protocol/index.js';
import { forEachTransport } from '../webrtc/transports.js';
import { assistantReply, nextEvent, reach, record } from './helpers.js';

/** What the site's server binds to every key it mints (the mock validates it as GA would). */
const BOUND = {
  type: 'realtime',
  model: 'gpt-realtime',
  instructions: 'You are the bakery assistant. Answer in German.',
  audio: {
    input: {
      transcription: { model: 'gpt-4o-transcribe', language: 'de' },
      turn_detection: { type: 'semantic_vad', eagerness: 'low' },
    },
    output: { voice: 'cedar' },
  },
  tools: [{ type: 'function', name: 'lookup_order', description: 'Looks an order up on the server.', parameters: { type: 'object', properties: {} } }],
};

/** A token endpoint (the element's platform.fetch) that mints a key bound to BOUND for each request, as a site's server does. */
function boundTokens() {
  let minted = 0;
  const fetch = (async () => {
    minted++;
    const key = (await run<{ value: string; expires_at: number }>('issue-key', { session: BOUND }))!;
    return new Response(JSON.stringify({ ...key, url: MOCK_URL }), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, minted: () => minted };
}

/** The effective session of a mock connection, as it last reported it (session.updated, else session.created). */
async function effective(connection?: number): Promise<any> {
  const sent = (await run<MockEvent[]>('sent', connection === undefined ? {} : { connection }))!;
  return sent.filter((e) => e.type === 'session.updated' || e.type === 'session.created').at(-1)!.session;
}

/** Waits until the mock's last connection reports a session that satisfies `test`. */
async function until(test: (session: any) => boolean, what: string): Promise<any> {
  let last: any;
  await waitUntil(async () => test((last = await effective())), what, { timeout: 15_000, interval: 50 });
  return last;
}

const pageTool = { type: 'function' as const, name: 'get_menu', description: 'The menu of the day.', parameters: { type: 'object', properties: {} }, handler: () => ({ bread: 'rye' }) };

afterEach(() => mock.reset());

describe('<realtime-voice> keeps the session the token bound', () => {
  it('sets none of its fields when the page sets none, and adds the page tool beside the server tool', async () => {
    const tokens = boundTokens();
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url="/api/realtime-token"></realtime-voice>`);
    el.platform = { fetch: tokens.fetch };
    el.tools = [pageTool];
    const log = record(el);
    await el.connect();
    await reach(el, 'listening');
    const session = await until((s) => s.tools.length === 2, 'the page tool is added');
    expect(session.instructions).to.equal(BOUND.instructions);
    expect(session.audio.output.voice).to.equal('cedar');
    expect(session.audio.input.transcription).to.deep.include({ model: 'gpt-4o-transcribe', language: 'de' });
    expect(session.audio.input.turn_detection).to.deep.include({ type: 'semantic_vad', eagerness: 'low' });
    expect(session.tools.map((t: { name: string }) => t.name)).to.deep.equal(['lookup_order', 'get_menu']);
    // On the wire: one update, with the tools and nothing else the page did not set.
    const updates = log.sent<{ session: Record<string, unknown> }>('session.update').map((e) => e.session);
    expect(updates.map((u) => Object.keys(u).sort())).to.deep.equal([['tools', 'type']]);
    el.disconnect();
    log.stop();
  });

  it('keeps updateSession patches through an attribute change, a dropped socket, a rollover and disconnect + connect', async () => {
    const tokens = boundTokens();
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url="/api/realtime-token"></realtime-voice>`);
    el.platform = { fetch: tokens.fetch };
    // Set before connecting: kept for the connect, as every later patch is kept for later connections.
    el.updateSession({ audio: { input: { noise_reduction: { type: 'far_field' } } } });
    await el.connect();
    await reach(el, 'listening');
    el.updateSession({ audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } });
    el.updateSession({ instructions: 'Answer in one word.' });
    const patched = (s: any) =>
      s.instructions === 'Answer in one word.' &&
      s.audio.input.noise_reduction?.type === 'far_field' &&
      s.audio.input.turn_detection?.type === 'semantic_vad' &&
      s.audio.input.turn_detection.eagerness === 'high';
    await until(patched, 'the patches applied');

    // An attribute names one field: only that one changes; the bound transcription model stays.
    el.language = 'fr';
    await el.updateComplete;
    const afterAttribute = await until((s) => s.audio.input.transcription?.language === 'fr', 'the language applied');
    expect(patched(afterAttribute), 'the patches survive the attribute change').to.equal(true);
    expect(afterAttribute.audio.input.transcription.model).to.equal('gpt-4o-transcribe');
    expect(afterAttribute.audio.output.voice).to.equal('cedar');

    const keptAll = (s: any) => patched(s) && s.audio.input.transcription?.language === 'fr' && s.audio.input.transcription.model === 'gpt-4o-transcribe' && s.audio.output.voice === 'cedar';
    const connections = async () => (await run<unknown[]>('connections'))!.length;

    // A dropped socket: the reconnect applies the page's layer to the new session.
    const reconnected = nextEvent(el, 'rv-state', (e) => e.detail.state === 'listening' && e.detail.reason === 'reconnected');
    await run('drop', { code: 1006 });
    await reconnected;
    expect(await connections()).to.equal(2);
    await until(keptAll, 'the patches after the reconnect');

    // The 60-minute rollover: the same on the next session.
    const rolled = nextEvent(el, 'rv-state', (e) => e.detail.state === 'listening' && e.detail.reason === 'rolled_over');
    await mock.expire();
    await rolled;
    expect(await connections()).to.equal(3);
    await until(keptAll, 'the patches after the rollover');

    // disconnect + connect: a new conversation, the same page settings.
    el.disconnect();
    await el.connect();
    await reach(el, 'listening');
    expect(await connections()).to.equal(4);
    await until(keptAll, 'the patches after disconnect and connect');
    expect(tokens.minted(), 'a fresh key for every session').to.equal(4);
    el.disconnect();
  });
});

describe('<realtime-voice> one page layer for the element and its client', () => {
  it('a VAD patch, then turn-detection of another type: the reconnect sends the new type alone, and the session goes on', async () => {
    const tokens = boundTokens();
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url="/api/realtime-token"></realtime-voice>`);
    el.platform = { fetch: tokens.fetch };
    await el.connect();
    await reach(el, 'listening');
    el.updateSession({ audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.7 } } } });
    await until((s) => s.audio.input.turn_detection?.threshold === 0.7, 'the patch applied');
    el.turnDetection = 'semantic_vad';
    await el.updateComplete;
    await until((s) => s.audio.input.turn_detection?.type === 'semantic_vad', 'the attribute applied');
    const log = record(el);
    const reconnected = nextEvent(el, 'rv-state', (e) => e.detail.state === 'listening' && e.detail.reason === 'reconnected');
    await run('drop', { code: 1006 });
    await reconnected;
    const session = await until((s) => s.audio.input.turn_detection?.type === 'semantic_vad', 'semantic_vad after the reconnect');
    expect(session.audio.input.turn_detection).to.not.have.property('threshold');
    expect(log.of('rv-error').filter((e) => e.detail.fatal)).to.deep.equal([]);
    el.disconnect();
    log.stop();
  });
});

describe('<realtime-voice> refused models', () => {
  it('ends at once in error after one socket when the model is refused (invalid_model, close 4000)', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} model="gpt-nonexistent" output="text"></realtime-voice>`);
    const log = record(el);
    const failed = nextEvent(el, 'rv-error');
    const started = performance.now();
    void el.sendText('Hello?');
    const { detail } = await failed;
    await reach(el, 'error');
    const elapsed = performance.now() - started;
    expect(detail).to.deep.include({ code: 'invalid_model', fatal: true });
    expect(detail.message).to.contain('gpt-nonexistent').and.to.contain('model attribute');
    expect(el.state).to.equal('error');
    expect(elapsed, 'no retry: the first backoff alone would be 500 ms, six attempts about 11 s').to.be.below(1000);
    expect(log.states()).to.not.include('reconnecting');
    expect(log.of('rv-error').map((e) => e.detail.code)).to.deep.equal(['invalid_model']);
    expect((await run<unknown[]>('connections'))!.length).to.equal(1);
    // The cause is on screen, in words a page author can act on.
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('gpt-nonexistent');
    log.stop();
  });
});

describe('<realtime-voice transport="webrtc"> with the live spelling of content parts', () => {
  it('a reply whose voice has not started yet is thinking, and sendText interrupts it', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport="webrtc" text-input></realtime-voice>`);
    const log = record(el);
    await el.sendText('Hi');
    await assistantReply(el);
    await reach(el, 'listening', 20_000);
    // A reply generated ahead of its voice, as live sends it: content part `audio`, response.done before output_audio_buffer.started.
    const id = 'resp_live_1';
    const item = 'item_live_1';
    const events = [
      { type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: 'conv_live' } },
      { type: 'response.output_item.added', response_id: id, output_index: 0, item: { id: item, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
      { type: 'response.content_part.added', response_id: id, item_id: item, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } },
      { type: 'response.output_audio_transcript.delta', response_id: id, item_id: item, output_index: 0, content_index: 0, delta: 'Sure,' },
      { type: 'response.done', response: { id, object: 'realtime.response', status: 'completed', conversation_id: 'conv_live', output: [{ id: item, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'Sure,' }] }] } },
    ];
    for (const event of events) await run('send-event', { event });
    await waitUntil(() => log.received('response.done').length === 2, 'the injected reply arrived', { timeout: 15_000 });
    await el.updateComplete;
    expect(el.state, 'the voice is about to play').to.equal('thinking');
    await el.sendText('Stop, another question');
    expect(log.sent('output_audio_buffer.clear').length, 'the reply about to play was cut').to.equal(1);
    el.disconnect();
    log.stop();
  });
});

forEachTransport((transport) => describe('<realtime-voice> out-of-band answers', () => {
  it('never enter the transcript and never play', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport} text-input></realtime-voice>`);
    const log = record(el);
    await el.sendText('Hi');
    await assistantReply(el);
    await reach(el, 'listening', 20_000);
    const before = el.transcript.map((e) => e.text);
    const mark = log.states().length;
    // A background answer as live sends one for response.create { conversation: "none" }: conversation_id null.
    const id = 'resp_oob_1';
    const item = 'item_oob_1';
    const ref = { response_id: id, item_id: item, output_index: 0, content_index: 0 };
    // 3 s of voice: were it played, it would still be playing when the next message is typed.
    const delta = pcm16ToBase64(new Int16Array(72_000).map((_, i) => Math.round(9000 * Math.sin(i / 5))));
    const events = [
      { type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: null, metadata: { topic: 'mood' } } },
      { type: 'response.output_item.added', response_id: id, output_index: 0, item: { id: item, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
      { type: 'response.content_part.added', ...ref, part: { type: 'audio', transcript: '' } },
      { type: 'response.output_audio_transcript.delta', ...ref, delta: 'The user sounds happy.' },
      { type: 'response.output_audio.delta', ...ref, delta },
      { type: 'response.output_audio.done', ...ref },
      { type: 'response.done', response: { id, object: 'realtime.response', status: 'completed', conversation_id: null, output: [{ id: item, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'The user sounds happy.' }] }] } },
    ];
    await run('send-event', { events }); // one burst: the audio arrives before the page could have said "drop it"
    await waitUntil(() => log.received('response.done').some((e) => (e as { response?: { id?: string } }).response?.id === id), 'the background answer arrived', { timeout: 15_000 });
    await el.updateComplete;
    expect(el.transcript.map((e) => e.text), 'the transcript is unchanged').to.deep.equal(before);
    expect(log.of('rv-transcript').some((e) => e.detail.text.includes('happy'))).to.equal(false);
    expect(log.states().slice(mark), 'it never played').to.deep.equal([]);
    expect(el.state).to.equal('listening');
    // Nothing waits for its voice either: the next typed message interrupts nothing.
    const sentBefore = log.of('rv-client-event').length;
    await el.sendText('And now?');
    const sentAfter = log.of('rv-client-event').slice(sentBefore).map((e) => e.detail.type);
    for (const cut of ['response.cancel', 'output_audio_buffer.clear', 'conversation.item.truncate']) expect(sentAfter).to.not.include(cut);
    await waitUntil(() => el.transcript.some((e) => e.text === 'You wrote: And now?' && e.final), 'the next reply', { timeout: 20_000 });
    el.disconnect();
    log.stop();
  });
}));
