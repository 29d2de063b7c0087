import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse, resetMouse } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import { forEachTransport } from '../webrtc/transports.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { assistantReply, mockAppends, part, parts, reach, record } from './helpers.js';

function center(el: Element): [number, number] {
  const r = el.getBoundingClientRect();
  return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
}

describe('<realtime-voice> modes against the mock', () => {
  afterEach(() => resetMouse());

  it('push-to-talk: holding the button sends the voice, releasing commits it and asks for an answer', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} turn-detection="none"></realtime-voice>`);
    const log = record(el);
    const button = part(el, 'button')!;
    await sendMouse({ type: 'move', position: center(button) });
    await sendMouse({ type: 'down' });
    await reach(el, 'listening');
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(button.textContent!.trim()).to.equal('Release to send');
    expect(el.matches(':state(talking)')).to.equal(true);
    // About 2 s of the fake microphone (its speech starts after 0.3 s of silence).
    await waitUntil(() => log.sent('input_audio_buffer.append').length >= 100, 'audio sent while held', { timeout: 15000 });
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(button.textContent!.trim()).to.equal('Hold to talk');

    const reply = await assistantReply(el);
    expect(reply).to.match(/speech/);
    await reach(el, 'listening', 20000);
    const update = log.sent<{ session: { audio: { input: { turn_detection: unknown } } } }>('session.update')[0]!;
    expect(update.session.audio.input.turn_detection).to.equal(null);
    expect(log.sent('input_audio_buffer.commit').length).to.equal(1);
    expect(log.sent('response.create').length).to.equal(1);
    expect(log.received('input_audio_buffer.speech_started').length).to.equal(0);
    // Nothing of the microphone went out once the button was released, though it stayed open.
    const wire = log.of('rv-client-event').map((e) => e.detail.type);
    expect(wire.slice(wire.indexOf('input_audio_buffer.commit')).filter((t) => t === 'input_audio_buffer.append')).to.deep.equal([]);
    expect(el.transcript.map((e) => e.role)).to.deep.equal(['user', 'assistant']);
    expect(part(el, 'end')).to.not.equal(null);
    part(el, 'end')!.click();
    await reach(el, 'idle');
    log.stop();
  });

  it('text input: a typed message opens a session without the microphone and gets an answer', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input output="text"></realtime-voice>`);
    const log = record(el);
    part(el, 'input')!.focus();
    await sendKeys({ type: 'Hello there' });
    await sendKeys({ press: 'Enter' });
    expect(part<HTMLInputElement>(el, 'input')!.value).to.equal('');
    const reply = await assistantReply(el);
    expect(reply).to.equal('You wrote: Hello there');
    expect(el.transcript.map((e) => [e.role, e.text])).to.deep.equal([
      ['user', 'Hello there'],
      ['assistant', 'You wrote: Hello there'],
    ]);
    await reach(el, 'listening');
    expect(log.sent('input_audio_buffer.append')).to.deep.equal([]); // the microphone was never opened
    expect(el.exportTranscript('text')).to.equal('You: Hello there\nAssistant: You wrote: Hello there');
    const exported = JSON.parse(el.exportTranscript('json')) as { role: string; text: string; final: boolean; itemId: string; at: number }[];
    expect(exported.map((e) => [e.role, e.text, e.final])).to.deep.equal([
      ['user', 'Hello there', true],
      ['assistant', 'You wrote: Hello there', true],
    ]);
    expect(exported.every((e) => e.itemId && e.at > 0)).to.equal(true);
    el.strings = { user: 'Vous', assistant: 'Assistant·e' };
    expect(el.exportTranscript()).to.equal('Vous: Hello there\nAssistant·e: You wrote: Hello there');
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Start conversation');
    // The main button now adds the microphone to the running session.
    part(el, 'button')!.click();
    await waitUntil(async () => (await mockAppends()).length > 5, 'microphone audio', { timeout: 15000, interval: 100 });
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Stop conversation');
    expect(log.states().filter((s) => s === 'connecting').length).to.equal(1); // the session went on meanwhile
    el.disconnect();
    log.stop();
  });

  it('renders model text as inert text: markup and <img onerror> stay characters', async () => {
    const win = window as unknown as { __rvXss?: number };
    delete win.__rvXss;
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input output="text"></realtime-voice>`);
    const markup = '<img src=x onerror="window.__rvXss=1"><b>bold</b><script>window.__rvXss=2</script>';
    await el.sendText(markup);
    const reply = await assistantReply(el);
    expect(reply).to.contain('<img src=x onerror=');
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('img, b, script').length).to.equal(0);
    const [user, assistant] = parts(el, 'message');
    expect(user!.textContent).to.contain(markup);
    expect(assistant!.textContent).to.contain('<b>bold</b>');
    expect(win.__rvXss).to.equal(undefined);
    expect(el.exportTranscript('text')).to.contain(`You: ${markup}`);
    el.disconnect();
  });
});

forEachTransport((transport) =>
  describe('<realtime-voice> transcription mode on each transport', () => {
    it('transcription: live captions of the microphone, no assistant and no voice', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport} mode="transcription"></realtime-voice>`);
      const log = record(el);
      expect(part(el, 'output-level')).to.equal(null);
      part(el, 'button')!.click();
      await reach(el, 'listening');
      await waitUntil(() => el.transcript.some((e) => e.role === 'user' && e.final && e.text), 'a caption', { timeout: 20000 });
      const session = log.received<{ session: { type: string } }>('session.updated').at(-1)!;
      expect(session.session.type).to.equal('transcription');
      expect(log.sent('response.create')).to.deep.equal([]);
      expect(el.transcript.every((e) => e.role === 'user')).to.equal(true);
      expect(log.states()).to.not.include('speaking');
      expect(log.states()).to.not.include('thinking');
      expect(parts(el, 'user')[0]!.textContent).to.contain(el.transcript[0]!.text);
      el.disconnect();
      log.stop();
    });
  }),
);
