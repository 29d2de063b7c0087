// Fault matrix, case 9: connect and disconnect toggled 50 times quickly, at every point of the start
// (before the token, before the socket opens, before the microphone, once listening). Every socket,
// AudioContext, microphone track, timer and global listener the element made must be released.
import { expect, waitUntil } from '@open-wc/testing';
import { lines, mock, mount, textTurn, useHarness, Watch } from './harness.js';

type Handle = ReturnType<typeof setTimeout>;

/**
 * Watches timers and global listeners: those created while `recording` are remembered until they
 * fire (one-shot timers) or are cleared / removed. `restore()` puts the originals back.
 */
function trackResources() {
  const w = window as unknown as Record<string, unknown>;
  const original = { setTimeout, clearTimeout, setInterval, clearInterval };
  const timers = new Set<Handle>();
  const listeners = new Map<string, { target: EventTarget; type: string; listener: unknown }>();
  const targets: EventTarget[] = [window, navigator.mediaDevices];
  const add = targets.map((t) => t.addEventListener);
  const remove = targets.map((t) => t.removeEventListener);
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const key = (target: EventTarget, type: string, listener: unknown, capture: unknown) => {
    const fn = listener as object;
    if (!ids.has(fn)) ids.set(fn, ++nextId);
    const c = typeof capture === 'boolean' ? capture : Boolean((capture as { capture?: boolean } | undefined)?.capture);
    return `${targets.indexOf(target)}:${type}:${ids.get(fn)}:${c}`;
  };
  const state = { recording: true };
  w.setTimeout = (fn: () => void, ms?: number, ...args: unknown[]) => {
    const handle: Handle = original.setTimeout.call(window, () => {
      timers.delete(handle);
      fn(...(args as []));
    }, ms);
    if (state.recording) timers.add(handle);
    return handle;
  };
  w.clearTimeout = (handle: Handle) => {
    timers.delete(handle);
    original.clearTimeout.call(window, handle);
  };
  w.setInterval = (fn: () => void, ms?: number, ...args: unknown[]) => {
    const handle = original.setInterval.call(window, () => fn(...(args as [])), ms);
    if (state.recording) timers.add(handle);
    return handle;
  };
  w.clearInterval = (handle: Handle) => {
    timers.delete(handle);
    original.clearInterval.call(window, handle);
  };
  targets.forEach((target, i) => {
    target.addEventListener = function (type: string, listener: unknown, options?: unknown) {
      if (state.recording && listener) listeners.set(key(target, type, listener, options), { target, type, listener });
      return add[i]!.call(target, type, listener as EventListener, options as AddEventListenerOptions);
    };
    target.removeEventListener = function (type: string, listener: unknown, options?: unknown) {
      if (listener) listeners.delete(key(target, type, listener, options));
      return remove[i]!.call(target, type, listener as EventListener, options as EventListenerOptions);
    };
  });
  return {
    state,
    timers,
    listeners: () => [...listeners.values()].map((l) => `${l.target === window ? 'window' : 'mediaDevices'}:${l.type}`),
    restore() {
      Object.assign(w, original);
      targets.forEach((target, i) => {
        target.addEventListener = add[i]!;
        target.removeEventListener = remove[i]!;
      });
    },
  };
}

describe('fault 9: connect and disconnect toggled 50 times quickly', () => {
  useHarness();

  it('9. nothing leaks: sockets, AudioContexts, microphone tracks, timers and global listeners all released; it still works after', async function () {
    this.timeout(60000);
    const sockets: WebSocket[] = [];
    const contexts: AudioContext[] = [];
    const streams: MediaStream[] = [];
    const el = await mount({}, {
      platform: {
        createWebSocket: (url, protocols) => {
          const ws = new WebSocket(url, protocols);
          sockets.push(ws);
          return ws;
        },
        createAudioContext: (options) => {
          const context = new AudioContext(options);
          contexts.push(context);
          return context;
        },
        getUserMedia: async (constraints) => {
          const stream = await navigator.mediaDevices.getUserMedia(constraints);
          streams.push(stream);
          return stream;
        },
      },
    });
    const w = new Watch(el);
    const tracked = trackResources();
    try {
      for (let i = 0; i < 50; i++) {
        const connecting = el.connect();
        // Cut the start at a different point each time: at once, after a microtask, a task, the socket, or once listening.
        switch (i % 5) {
          case 1:
            await Promise.resolve();
            break;
          case 2:
            await new Promise((resolve) => setTimeout(resolve, 0));
            break;
          case 3:
            while (el.state === 'connecting' && !sockets.some((s) => s.readyState === WebSocket.OPEN)) await new Promise((r) => setTimeout(r, 0));
            break;
          case 4:
            await connecting;
            expect(el.state, `toggle ${i}`).to.equal('listening');
            break;
        }
        el.disconnect();
        expect(el.state).to.equal('idle');
      }
      tracked.state.recording = false;

      await waitUntil(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), 'every socket closed', { timeout: 15000 });
      await waitUntil(() => contexts.every((c) => c.state === 'closed'), 'every AudioContext closed', { timeout: 15000 });
      await waitUntil(() => streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')), 'every microphone track ended', { timeout: 15000 });
      await waitUntil(() => tracked.timers.size === 0, `every timer fired or cleared (${tracked.timers.size} pending)`, { timeout: 15000 });
      expect(tracked.listeners(), 'global listeners left behind').to.deep.equal([]);
      expect((await mock.connections()).filter((c) => c.open), 'connections the server still holds').to.deep.equal([]);
      expect(sockets.length, 'sockets opened').to.be.at.least(20);
      expect(contexts.length, 'AudioContexts made').to.equal(100);
      expect(streams.length, 'microphones opened').to.be.at.least(10);
      expect(w.errors, 'a disconnect is not an error').to.deep.equal([]);
    } finally {
      tracked.restore();
    }

    // And the element still works: a full session, then released again.
    await textTurn(el, w, 'Still working?');
    expect(lines(el)).to.deep.equal(['user: Still working?', 'assistant: You wrote: Still working?']);
    el.disconnect();
    await waitUntil(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), 'the last socket closed', { timeout: 15_000 });
  });
});
