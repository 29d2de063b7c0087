// A WebSocket factory for the element's `platform`: real sockets to the mock, with a hand on the
// timing, so a test can hold the element in a state (connecting, thinking, speaking,
// reconnecting) for as long as it needs instead of racing the mock.
import type { CreateWebSocket, WebSocketLike } from '../../src/client/client.js';

type Listener = (event: any) => void;

class ControlledSocket implements WebSocketLike {
  readonly ws: WebSocket;
  #held: MessageEvent[] = [];
  #listeners = new Map<Listener, Listener>();

  constructor(
    url: string,
    protocols: string[],
    private readonly net: ControlledNetwork,
  ) {
    this.ws = new WebSocket(url, protocols);
  }

  get readyState() {
    return this.ws.readyState;
  }
  get bufferedAmount() {
    return this.ws.bufferedAmount;
  }
  send(data: string) {
    this.ws.send(data);
  }
  close(code?: number, reason?: string) {
    this.ws.close(code, reason);
  }
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: Listener) {
    if (type !== 'message') return this.ws.addEventListener(type, listener);
    const wrapped = (event: MessageEvent) => {
      const type = JSON.parse(String(event.data)).type as string;
      if (this.#held.length || this.net.holds(type)) this.#held.push(event);
      else listener(event);
    };
    this.#listeners.set(listener, wrapped);
    this.ws.addEventListener('message', wrapped);
  }
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: Listener) {
    if (type !== 'message') return this.ws.removeEventListener(type, listener);
    const wrapped = this.#listeners.get(listener);
    if (wrapped) this.ws.removeEventListener('message', wrapped);
  }
  /** Delivers what was held, in order. */
  release() {
    const held = this.#held.splice(0);
    for (const event of held) for (const listener of this.#listeners.keys()) listener(event);
  }
}

export class ControlledNetwork {
  readonly sockets: ControlledSocket[] = [];
  #holdFrom: ((type: string) => boolean) | null = null;
  #blocked = false;
  #pending: (() => void)[] = [];

  /** The factory to give the element: `el.platform = { createWebSocket: net.createWebSocket }`. */
  readonly createWebSocket: CreateWebSocket = (url, protocols) => {
    if (this.#blocked) {
      // A socket that never opens until unblocked: the element stays connecting or reconnecting.
      const socket = { url, protocols };
      let real: ControlledSocket | undefined;
      const listeners: [string, Listener][] = [];
      this.#pending.push(() => {
        real = new ControlledSocket(socket.url, socket.protocols, this);
        this.sockets.push(real);
        for (const [type, fn] of listeners) real.addEventListener(type as 'open', fn);
      });
      return {
        get readyState() {
          return real?.readyState ?? 0;
        },
        get bufferedAmount() {
          return real?.bufferedAmount ?? 0;
        },
        send: (data: string) => real?.send(data),
        close: (code?: number, reason?: string) => real?.close(code, reason),
        addEventListener: (type: string, fn: Listener) => (real ? real.addEventListener(type as 'open', fn) : listeners.push([type, fn])),
        removeEventListener: (type: string, fn: Listener) => real?.removeEventListener(type as 'open', fn),
      } as WebSocketLike;
    }
    const socket = new ControlledSocket(url, protocols, this);
    this.sockets.push(socket);
    return socket;
  };

  get current(): ControlledSocket | undefined {
    return this.sockets.at(-1);
  }

  /** From the first server event matching `test`, every later one waits for `release()`. */
  holdFrom(test: (type: string) => boolean) {
    this.#holdFrom = test;
  }

  holds(type: string): boolean {
    return this.#holdFrom?.(type) ?? false;
  }

  release() {
    this.#holdFrom = null;
    for (const socket of this.sockets) socket.release();
  }

  /** New sockets stay unopened until `unblock()`. */
  block() {
    this.#blocked = true;
  }

  unblock() {
    this.#blocked = false;
    for (const open of this.#pending.splice(0)) open();
  }

  /** The connection drops under the client (as a network loss would). */
  drop() {
    this.current?.ws.close(4999, 'test drop'); // not 3000 or 4000: those are refusals, never retried
  }
}
