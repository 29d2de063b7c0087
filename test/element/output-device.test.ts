// `output-device`: the assistant's voice plays through the chosen speaker on both transports (the
// playback AudioContext over WebSocket, the remote <audio> element over WebRTC), moves mid-session
// without reconnecting, and a refused or impossible choice is a non-fatal rv-error.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import { forEachTransport, type TransportName } from '../webrtc/transports.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { mock } from '../client/mock-control.js';
import { speakers, unwatchPlay, watchPlay, withoutSetSinkId } from '../webrtc/speakers.js';
import { assistantReply, nextEvent, reach, record } from './helpers.js';

afterEach(() => unwatchPlay());

/**
 * The element with a way to read the real sink of its voice: the playback AudioContext's `sinkId`
 * (WebSocket, through the injected context factory) or the playing <audio> element's (WebRTC).
 */
async function voiceElement(transport: TransportName, outputDevice = '') {
  const contexts: AudioContext[] = [];
  const media = watchPlay();
  const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport} output-device=${outputDevice}></realtime-voice>`);
  el.platform = {
    createAudioContext: (options) => {
      const context = new AudioContext(options);
      contexts.push(context);
      return context;
    },
  };
  const sink = (): string => (transport === 'webrtc' ? media.at(-1)?.sinkId : (contexts.at(-1) as AudioContext & { sinkId?: string })?.sinkId) ?? 'none yet';
  return { el, sink };
}

forEachTransport((transport) =>
  describe('<realtime-voice> output-device', () => {
    it('plays the voice through the chosen speaker, and moves it mid-session without reconnecting', async () => {
      const [first, second] = await speakers();
      expect(second, 'two fake speakers').to.be.a('string');
      const { el, sink } = await voiceElement(transport, first);
      expect(el.outputDevice).to.equal(first);
      const log = record(el);
      await el.sendText('Hello');
      await assistantReply(el);
      await reach(el, 'listening');
      expect(sink()).to.equal(first);
      const connections = await mock.connectionCount();

      el.outputDevice = second!;
      await waitUntil(() => sink() === second, 'the voice moved to the second speaker', { timeout: 15_000 });
      expect(el.state).to.equal('listening');
      expect(log.of('rv-error')).to.deep.equal([]);
      expect(log.states()).to.not.include('reconnecting');
      expect(await mock.connectionCount(), 'the same session').to.equal(connections);
      el.outputDevice = '';
      await waitUntil(() => sink() === '', 'back to the system default', { timeout: 15_000 });
      el.disconnect();
      log.stop();
    });

    it('an unknown speaker: a non-fatal rv-error; the session, the transcript and the current speaker stay', async () => {
      const { el, sink } = await voiceElement(transport);
      await el.sendText('Hello');
      await assistantReply(el);
      await reach(el, 'listening');
      const transcript = el.transcript.map((e) => e.text);
      const error = nextEvent(el, 'rv-error');
      el.outputDevice = 'no-such-speaker';
      const { detail } = await error;
      expect(detail).to.deep.include({ code: 'output_device_failed', fatal: false });
      expect(detail.message).to.contain('no-such-speaker');
      expect(el.state).to.equal('listening');
      expect(sink(), 'still the default speaker').to.equal('');
      expect(el.transcript.map((e) => e.text)).to.deep.equal(transcript);
      await el.sendText('Still there?');
      await waitUntil(() => el.transcript.some((e) => e.role === 'assistant' && e.final && e.text.includes('Still there?')), 'the next reply', { timeout: 15_000 });
      el.disconnect();
    });

    it('a browser that cannot choose the speaker: a non-fatal output_device_unsupported, and the voice plays', async () => {
      const [first] = await speakers();
      await withoutSetSinkId(async () => {
        const { el } = await voiceElement(transport, first);
        const log = record(el);
        await el.sendText('Hello');
        await assistantReply(el);
        await reach(el, 'listening');
        expect(log.of('rv-error').map((e) => [e.detail.code, e.detail.fatal])).to.deep.equal([['output_device_unsupported', false]]);
        expect(log.states(), 'the voice played').to.include('speaking');
        el.disconnect();
        log.stop();
      });
    });
  }),
);
