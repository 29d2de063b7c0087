// The WebSocket transport: GA's browser authentication by subprotocol, events as text frames.
import type { Transport, TransportHandlers } from './transport.js';

/** The smallest WebSocket surface the client uses; the browser's WebSocket satisfies it. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

export type CreateWebSocket = (url: string, protocols: string[]) => WebSocketLike;

/** GA's browser authentication: the key travels as a subprotocol (protocol.md §1.2). */
export const socketProtocols = (secret: string): string[] => ['realtime', 'openai-insecure-api-key.' + secret];

/** Opens `url` with the key as the `openai-insecure-api-key.` subprotocol (protocol.md §1.2). Throws if the socket cannot be created. */
export function webSocketTransport(url: string, secret: string, handlers: TransportHandlers, create: CreateWebSocket = (u, p) => new WebSocket(u, p)): Transport {
  const socket = create(url, socketProtocols(secret));
  const listeners = {
    open: () => handlers.open(),
    message: (event: { data: unknown }) => handlers.message(event.data),
    close: (event: { code?: number; reason?: string }) => handlers.close(event.code ?? 1006, event.reason ?? ''),
    // A close event always follows an error; it carries what little the browser tells.
    error: () => undefined,
  };
  const each = (fn: (type: keyof typeof listeners, listener: (event: any) => void) => void) => {
    for (const type of Object.keys(listeners) as (keyof typeof listeners)[]) fn(type, listeners[type]);
  };
  each((type, listener) => socket.addEventListener(type, listener));
  return {
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    send: (data) => socket.send(data),
    close: () => {
      each((type, listener) => socket.removeEventListener(type, listener));
      try {
        socket.close(1000);
      } catch {
        /* already closing */
      }
    },
  };
}
