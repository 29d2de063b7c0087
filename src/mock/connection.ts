// One connection to the mock (a WebSocket, or a WebRTC call's data channel): stamps and sends server events, records what went each
// way (without audio payloads), and runs the fault-injection rules that tests script.
import type { WebSocket } from 'ws';
import type { MockClock } from './clock.js';
import { gaError, type GaErrorDetail } from './errors.js';
import { IdGenerator } from './ids.js';
import { Pacer, type PacingOptions } from './pacing.js';
import type { SessionMedia } from './playout.js';
import { INVALID_JSON, MockSession, type OutgoingEvent, type SessionBehaviour } from './session.js';
import type { EffectiveSession } from './session-config.js';

/**
 * A scripted fault. It fires on the `nth` server event of type `on` that the mock sends (or, with
 * `direction: "received"`, on the nth client event of that type it receives), and then does every
 * action it names, in this order: delayMs, stall, raw, event, error, drop, then skip/duplicate
 * for the event itself.
 */
export interface FaultRule {
  /** Event type that triggers the rule; `"*"` matches every event. */
  on: string;
  /** Fire on the nth matching event (1-based). Default 1. */
  nth?: number;
  /** `"sent"` (default): server events; `"received"`: client events (before the mock handles them). */
  direction?: 'sent' | 'received';
  /** Act before the event (default) or after it. */
  when?: 'before' | 'after';
  /**
   * Close the connection. `code` 1006 (the default) resets the TCP connection without a close
   * frame, which is how a browser gets 1006 (abnormal closure); 1005 sends a close frame without a
   * code; any other valid code (1000-1003, 1007-1014, 3000-4999) sends a close frame with it.
   * With `when: "before"` the event itself is never sent (or, received, never handled).
   */
  drop?: { code?: number; reason?: string };
  /** Hold every outgoing frame for this many ms (on the mock's clock), then send them in order. */
  delayMs?: number;
  /** Stall response streaming (the "model" stops producing) until `conn.resume()`. Other events still flow. */
  stall?: boolean;
  /** Send this frame as is: malformed JSON text, or binary bytes. */
  raw?: string | Uint8Array;
  /** Send this event as is (no event_id added): an unknown event type, a forged event... */
  event?: Record<string, unknown>;
  /** Send a GA `error` event with these fields (type defaults to invalid_request_error). */
  error?: Partial<GaErrorDetail> & { code: string; message: string };
  /** Send the event twice (same event_id). */
  duplicate?: boolean;
  /** Do not send the event (or, received, do not handle it). */
  skip?: boolean;
}

/** A client event as received (audio payloads replaced by `audio_bytes`, appends also by `audio_peak`), or a refused frame. */
export type ReceivedEvent = { type: string; [key: string]: unknown };

/** A frame the mock sent: the event (audio deltas replaced by `delta_bytes`), or `{ type: "(raw)" }`. */
export type SentEvent = { type: string; [key: string]: unknown };

export interface CloseInfo {
  code: number;
  reason: string;
}

const LOG_LIMIT = 2000;

function push<T>(log: T[], entry: T): void {
  log.push(entry);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}

/** Base64 length to decoded byte count, without decoding. */
function base64Bytes(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - pad);
}

/** Largest absolute PCM16 sample of base64 audio: tests tell silence (mute) from speech without keeping the audio. */
function base64Peak(b64: string): number {
  const bytes = Buffer.from(b64, 'base64');
  let peak = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
  return peak;
}

function summarizeReceived(value: ReceivedEvent): ReceivedEvent {
  if (value.type === 'input_audio_buffer.append' && typeof value.audio === 'string') {
    const { audio, ...rest } = value;
    return { ...rest, audio_bytes: base64Bytes(audio), audio_peak: base64Peak(audio) };
  }
  const item = value.item as { content?: unknown } | undefined;
  if (value.type === 'conversation.item.create' && Array.isArray(item?.content)) {
    const content = item.content.map((part: Record<string, unknown>) => {
      if (part?.type !== 'input_audio' || typeof part.audio !== 'string') return part;
      const { audio, ...rest } = part;
      return { ...rest, audio_bytes: base64Bytes(audio) };
    });
    return { ...value, item: { ...item, content } };
  }
  return value as ReceivedEvent;
}

