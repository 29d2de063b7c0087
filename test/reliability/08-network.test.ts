// Fault matrix, case 8: the browser going offline and online, and a congested socket. Chromium cannot
// be taken offline from a page, so the element's `platform` plays the network: fetch fails while
// offline, `navigator.onLine` and the offline/online events say so, and the mock resets the live
// socket as a lost network does. Congestion is a real socket whose `bufferedAmount` keeps growing.
import { expect } from '@open-wc/testing';
import type { CreateWebSocket, WebSocketLike } from '../../src/client/client.js';
import { lines, mock, mount, textTurn, useHarness, Watch } from './harness.js';

/** A network the test switches off and on: fetch fails while off, as `navigator.onLine` and the events say. */
function network() {
  const net = {
    online: true,
    offlineRequests: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      if (net.online) return fetch(input, init);
      net.offlineRequests++;
      return Promise.reject(new TypeError('Failed to fetch'));
    },
    set(online: boolean) {
      net.online = online;
      window.dispatchEvent(new Event(online ? 'online' : 'offline'));
    },
  };
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => net.online });
  return net;
}

describe('fault 8: offline and online; a congested socket', () => {
  useHarness();
  afterEach(() => delete (navigator as { onLine?: boolean }).onLine);

  it('8a. offline mid-session: reconnecting without spending attempts, back at once when online, the transcript kept', async () => {
    const net = network();
    const el = await mount({ output: 'text' }, { platform: { fetch: net.fetch } });
    const w = new Watch(el);
    await textTurn(el, w, 'Before the tunnel');
    const mark = w.states.length;
    net.set(false);
    await mock.drop(1006);
    await w.state('reconnecting', { reason: 'connection_lost', from: mark });
    // The outage lasts a second: long enough for the first retries (0.25 to 1.5 s) to have failed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(net.offlineRequests, 'no token request while the browser is offline').to.equal(0);
    expect(el.state).to.equal('reconnecting');
    net.set(true);
    await w.state('listening', { from: mark });
    expect(w.errors.map((e) => [e.code, e.fatal])).to.deep.equal([['connection_lost', false]]);
    expect(lines(el)).to.deep.equal(['user: Before the tunnel', 'assistant: You wrote: Before the tunnel']);
    await textTurn(el, w, 'After the tunnel');
  });

  it('8a. a connect while offline waits for the network, then opens', async () => {
    const net = network();
    net.set(false);
    const el = await mount({ output: 'text' }, { platform: { fetch: net.fetch } });
    const w = new Watch(el);
    void el.sendText('Typed offline');
    const failed = await w.error('token_network');
    expect(failed.fatal).to.equal(false);
    expect(el.state).to.equal('connecting');
    net.set(true);
    await w.reply('You wrote: Typed offline');
    expect(net.offlineRequests).to.equal(1);
  });

  it('8b. a congested socket (bufferedAmount growing): microphone audio held, then dropped with one non-fatal audio_dropped; text still goes; audio resumes once it drains', async () => {
    const congestion = { on: false, bytes: 0 };
    const createWebSocket: CreateWebSocket = (url, protocols) => {
      const ws = new WebSocket(url, protocols);
      return new Proxy(ws, {
        get(target, key) {
          if (key === 'bufferedAmount') return target.bufferedAmount + (congestion.on ? congestion.bytes : 0);
          if (key === 'send')
            return (data: string) => {
              if (congestion.on) congestion.bytes += data.length; // the frames pile up in the socket
              target.send(data);
            };
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as WebSocketLike;
    };
    const el = await mount({ output: 'text', muted: '' }, { platform: { createWebSocket } });
    const w = new Watch(el);
    const appends = () => w.sentOf('input_audio_buffer.append').length;
    await el.connect();
    await w.until(() => appends() >= 10, 'microphone audio');
    congestion.on = true;
    congestion.bytes = 512 * 1024;
    const held = appends();
    // The microphone keeps producing 20 ms frames; after 3 s held, the oldest go.
    const dropped = await w.error('audio_dropped');
    expect(dropped.fatal).to.equal(false);
    expect(appends(), 'nothing of the microphone went out while congested').to.equal(held);
    // A typed message is never dropped: it goes out (behind the newest held audio) and is answered.
    await textTurn(el, w, 'Typed while congested');
    congestion.on = false;
    const drained = appends();
    await w.until(() => appends() >= drained + 25, 'microphone audio after the congestion');
    expect(w.errors.map((e) => e.code)).to.deep.equal(['audio_dropped']);
    expect(el.state).to.equal('listening');
  });
});
