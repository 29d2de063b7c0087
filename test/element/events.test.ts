import { expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_ORIGIN, MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import { forEachTransport } from '../webrtc/transports.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { assistantReply, mockAppends, nextEvent, part, reach, record } from './helpers.js';
import { ControlledNetwork } from './net.js';

describe('<realtime-voice> events', () => {

  it('fires a fatal rv-error and shows it when the token endpoint fails', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${`${MOCK_ORIGIN}/no-such-endpoint`}></realtime-voice>`);
    const error = nextEvent(el, 'rv-error');
    part(el, 'button')!.click();
    const { detail } = await error;
    expect(detail.fatal).to.equal(true);
    expect(detail.code).to.equal('token_http_error');
    expect(detail.message).to.be.a('string').and.match(/404/);
    await reach(el, 'error');
    await el.updateComplete;
    expect(el.matches(':state(error)')).to.equal(true);
    expect(part(el, 'error')!.textContent).to.equal(detail.message);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Something went wrong');
    // The main button starts again from the error state; disconnect() clears it.
    el.disconnect();
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(part(el, 'error')!.textContent).to.equal('');
  });

  it('fires a fatal rv-error without a token-url, and a non-fatal one for a session update GA would refuse', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
    const missing = nextEvent(el, 'rv-error');
    await el.connect();
    expect((await missing).detail).to.deep.include({ code: 'token_url_missing', fatal: true });
    expect(el.state).to.equal('error');

    el.tokenUrl = MOCK_TOKEN_URL;
    el.output = 'text';
    await el.updateComplete;
    await el.connect();
    expect(el.state).to.equal('listening');
    const refused = nextEvent(el, 'rv-error');
    el.updateSession({ max_output_tokens: 99999 });
    const { detail } = await refused;
    expect(detail).to.deep.include({ code: 'invalid_session_update', fatal: false });
    expect(detail.message).to.contain('max_output_tokens');
    expect(el.state).to.equal('listening'); // not fatal: the session goes on
    el.disconnect();
  });

  it('sends silence while muted and the voice again once unmuted', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} muted></realtime-voice>`);
    const log = record(el);
    part(el, 'button')!.click();
    await reach(el, 'listening');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Microphone muted');
    expect(el.matches(':state(muted)')).to.equal(true);
    // 2 s of a microphone that is playing speech: all zeros on the wire.
    await waitUntil(async () => (await mockAppends()).length >= 100, 'audio while muted', { timeout: 15000, interval: 100 });
    const muted = (await mockAppends()).map((e) => e.audio_peak);
    expect(Math.max(...muted)).to.equal(0);
    expect(log.received('input_audio_buffer.speech_started')).to.deep.equal([]);

    part(el, 'mute')!.click();
    await el.updateComplete;
    expect(el.muted).to.equal(false);
    const from = (await mockAppends()).length;
    await waitUntil(async () => (await mockAppends()).slice(from).some((e) => e.audio_peak > 1000), 'speech after unmute', {
      interval: 100,
      timeout: 15000,
    });
    el.disconnect();
    log.stop();
  });

  it('ends in a fatal microphone_denied error, releasing the socket, when the microphone is refused', async () => {
    const net = new ControlledNetwork();
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL}></realtime-voice>`);
    el.platform = {
      createWebSocket: net.createWebSocket,
      getUserMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
    };
    const error = nextEvent(el, 'rv-error');
    part(el, 'button')!.click();
    expect((await error).detail).to.deep.include({ code: 'microphone_denied', fatal: true });
    await reach(el, 'error');
    await waitUntil(() => !net.current || net.current.readyState === WebSocket.CLOSED, 'socket closed', { timeout: 15_000 });
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.contain('Microphone access was refused');
  });

  it('shows reconnecting after a dropped connection, then carries on with the transcript', async () => {
    const net = new ControlledNetwork();
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text"></realtime-voice>`);
    el.platform = { createWebSocket: net.createWebSocket };
    await el.sendText('First');
    await assistantReply(el);
    await reach(el, 'listening');
    const reconnecting = nextEvent(el, 'rv-state', (e) => e.detail.state === 'reconnecting');
    net.drop();
    expect((await reconnecting).detail.reason).to.equal('connection_lost');
    await reach(el, 'listening');
    expect(net.sockets.length).to.equal(2);
    await el.sendText('Second');
    await waitUntil(() => el.transcript.some((e) => e.text === 'You wrote: Second' && e.final), 'second reply', { timeout: 15_000 });
    expect(el.transcript.map((e) => e.text)).to.deep.equal(['First', 'You wrote: First', 'Second', 'You wrote: Second']);
    el.disconnect();
  });

  it('sends attribute changes to a live session through session.update', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text" voice="marin"></realtime-voice>`);
    const log = record(el);
    await el.sendText('Hi');
    await assistantReply(el);
    type Update = { session: { instructions?: string; audio?: { output?: { voice?: string }; input?: { turn_detection?: { type: string } | null } } } };
    const before = log.sent<Update>('session.update').length;
    el.instructions = 'Answer in one word.';
    el.turnDetection = 'semantic_vad';
    await el.updateComplete;
    const update = log.sent<Update>('session.update').slice(before);
    expect(update.length).to.equal(1);
    expect(update[0]!.session.instructions).to.equal('Answer in one word.');
    expect(update[0]!.session.audio!.input!.turn_detection).to.deep.equal({ type: 'semantic_vad' });
    expect(update[0]!.session.audio!.output, 'an unchanged voice is not resent (it is locked once used)').to.equal(undefined);
    await waitUntil(() => log.received<{ session: { instructions: string } }>('session.updated').some((e) => e.session.instructions === 'Answer in one word.'), 'the server applied it', { timeout: 15_000 });
    el.disconnect();
    log.stop();
  });
});

