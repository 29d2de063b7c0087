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

/** Opens `url` with the key as the `openai-insecure-api-key.` subprotocol (protocol.md §1.2). Throws if the socket cannot be created. */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';
  readonly #socket: WebSocketLike;
  readonly #detach: () => void;

  constructor(url: string, secret: string, handlers: TransportHandlers, create: CreateWebSocket = (u, p) => new WebSocket(u, p)) {
    const socket = (this.#socket = create(url, ['realtime', 'openai-insecure-api-key.' + secret]));
    const onOpen = () => handlers.open();
    const onMessage = (event: { data: unknown }) => handlers.message(event.data);
    const onClose = (event: { code?: number; reason?: string }) => handlers.close(event.code ?? 1006, event.reason ?? '');
    const onError = () => {
      /* a close event always follows; it carries what little the browser tells */
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('message', onMessage);
    socket.addEventListener('close', onClose);
    socket.addEventListener('error', onError);
    this.#detach = () => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('message', onMessage);
      socket.removeEventListener('close', onClose);
      socket.removeEventListener('error', onError);
    };
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  send(data: string): void {
    this.#socket.send(data);
  }

  close(): void {
    this.#detach();
    try {
      this.#socket.close(1000);
    } catch {
      /* already closing */
    }
  }
}
