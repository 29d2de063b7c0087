import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { assistantReply, part, reach, record } from './helpers.js';

/** Tabs forward until the part has focus; fails if it is not reachable by keyboard. */
async function tabTo(el: RealtimeVoice, name: string) {
  for (let i = 0; i < 10; i++) {
    await sendKeys({ press: 'Tab' });
    if (el.shadowRoot!.activeElement === part(el, name)) return;
  }
  throw new Error(`${name} is not reachable with Tab`);
}

describe('<realtime-voice> keyboard', () => {
  it('starts with Enter and stops with Space on the focused main button', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL}></realtime-voice>`);
    await tabTo(el, 'button');
    await sendKeys({ press: 'Enter' });
    await reach(el, 'listening');
    await sendKeys({ press: 'Space' });
    await reach(el, 'idle');
  });

  it('reaches the transcript, the mute toggle and the main button in order, and toggles mute with Space', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input></realtime-voice>`);
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(el.shadowRoot!.activeElement?.getAttribute('part') ?? '');
    }
    expect(order).to.deep.equal(['transcript', 'input', 'send', 'mute', 'button']);
    // Every stop shows a focus ring (here the main button).
    expect(getComputedStyle(part(el, 'button')!).outlineStyle).to.equal('solid');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'mute'));
    await sendKeys({ press: 'Space' });
    expect(el.muted).to.equal(true);
  });

  it('interrupts the assistant with Escape', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input></realtime-voice>`);
    const log = record(el);
    part(el, 'input')!.focus();
    await sendKeys({ type: 'Tell me a long story about the sea, the wind and the boats.' });
    await sendKeys({ press: 'Enter' });
    await reach(el, 'speaking', 20000);
    await sendKeys({ press: 'Escape' });
    await reach(el, 'listening');
    expect(log.of('rv-state').at(-1)!.detail.reason).to.equal('interrupt');
    await waitUntil(() => log.sent('conversation.item.truncate').length === 1, 'truncated after Escape', { timeout: 15_000 });
    el.disconnect();
    log.stop();
  });

  it('holds to talk with Space when turn detection is none', async () => {
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} turn-detection="none"></realtime-voice>`);
    const log = record(el);
    await tabTo(el, 'button');
    await sendKeys({ down: 'Space' });
    await reach(el, 'listening');
    expect(part(el, 'button')!.getAttribute('aria-pressed')).to.equal('true');
    await waitUntil(() => log.sent('input_audio_buffer.append').length >= 100, 'audio while Space is held', { timeout: 15000 });
    await sendKeys({ up: 'Space' });
    expect(part(el, 'button')!.getAttribute('aria-pressed')).to.equal('false');
    expect(await assistantReply(el)).to.match(/^You said/);
    expect(log.sent('input_audio_buffer.commit').length).to.equal(1);
    expect(el.state).to.not.equal('idle'); // Space did not also click the button (which would have stopped it)
    el.disconnect();
    log.stop();
  });
});
