import { expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import { forEachTransport } from '../webrtc/transports.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { ControlledNetwork } from './net.js';
import { mockAppends, part, reach, record } from './helpers.js';

/** A level as the element wrote it on the button (and on the meters), where pages' `::part(button)` styles read it. */
const level = (el: RealtimeVoice, name: string) => Number(part(el, 'button')!.style.getPropertyValue(name) || 0);

describe('<realtime-voice> lifecycle, meters and devices', () => {
  it('releases the microphone, both audio contexts and the socket when removed from the page', async () => {
    const net = new ControlledNetwork();
    const streams: MediaStream[] = [];
    const contexts: AudioContext[] = [];
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL}></realtime-voice>`);
    el.platform = {
      createWebSocket: net.createWebSocket,
      getUserMedia: async (constraints) => {
        const stream = await navigator.mediaDevices.getUserMedia(constraints);
        streams.push(stream);
        return stream;
      },
      createAudioContext: (options) => {
        const context = new AudioContext(options);
        contexts.push(context);
        return context;
      },
    };
    part(el, 'button')!.click();
    await reach(el, 'listening');
    const track = streams[0]!.getAudioTracks()[0]!;
    expect(track.readyState).to.equal('live');
    expect(track.getSettings()).to.deep.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(contexts.length).to.equal(2); // capture and playback
    expect(contexts.map((c) => c.state)).to.deep.equal(['running', 'running']);
    expect(net.current!.readyState).to.equal(WebSocket.OPEN);

    el.remove();
    await waitUntil(() => contexts.every((c) => c.state === 'closed'), 'audio contexts closed', { timeout: 15_000 });
    expect(track.readyState).to.equal('ended');
    await waitUntil(() => net.current!.readyState === WebSocket.CLOSED, 'socket closed', { timeout: 15_000 });
    expect(el.state).to.equal('idle');
  });

  it('lists the microphones once open, and swaps the microphone without ending the session', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL}></realtime-voice>`);
    const log = record(el);
    expect(part(el, 'devices')).to.equal(null); // no labels before the permission
    part(el, 'button')!.click();
    await reach(el, 'listening');
    await waitUntil(() => part(el, 'devices'), 'the microphone picker', { timeout: 15_000 });
    const select = part<HTMLSelectElement>(el, 'devices')!;
    expect(select.getAttribute('aria-label')).to.equal('Microphone');
    const options = [...select.options];
    expect(options[0]!.textContent!.trim()).to.equal('Default microphone');
    expect(options.length).to.be.greaterThan(1);
    const other = options.at(-1)!;
    select.value = other.value;
    select.dispatchEvent(new Event('change'));
    expect(el.inputDevice).to.equal(other.value);
    const from = (await mockAppends()).length;
    await waitUntil(async () => (await mockAppends()).length > from + 25, 'audio keeps flowing', { timeout: 15000, interval: 100 });
    expect(log.of('rv-error')).to.deep.equal([]);
    expect(el.state).to.not.equal('idle');
    el.disconnect();
    log.stop();
  });

  it('opens the compact panel above the floating button while a session runs', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} layout="compact" output="text"></realtime-voice>`);
    const panel = el.shadowRoot!.querySelector('.panel')!;
    expect(getComputedStyle(panel).display).to.equal('none');
    await el.sendText('Hi');
    await el.updateComplete;
    expect(getComputedStyle(panel).display).to.equal('flex');
    expect(panel.getBoundingClientRect().bottom).to.be.at.most(part(el, 'button')!.getBoundingClientRect().top);
    el.disconnect();
    await el.updateComplete;
    expect(getComputedStyle(panel).display).to.equal('none');
  });
});

forEachTransport((transport) =>
  describe('<realtime-voice> microphone constraints and meters on each transport', () => {
    it('passes echo-cancellation, noise-suppression and auto-gain to the microphone', async () => {
      const asked: MediaStreamConstraints[] = [];
      const el = await fixture<RealtimeVoice>(html`<realtime-voice
        token-url=${MOCK_TOKEN_URL}
        transport=${transport}
        echo-cancellation="false"
        noise-suppression="false"
        auto-gain="false"
      ></realtime-voice>`);
      el.platform = { getUserMedia: (c) => (asked.push(c), navigator.mediaDevices.getUserMedia(c)) };
      await el.connect();
      expect(asked[0]!.audio).to.deep.include({ echoCancellation: false, noiseSuppression: false, autoGainControl: false });
      el.disconnect();
    });

    it('drives the level meters through --rv-input-level and --rv-output-level', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport}></realtime-voice>`);
      part(el, 'button')!.click();
      await reach(el, 'listening');
      await waitUntil(() => level(el, '--rv-input-level') > 0.2, 'the microphone meter moves', { timeout: 15000 });
      expect(getComputedStyle(part(el, 'input-level')!, '::before').transform).to.not.equal('none');
      expect(Number(part(el, 'input-level')!.style.getPropertyValue('--rv-input-level')), 'on the meter itself').to.be.above(0);
      // Never on an ancestor of the transcript: that restyled the whole card on every level (bench, issue 23).
      expect(part(el, 'base')!.style.getPropertyValue('--rv-input-level')).to.equal('');
      await reach(el, 'speaking', 20000);
      await waitUntil(() => level(el, '--rv-output-level') > 0.2, 'the voice meter moves', { timeout: 15000 });
      el.disconnect();
      await waitUntil(() => level(el, '--rv-input-level') === 0 && level(el, '--rv-output-level') === 0, 'meters rest', { timeout: 15_000 });
    });
  }),
);
