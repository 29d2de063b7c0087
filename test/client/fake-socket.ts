// A scripted WebSocket for client tests that need exact control: what was sent and in which order,
// bufferedAmount, and when the server speaks or hangs up. Works in the browser and in Node.
import type { WebSocketLike } from '../../src/client/client.js';

export type Sent = { type: string; [key: string]: any };

export class FakeSocket extends EventTarget implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  /** Every frame the client sent, parsed. */
  readonly sent: Sent[] = [];
  /** Set when the client closed the socket. */
  closedByClient: { code?: number } | undefined;
  /** Count frames instead of keeping them (long runs). */
  keepSent = true;
  sentCount = 0;
  onSend: ((event: Sent) => void) | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    super();
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error(`send while readyState=${this.readyState}`);
    const event = JSON.parse(data) as Sent;
    this.sentCount++;
    if (this.keepSent) this.sent.push(event);
    this.onSend?.(event);
  }

  close(code?: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closedByClient = { code };
  }

  // ---- the server side ----

  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  receive(event: Record<string, unknown> | string): void {
    const data = typeof event === 'string' ? event : JSON.stringify(event);
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }

  serverClose(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean: code === 1000 }));
  }

  /** Types of the frames sent so far. */
  types(): string[] {
    return this.sent.map((e) => e.type);
  }

  /**
   * Opens, announces the session, and confirms the client's session.update if it sent one (with
   * nothing to change it sends none): the client becomes ready.
   */
  handshake(session: Record<string, unknown> = {}): void {
    this.open();
    this.receive({ type: 'session.created', event_id: 'ev_c', session: { type: 'realtime', id: 'sess_1', ...session } });
    const update = this.sent.find((e) => e.type === 'session.update');
    if (update) this.receive({ type: 'session.updated', event_id: 'ev_u', session: { ...update.session, ...session } });
  }
}

/** A createWebSocket option that records the sockets it makes. */
export function socketFactory() {
  const sockets: FakeSocket[] = [];
  const create = (url: string, protocols: string[]) => {
    const s = new FakeSocket(url, protocols);
    sockets.push(s);
    return s;
  };
  return { sockets, create, get last() { return sockets[sockets.length - 1]!; } };
}

/** Waits (by yielding to the event loop, never by a timed sleep) until `cond` holds. */
export async function until(cond: () => boolean, what = 'condition', spins = 500): Promise<void> {
  for (let i = 0; i < spins; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error(`timed out waiting for ${what}`);
}