forEachTransport((transport) =>
  describe('<realtime-voice> events on each transport', () => {
    it('fires rv-state, rv-transcript, rv-server-event and rv-client-event with their documented detail, bubbling and composed', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport} output="text"></realtime-voice>`);
      const seen: Event[] = [];
      const names = ['rv-state', 'rv-transcript', 'rv-server-event', 'rv-client-event'] as const;
      const listener = (e: Event) => seen.push(e);
      for (const name of names) document.addEventListener(name, listener);
      await el.sendText('Hi');
      await assistantReply(el);
      await reach(el, 'listening');
      for (const name of names) document.removeEventListener(name, listener);

      for (const name of names) expect(seen.some((e) => e.type === name), name).to.equal(true);
      expect(seen.every((e) => e.bubbles && e.composed && e.target === el)).to.equal(true);

      const states = seen.filter((e) => e.type === 'rv-state').map((e) => (e as HTMLElementEventMap['rv-state']).detail);
      expect(states[0]).to.deep.equal({ state: 'connecting', reason: 'connect' });
      expect(states.every((d) => typeof d.reason === 'string' && d.reason !== '')).to.equal(true);

      const transcripts = seen.filter((e) => e.type === 'rv-transcript').map((e) => (e as HTMLElementEventMap['rv-transcript']).detail);
      const assistant = transcripts.filter((d) => d.role === 'assistant');
      expect(assistant.length).to.be.greaterThan(1); // streamed: partial lines, then the final one
      expect(assistant.at(-1)).to.deep.include({ role: 'assistant', text: 'You wrote: Hi', final: true });
      expect(assistant.slice(0, -1).every((d) => !d.final && 'You wrote: Hi'.startsWith(d.text))).to.equal(true);
      expect(new Set(assistant.map((d) => d.itemId)).size).to.equal(1);
      expect(transcripts.find((d) => d.role === 'user')).to.deep.include({ role: 'user', text: 'Hi', final: true });
      expect(transcripts.find((d) => d.role === 'user')!.itemId).to.equal(el.transcript[0]!.itemId);

      const server = seen.filter((e) => e.type === 'rv-server-event').map((e) => (e as HTMLElementEventMap['rv-server-event']).detail);
      expect(server[0]!.type).to.equal('session.created');
      expect(server.map((d) => d.type)).to.include.members(['session.updated', 'response.created', 'response.output_text.delta', 'response.done']);
      const client = seen.filter((e) => e.type === 'rv-client-event').map((e) => (e as HTMLElementEventMap['rv-client-event']).detail);
      expect(client.map((d) => d.type)).to.include.members(['session.update', 'conversation.item.create', 'response.create']);
      expect((client.find((d) => d.type === 'conversation.item.create')!.item as { content: unknown }).content).to.deep.equal([
        { type: 'input_text', text: 'Hi' },
      ]);
      el.disconnect();
    });
  }),
);
