// A raw `ws` test client for the mock: reads server events in order, asserts exact sequences, and
// checks that every event it receives parses as a known GA event with the shared schemas.
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { WebSocket } from 'ws';
import { parseServerEvent, pcm16ToBase64 } from '../../src/protocol/index.js';
import { startMockRealtime, type MockRealtimeOptions, type MockRealtimeServer } from '../../src/mock/index.js';
import { chunks } from '../support/wav.js';

export type Ev = { type: string; event_id?: string; [key: string]: any };

export interface ConnectOptions {
  /** Key to authenticate with; default: a fresh key minted by the server. `null`: no key at all. */
  key?: string | null;
  /** Authenticate with `Authorization: Bearer` (Node style) instead of the subprotocol. */
  header?: boolean;
  query?: string;
  protocols?: string[];
  headers?: Record<string, string>;
  /** Keep frames that do not parse as known GA events (fault-injection tests). */
  allowUnparsed?: boolean;
}

const clients: TestClient[] = [];

export class TestClient {
  /** Every frame received, parsed (non-JSON frames as `{ type: '(raw)', data }`). */
  readonly events: Ev[] = [];
  /** Frames that did not parse as a known server event. */
  readonly unparsed: Array<{ frame: unknown; problem: string }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private cursor = 0;
  private wake: (() => void) | undefined;
  private isClosed = false;

  constructor(
    readonly ws: WebSocket,
    readonly allowUnparsed: boolean,
  ) {
    clients.push(this);
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.isClosed = true;
        this.wake?.();
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? undefined : data.toString();
      let event: Ev;
      try {
        event = text === undefined ? { type: '(binary)' } : JSON.parse(text);
      } catch {
        event = { type: '(raw)', data: text };
      }
      const parsed = parseServerEvent(text ?? new Uint8Array(data as Buffer));
      if (!parsed.ok) this.unparsed.push({ frame: event, problem: parsed.error.message });
      else if (!parsed.known) this.unparsed.push({ frame: event, problem: `unknown type ${parsed.event.type}` });
      this.events.push(event);
      this.wake?.();
    });
  }

  static async connect(server: MockRealtimeServer, options: ConnectOptions = {}): Promise<TestClient> {
    const key = options.key === undefined ? server.issueKey().value : options.key;
    const protocols = options.protocols ?? (options.header || key === null ? [] : ['realtime', `openai-insecure-api-key.${key}`]);
    const headers = { ...options.headers, ...(options.header && key ? { Authorization: `Bearer ${key}` } : {}) };
    const ws = new WebSocket(server.url + (options.query ? `?${options.query}` : ''), protocols, { headers });
    const client = new TestClient(ws, options.allowUnparsed ?? false);
    await client.opened;
    return client;
  }

  send(event: object): void {
    this.ws.send(JSON.stringify(event));
  }

  /** Streams PCM16 as input_audio_buffer.append events of `ms` each. */
  appendPcm(pcm: Int16Array, ms = 20): void {
    for (const chunk of chunks(pcm, ms)) this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(chunk) });
  }

  /** The next unread event (waits for it). */
  async next(): Promise<Ev> {
    while (this.cursor >= this.events.length) {
      if (this.isClosed) throw new Error(`socket closed; events so far: ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.events[this.cursor++]!;
  }

  /** Reads the next events and asserts their exact types, in order. */
  async expect(types: string[]): Promise<Ev[]> {
    const got: Ev[] = [];
    for (let i = 0; i < types.length; i++) {
      const ev = await this.next();
      got.push(ev);
      if (ev.type !== types[i]) {
        assert.deepEqual(got.map((e) => e.type), types.slice(0, i + 1), `event ${i}: ${JSON.stringify(ev).slice(0, 300)}`);
      }
    }
    return got;
  }

  /** Reads events until one of `type` (returning all read, the match last). */
  async until(type: string): Promise<Ev[]> {
    const got: Ev[] = [];
    for (;;) {
      const ev = await this.next();
      got.push(ev);
      if (ev.type === type) return got;
    }
  }

  /** Like until('response.done'), then also reads the rate_limits.updated that live sends right after it (not returned). */
  async untilResponseDone(): Promise<Ev[]> {
    const got = await this.until('response.done');
    await this.expect(['rate_limits.updated']);
    return got;
  }

  /**
   * Everything the server sends in answer to the events sent so far, up to a marker: the server
   * handles client events in order, so its error for an unknown item id comes after all of them.
   * Response streaming that is still running may continue after the marker.
   */
  async drain(): Promise<Ev[]> {
    const marker = `barrier_${Math.random().toString(36).slice(2)}`;
    this.send({ type: 'conversation.item.retrieve', item_id: marker, event_id: marker });
    const got: Ev[] = [];
    for (;;) {
      const ev = await this.next();
      if (ev.type === 'error' && ev.error?.event_id === marker) return got;
      got.push(ev);
    }
  }

  /** Types of events still unread. */
  pendingTypes(): string[] {
    return this.events.slice(this.cursor).map((e) => e.type);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}

/** Every frame received by every client of this process so far parsed as a known GA server event. */
export function assertEveryEventParsed(): void {
  const problems = clients.filter((c) => !c.allowUnparsed).flatMap((c) => c.unparsed);
  assert.deepEqual(problems, [], 'the mock sent events that the shared schemas do not accept');
}

/** Closes every client (after hooks). */
/** A user text message item (with the given id, if any). */
export const userText = (text: string, id?: string) => ({ type: 'message', role: 'user', ...(id ? { id } : {}), content: [{ type: 'input_text', text }] });

/** A realtime session without VAD, after the given update: a client that has seen session.updated. */
export async function openWithoutVad(server: MockRealtimeServer, session: Record<string, unknown> = {}): Promise<TestClient> {
  const client = await TestClient.connect(server);
  await client.expect(['session.created', 'conversation.created']);
  client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } }, ...session } });
  await client.expect(['session.updated']);
  return client;
}

export async function closeClients(): Promise<void> {
  const open = clients.filter((c) => c.ws.readyState === WebSocket.OPEN || c.ws.readyState === WebSocket.CONNECTING);
  for (const c of open) c.close();
  await Promise.all(open.map((c) => c.closed));
}

/**
 * Starts a mock for the enclosing describe, closes the clients after each test, and at the end
 * checks that every event the clients received parsed as a known GA server event.
 */
export function useMock(set: (server: MockRealtimeServer) => void, options: MockRealtimeOptions = {}): void {
  let server: MockRealtimeServer | undefined;
  before(async () => {
    server = await startMockRealtime(options);
    set(server);
  });
  afterEach(() => closeClients());
  after(async () => {
    assertEveryEventParsed();
    await server?.close();
  });
}

/** POST JSON to the mock. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Speech-like test audio: a 24 kHz tone of `ms` at `amplitude` (0..1 of full scale), or silence. */
export function tone(ms: number, amplitude = 0.3, rate = 24000): Int16Array {
  const out = new Int16Array(Math.round((rate * ms) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin((2 * Math.PI * 220 * i) / rate) * amplitude * 32767);
  return out;
}

export function silence(ms: number, rate = 24000): Int16Array {
  return new Int16Array(Math.round((rate * ms) / 1000));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
