import { expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_ORIGIN, MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import type { RealtimeVoiceState } from '../../src/events.js';
import { ControlledNetwork } from './net.js';
import { part, reach } from './helpers.js';

/** axe in the current state, in the expanded light card and in the compact dark panel; the state must not move meanwhile. */
async function accessibleIn(el: RealtimeVoice, state: RealtimeVoiceState) {
  expect(el.state).to.equal(state);
  for (const [layout, theme] of [
    ['expanded', 'light'],
    ['compact', 'dark'],
  ] as const) {
    el.layout = layout;
    el.theme = theme;
    await el.updateComplete;
    // Contrast is measured on settled colours: wait for the colour transitions (meters restart theirs all the time).
    const colours = el.shadowRoot!.getAnimations().filter((a) => a instanceof CSSTransition && a.transitionProperty === 'background-color');
    await Promise.all(colours.map((a) => a.finished.catch(() => undefined)));
    await expect(el, `${state}, ${layout}, ${theme}`).to.be.accessible();
  }
  expect(el.state).to.equal(state);
}

describe('<realtime-voice> accessibility in every state (axe)', () => {
  let net: ControlledNetwork;
  let el: RealtimeVoice;
  beforeEach(async () => {
    net = new ControlledNetwork();
    el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} text-input></realtime-voice>`);
    el.platform = { createWebSocket: net.createWebSocket };
  });
  afterEach(() => {
    net.release();
    net.unblock();
    el.disconnect();
  });

  it('idle', async () => {
    await accessibleIn(el, 'idle');
  });

  it('connecting (the token endpoint has not answered yet)', async () => {
    let answer: (() => void) | undefined;
    el.platform = { fetch: (input, init) => new Promise((resolve) => (answer = () => resolve(fetch(input, init)))) };
    part(el, 'button')!.click();
    await reach(el, 'connecting');
    // The engine loads first (issue 17); then the key request waits here.
    await waitUntil(() => answer !== undefined, 'the token request was made', { timeout: 15_000 });
    await accessibleIn(el, 'connecting');
    answer!();
    await reach(el, 'listening');
  });

  it('listening', async () => {
    part(el, 'button')!.click();
    await reach(el, 'listening');
    await accessibleIn(el, 'listening');
  });

  it('thinking (the answer is held back)', async () => {
    el.output = 'text';
    net.holdFrom((type) => type === 'response.output_text.delta');
    await el.sendText('Hello');
    await reach(el, 'thinking');
    await accessibleIn(el, 'thinking');
    net.release();
    await reach(el, 'listening');
  });

  it('speaking (the end of the answer is held back, so the voice goes on)', async () => {
    net.holdFrom((type) => type === 'response.output_audio.done');
    await el.sendText('Hello there, tell me something.');
    await reach(el, 'speaking', 20000);
    await el.updateComplete;
    expect(el.transcript.some((e) => e.role === 'assistant')).to.equal(true);
    await accessibleIn(el, 'speaking');
  });

  it('reconnecting (the connection dropped and the new one is not open yet)', async () => {
    part(el, 'button')!.click();
    await reach(el, 'listening');
    net.block();
    net.drop();
    await reach(el, 'reconnecting');
    await accessibleIn(el, 'reconnecting');
    net.unblock();
    await reach(el, 'listening');
  });

  it('error (the token endpoint refused)', async () => {
    el.tokenUrl = `${MOCK_ORIGIN}/no-such-endpoint`;
    await el.updateComplete;
    part(el, 'button')!.click();
    await reach(el, 'error');
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.match(/404/);
    await accessibleIn(el, 'error');
  });
});