function summarizeSent(event: OutgoingEvent): SentEvent {
  if (event.type === 'response.output_audio.delta' && typeof event.delta === 'string') {
    const { delta, ...rest } = event;
    return { ...rest, delta_bytes: base64Bytes(delta) };
  }
  // A snapshot: items mutate after they are sent.
  return structuredClone(event);
}

/** The channel under a connection: a WebSocket or a WebRTC data channel. */
export interface MockWire {
  send(data: string | Uint8Array): void;
  /** Ends the channel: for a WebSocket 1006 resets the TCP connection, 1005 closes without a code, others close with it. */
  close(code: number, reason: string): void;
  /** Text frames as strings, binary frames as bytes. */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
  /** Stops or restarts reading the channel (absent where the channel cannot be throttled: WebRTC). */
  pauseReading?(paused: boolean): void;
}

/** A `ws` WebSocket as a {@link MockWire}. */
export function webSocketWire(ws: WebSocket): MockWire {
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => {
      if (code === 1006) ws.terminate();
      else if (code === 1005) ws.close();
      else ws.close(code, reason);
    },
    onMessage: (listener) => ws.on('message', (data, isBinary) => listener(isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString('utf8'))),
    pauseReading: (paused) => (paused ? ws.pause() : ws.resume()),
    onClose: (listener) => {
      ws.on('close', (code, reason) => listener(code, reason.toString()));
      ws.on('error', () => {
        // A reset socket also emits close; nothing else to do.
      });
    },
  };
}

interface ArmedRule {
  rule: FaultRule;
  fired: boolean;
}

/** Where a connection came from (for assertions and logs). */
export interface ConnectionInfo {
  /** 1-based, in connection order, over the server's lifetime. */
  index: number;
  path: string;
  query: Record<string, string>;
  /** `webrtc` for a call opened at POST /v1/realtime/calls. */
  transport?: 'websocket' | 'webrtc';
  /** Offered subprotocols, with the key of `openai-insecure-api-key.` redacted. */
  protocols: string[];
  /** How the client authenticated. */
  auth: 'subprotocol' | 'header' | 'none';
}

/**
 * A live (or finished) connection: what it sent and received, and the handles to script faults on
 * it. Obtain it from `server.connections`, `server.lastConnection` or `await server.nextConnection()`.
 */
export class MockConnection {
  /** Client events received, in order (bounded to the last 2000; append audio replaced by its byte count). */
  readonly received: ReceivedEvent[] = [];
  /** Frames sent, in order (bounded to the last 2000; audio deltas replaced by their byte count). */
  readonly sent: SentEvent[] = [];
  /** Resolves when the socket has closed, with the code and reason the server saw. */
  readonly closed: Promise<CloseInfo>;
  /** The GA session, or undefined if the connection was refused (bad key, beta shape). */
  readonly session: MockSession | undefined;
  private readonly rules: ArmedRule[] = [];
  private readonly counts = { sent: new Map<string, number>(), received: new Map<string, number>() };
  private readonly pacer: Pacer;
  private readonly ids: IdGenerator;
  private holds = 0;
  private queue: Array<string | Uint8Array> = [];
  private open = true;
  private resolveClosed!: (info: CloseInfo) => void;
  private waiters = new Set<() => void>();

