// Token prefetch: hovering or focusing the idle main button fetches the key, so the click connects
// without waiting for the token endpoint. Once per idle period, silent on failure, never a stale key.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin
import { MOCK_ORIGIN, MOCK_TOKEN_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import { forEachTransport } from '../webrtc/transports.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { nextEvent, part, reach, record } from './helpers.js';

/** A slow token endpoint: what the prefetch is for. A click that fetched its own key would wait this long. */
const LATENCY_MS = 250;

/** The element's fetch: counts the requests to `tokenUrl` (answered after LATENCY_MS, the body optionally rewritten); the rest goes through. */
function tokenEndpoint(tokenUrl: string, rewrite: (body: Record<string, unknown>, n: number) => void = () => undefined) {
  const endpoint = {
    requests: 0,
    answered: 0,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input) !== tokenUrl) return fetch(input, init);
      const n = ++endpoint.requests;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      const res = await fetch(input, init);
      let text = await res.text();
      if (res.ok) {
        const body = JSON.parse(text) as Record<string, unknown>;
        rewrite(body, n);
        text = JSON.stringify(body);
      }
      endpoint.answered++;
      // The body is already read: the key settles within this task, so `answered` means the prefetch is done.
      return { ok: res.ok, status: res.status, statusText: res.statusText, text: async () => text } as Response;
    }) as typeof fetch,
  };
  return endpoint;
}

const center = (el: Element): [number, number] => {
  const r = el.getBoundingClientRect();
  return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
};
const hover = (el: RealtimeVoice) => sendMouse({ type: 'move', position: center(part(el, 'button')!) });
const leave = () => sendMouse({ type: 'move', position: [0, 0] });

afterEach(() => resetMouse());

forEachTransport((transport) =>
  describe('<realtime-voice> token prefetch', () => {
    it('hover and focus fetch the key once; the click connects with it, without a second request', async () => {
      const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} transport=${transport}></realtime-voice>`);
      const endpoint = tokenEndpoint(MOCK_TOKEN_URL);
      el.platform = { fetch: endpoint.fetch };
      await leave();
      expect(endpoint.requests, 'nothing before the user comes near').to.equal(0);
      await hover(el);
      // The hover fetches the engine first (issue 17), then the key.
      await waitUntil(() => endpoint.requests === 1, 'the key is fetched on hover', { timeout: 15_000 });
      await leave();
      await hover(el);
      part(el, 'button')!.focus();
      await waitUntil(() => endpoint.answered === 1, 'the prefetched key', { timeout: 15_000 });
      expect(endpoint.requests, 'repeated hovers and focus: no more requests').to.equal(1);
      expect(el.state).to.equal('idle');

      const metrics = nextEvent(el, 'rv-metrics', (e) => e.detail.tokenMs !== undefined);
      await sendMouse({ type: 'down' });
      await sendMouse({ type: 'up' });
      await reach(el, 'listening');
      expect(endpoint.requests, 'the click used the prefetched key').to.equal(1);
      expect((await metrics).detail.tokenMs, 'the click did not wait for the endpoint').to.be.below(LATENCY_MS);

      await leave();
      await hover(el);
      expect(endpoint.requests, 'never while connected').to.equal(1);
      el.disconnect();
      await reach(el, 'idle');
      await leave();
      await hover(el);
      expect(endpoint.requests, 'a new idle period prefetches again').to.equal(2);
    });
  }),
);

describe('<realtime-voice> token prefetch failures', () => {
  it('a failed prefetch is silent; the click fetches again and reports the failure', async () => {
    const tokenUrl = `${MOCK_ORIGIN}/no-such-endpoint`;
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${tokenUrl}></realtime-voice>`);
    const endpoint = tokenEndpoint(tokenUrl);
    el.platform = { fetch: endpoint.fetch };
    const log = record(el);
    part(el, 'button')!.focus();
    await waitUntil(() => endpoint.answered === 1, 'the prefetch answered 404', { timeout: 15_000 });
    await el.updateComplete;
    expect(log.events, 'no event for the prefetch').to.deep.equal([]);
    expect([el.state, part(el, 'error')!.textContent]).to.deep.equal(['idle', '']);

    const error = nextEvent(el, 'rv-error');
    part(el, 'button')!.click();
    expect((await error).detail).to.deep.include({ code: 'token_http_error', fatal: true });
    expect(endpoint.requests).to.equal(2);
    log.stop();
  });

  it('a prefetched key too close to its expiry is not used: the click fetches a fresh one', async () => {
    // Expires in 5 s: inside the 15 s a key must have left to open a session.
    const endpoint = tokenEndpoint(MOCK_TOKEN_URL, (body, n) => n === 1 && (body.expires_at = Math.floor(Date.now() / 1000) + 5));
    const el = await fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text"></realtime-voice>`);
    el.platform = { fetch: endpoint.fetch };
    await hover(el);
    await waitUntil(() => endpoint.answered === 1, 'the prefetched key', { timeout: 15_000 });
    part(el, 'button')!.click();
    await reach(el, 'listening');
    expect(endpoint.requests).to.equal(2);
    el.disconnect();
  });
});
