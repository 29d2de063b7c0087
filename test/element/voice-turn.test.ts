import { expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { forEachTransport } from '../webrtc/transports.js';
import { assistantReply, nextEvent, part, parts, reach, record } from './helpers.js';

const outputLevel = (el: RealtimeVoice) => Number(part(el, 'output-level')!.style.getPropertyValue('--rv-output-level') || 0);

forEachTransport((transport) => describe('<realtime-voice> voice turn against the mock', () => {
  it('hears the fake microphone, answers with voice, and shows both sides in the transcript', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport}></realtime-voice>`);
    const log = record(el);
    part(el, 'button')!.click();
    await reach(el, 'connecting', 1000).catch(() => undefined);
    await reach(el, 'listening');
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Stop conversation');
    expect(el.matches(':state(listening)')).to.equal(true);

    await reach(el, 'speaking', 20000);
    // The voice is heard: the output meter (an analyser on what plays) moves.
    await waitUntil(() => outputLevel(el) > 0.1, 'the output level meter moves while speaking', { timeout: 10000 });
    const reply = await assistantReply(el);
    expect(reply).to.match(/\w/);
    await reach(el, 'listening', 20000);

    // Once the session is up, the microphone audio goes out as appends from the socket worker, never through the page's
    // main thread (so no rv-client-event for them), or as media (WebRTC); either way the user's turn was heard and
    // transcribed. Frames captured at the click before the worker had started are held on the main thread and sent
    // once ready, before the first `listening` (seen once in CI under load), so only what follows it is counted.
    const listening = log.events.findIndex((e) => e.type === 'rv-state' && (e as CustomEvent).detail.state === 'listening');
    const afterReady = log.events.slice(listening).filter((e) => e.type === 'rv-client-event' && (e as CustomEvent).detail.type === 'input_audio_buffer.append');
    expect(afterReady).to.deep.equal([]);
    expect(log.received('input_audio_buffer.speech_started').length).to.be.greaterThan(0);
    const user = el.transcript.find((e) => e.role === 'user');
    expect(user, 'a user line').to.not.equal(undefined);
    await waitUntil(() => el.transcript.find((e) => e.role === 'user')!.final, 'user transcript completes', { timeout: 15_000 });

    // States went connecting -> listening -> thinking -> speaking -> listening.
    const states = log.states();
    const order = ['connecting', 'listening', 'thinking', 'speaking', 'listening'];
    let at = 0;
    for (const s of states) if (s === order[at]) at++;
    expect(at, `states seen: ${states.join(' ')}`).to.equal(order.length);
    // The reply is generated faster than real time, so response.done comes before the voice starts: the status
    // must go straight from thinking to speaking, never flash "listening" in between.
    const thinking = states.indexOf('thinking');
    expect(states[thinking + 1], `states seen: ${states.join(' ')}`).to.equal('speaking');

    // Each line is rendered as a message part with its role part and speaker name.
    await el.updateComplete;
    const messages = parts(el, 'message');
    expect(messages.length).to.equal(el.transcript.length);
    expect(parts(el, 'user').length).to.be.greaterThan(0);
    expect(parts(el, 'assistant').at(-1)!.textContent).to.contain(reply);
    expect(part(el, 'assistant')!.querySelector('[part~="speaker"]')!.textContent).to.equal('Assistant');

    // Metrics arrived: token fetch, connect, time to first audio, usage.
    const metrics = log.of('rv-metrics').map((e) => e.detail);
    expect(metrics.some((m) => typeof m.tokenMs === 'number' && typeof m.connectMs === 'number')).to.equal(true);
    expect(metrics.some((m) => typeof m.firstAudioMs === 'number')).to.equal(true);
    expect(metrics.some((m) => m.usage !== undefined && typeof m.responseId === 'string')).to.equal(true);

    part(el, 'button')!.click();
    await reach(el, 'idle');
    expect(el.transcript.length).to.be.greaterThan(1); // the transcript survives the end of the session
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Start conversation');
    log.stop();
  });
}));

describe('<realtime-voice> voice turn against the mock (WebSocket)', () => {
  it('stops the voice on barge-in and truncates the item to what was heard', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input></realtime-voice>`);
    const log = record(el);
    // Typed first (no microphone), so that only our interrupt cuts the reply.
    await el.sendText('Please tell me a long story about the sea and the wind and the boats.');
    await reach(el, 'speaking', 20000);
    const bargeIn = nextEvent(el, 'rv-metrics', (e) => e.detail.bargeInMs !== undefined);
    el.interrupt();
    await reach(el, 'listening');
    expect((await bargeIn).detail.bargeInMs).to.be.a('number');
    await waitUntil(() => log.sent('conversation.item.truncate').length === 1, 'one truncate sent', { timeout: 15_000 });
    const truncate = log.sent('conversation.item.truncate')[0]!;
    expect(truncate.audio_end_ms).to.be.a('number').and.to.be.greaterThan(0);
    expect(log.sent('response.cancel').length).to.be.at.most(1);
    el.disconnect();
    log.stop();
  });
});