  constructor(
    private readonly wire: MockWire,
    readonly info: ConnectionInfo,
    private readonly clock: MockClock,
    pacing: PacingOptions,
    session: { config: EffectiveSession; behaviour: SessionBehaviour; media?: SessionMedia } | { refuse: GaErrorDetail; code: number; reason: string },
    rules: FaultRule[] = [],
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.ids = new IdGenerator(`mock${info.index}`);
    this.pacer = new Pacer(pacing, clock);
    this.addFaults(...rules);
    wire.onMessage((data) => this.onMessage(data));
    wire.onClose((code, reason) => this.onClose(code, reason));
    if ('refuse' in session) {
      this.session = undefined;
      this.emit({ type: 'error', error: session.refuse });
      this.close(session.code, session.reason);
      return;
    }
    this.session = new MockSession(
      session.config,
      {
        send: (event) => this.emit(event),
        close: (code, reason) => this.close(code, reason),
        ids: this.ids,
        clock,
        pacer: this.pacer,
        media: session.media,
      },
      session.behaviour,
    );
    this.session.start();
  }

  /** Whether the socket is still open. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Arms fault rules on this connection. */
  addFaults(...rules: FaultRule[]): void {
    for (const rule of rules) this.rules.push({ rule, fired: false });
  }

  /** Closes now: 1006 (default) resets the TCP connection, 1005 closes without a code, others send a close frame. */
  drop(code = 1006, reason = ''): void {
    this.close(code, reason);
  }

  /** Sends a raw frame (text as is, or binary). */
  sendRaw(data: string | Uint8Array): void {
    this.write(data, { type: '(raw)', bytes: typeof data === 'string' ? data.length : data.byteLength });
  }

  /** Sends `event` as is (nothing added), e.g. an unknown event type. */
  sendEvent(event: Record<string, unknown>): void {
    this.write(JSON.stringify(event), structuredClone(event) as SentEvent);
  }

  /** Sends a GA `error` event (type defaults to invalid_request_error); the session stays open. */
  error(detail: Partial<GaErrorDetail> & { code: string; message: string }): void {
    this.emit({ type: 'error', error: { ...gaError(detail.code, detail.message), ...detail } });
  }

  /** The next `times` server events of `type` are sent twice. */
  duplicate(type: string, times = 1): void {
    const sent = this.counts.sent.get(type) ?? 0;
    for (let i = 1; i <= times; i++) this.addFaults({ on: type, nth: sent + i, duplicate: true });
  }

  /** Holds every outgoing frame for `ms` on the mock's clock, then sends them in order. */
  delay(ms: number): void {
    this.holds++;
    this.clock.setTimeout(() => {
      this.holds--;
      this.flush();
    }, ms);
  }

  /** Stalls response streaming until {@link resume}. */
  stall(): void {
    this.pacer.stall();
  }

  resume(): void {
    this.pacer.resume();
  }

  /**
   * Stops reading the client's frames until called with false, as a congested uplink does: the
   * kernel buffers fill, then the browser's `bufferedAmount` grows. WebSocket connections only.
   */
  pauseReading(paused = true): void {
    if (!this.wire.pauseReading) throw new Error('pauseReading: only a WebSocket connection can be throttled');
    this.wire.pauseReading(paused);
  }

  /** Ends the session as the time limit does: `session_expired` error, then close 1001. */
  expire(): void {
    this.session?.expire();
  }

  /** Resolves with the `count`th received client event of `type` (at once if it already arrived). */
  waitForReceived(type: string, count = 1): Promise<ReceivedEvent> {
    return this.waitFor(() => this.received.filter((e) => e.type === type)[count - 1]);
  }

  /** Resolves with the `count`th sent server event of `type` (at once if it was already sent). */
  waitForSent(type: string, count = 1): Promise<SentEvent> {
    return this.waitFor(() => this.sent.filter((e) => e.type === type)[count - 1]);
  }

  private waitFor<T>(find: () => T | undefined): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = find();
        if (value !== undefined) {
          this.waiters.delete(check);
          resolve(value);
        } else if (!this.open) {
          this.waiters.delete(check);
          reject(new Error(`connection ${this.info.index} closed before the awaited event`));
        }
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  // ---- outgoing ------------------------------------------------------------------------------------

  private emit(event: OutgoingEvent): void {
    if (!this.open) return;
    const { type, ...rest } = event;
    const stamped: OutgoingEvent = { type, event_id: this.ids.next('event'), ...rest };
    const rules = this.fire('sent', type);
    let send = true;
    for (const rule of rules.filter((r) => (r.when ?? 'before') === 'before')) send = this.act(rule, true) && send;
    if (!this.open) return;
    if (send) {
      const text = JSON.stringify(stamped);
      const repeat = rules.some((r) => r.duplicate) ? 2 : 1;
      for (let i = 0; i < repeat; i++) this.write(text, summarizeSent(stamped));
    }
    for (const rule of rules.filter((r) => r.when === 'after')) this.act(rule, false);
  }

  /** Rules that fire on this event (each fires once). */
  private fire(direction: 'sent' | 'received', type: string): FaultRule[] {
    const counts = this.counts[direction];
    const n = (counts.get(type) ?? 0) + 1;
    counts.set(type, n);
    const out: FaultRule[] = [];
    for (const armed of this.rules) {
      const r = armed.rule;
      if (armed.fired || (r.direction ?? 'sent') !== direction) continue;
      const nth = r.nth ?? 1;
      const matches = r.on === '*' ? (counts.get('*') ?? 0) + 1 === nth : r.on === type && n === nth;
      if (matches) {
        armed.fired = true;
        out.push(r);
      }
    }
    counts.set('*', (counts.get('*') ?? 0) + 1);
    return out;
  }

  /** Runs a rule's actions; false when the triggering event must not go through. */
  private act(rule: FaultRule, before: boolean): boolean {
    if (rule.delayMs !== undefined) this.delay(rule.delayMs);
    if (rule.stall) this.stall();
    if (rule.raw !== undefined) this.sendRaw(rule.raw);
    if (rule.event) this.sendEvent(rule.event);
    if (rule.error) this.error(rule.error);
    if (rule.drop) {
      this.close(rule.drop.code ?? 1006, rule.drop.reason ?? '');
      return false;
    }
    return !(before && rule.skip);
  }

  private write(data: string | Uint8Array, summary: SentEvent): void {
    if (!this.open) return;
    push(this.sent, summary);
    if (this.holds > 0) this.queue.push(data);
    else this.wire.send(data);
    this.notify();
  }

  private flush(): void {
    if (this.holds > 0 || !this.open) return;
    const queue = this.queue;
    this.queue = [];
    for (const data of queue) this.wire.send(data);
  }

  /** Server-side close. */
  private close(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.queue = [];
    this.session?.dispose();
    this.pacer.dispose();
    this.wire.close(code, reason);
    this.notify();
  }

  // ---- incoming ------------------------------------------------------------------------------------

  private onMessage(data: string | Uint8Array): void {
    if (!this.open) return;
    let value: unknown;
    let summary: ReceivedEvent;
    if (typeof data !== 'string') {
      value = data;
      summary = { type: '(binary)', bytes: data.byteLength };
    } else {
      const text = data;
      try {
        value = JSON.parse(text);
        summary =
          value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string'
            ? summarizeReceived(value as ReceivedEvent)
            : { type: '(invalid)', value };
      } catch {
        value = INVALID_JSON;
        summary = { type: '(invalid json)', text: text.slice(0, 200) };
      }
    }
    push(this.received, summary);
    const rules = this.fire('received', summary.type);
    let handle = true;
    for (const rule of rules.filter((r) => (r.when ?? 'before') === 'before')) handle = this.act(rule, true) && handle;
    if (handle && this.open) this.session?.handleFrame(value);
    for (const rule of rules.filter((r) => r.when === 'after')) this.act(rule, false);
    this.notify();
  }

  private onClose(code: number, reason: string): void {
    this.open = false;
    this.queue = [];
    this.session?.dispose();
    this.pacer.dispose();
    this.resolveClosed({ code, reason });
    this.notify();
  }
}
