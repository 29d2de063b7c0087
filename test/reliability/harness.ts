// Shared harness of the fault-matrix suite: the run's mock realtime server and its fault commands,
// a guard that fails a test when the page saw an uncaught exception or an unhandled rejection, and a
// recorder of the element's rv-state / rv-error events with event-based waits (never fixed sleeps).
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin (test/support/wtr-plugins.mjs)
import { MOCK_ORIGIN as ORIGIN, MOCK_TOKEN_URL as TOKEN_URL, MOCK_URL as WS_URL } from '/__mock-realtime__/config.js';
import '../../src/realtime-voice.js';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import type { RealtimeVoiceState, RvErrorDetail, RvStateDetail, RvWireDetail } from '../../src/events.js';

export const MOCK_URL: string = WS_URL;
export const MOCK_TOKEN_URL: string = TOKEN_URL;
export const MOCK_ORIGIN: string = ORIGIN;

/** Runs one `mock-realtime:<name>` command (see test/support/wtr-plugins.mjs). */
export const command = <T = unknown>(name: string, payload?: unknown) => executeServerCommand<T, unknown>(`mock-realtime:${name}`, payload);

export type WireEvent = { type: string; [key: string]: any };

/** The mock's fault injection, as the tests use it. */
export const mock = {
  reset: () => command('reset'),
  /** The next request to `path` (default /token) answers `status` with `body` (JSON), or `raw` text, after `delayMs`. */
  httpFault: (fault: { path?: string; status: number; body?: unknown; raw?: string; contentType?: string; delayMs?: number; times?: number }) =>
    command('http-fault', fault),
  /** A fresh `ek_` key, as the token endpoint would return it. */
  issueKey: async (ttlSeconds?: number) => (await command<{ value: string; expires_at: number }>('issue-key', { ttlSeconds }))!,
  /** Fault rules on the live (last) connection. */
  fault: (...rules: Record<string, unknown>[]) => command('fault', { rules }),
  /** Fault rules armed for the next connection. */
  nextFaults: (...rules: Record<string, unknown>[]) => command('faults', { rules }),
  drop: (code = 1006) => command('drop', { code }),
  sendRaw: (frame: { text?: string; base64?: string }) => command('send-raw', frame),
  sendEvent: (event: Record<string, unknown>) => command('send-event', { event }),
  error: (error: Record<string, unknown>) => command('error', { error }),
  duplicate: (type: string, times = 1) => command('duplicate', { type, times }),
  stall: () => command('stall', {}),
  resume: () => command('resume', {}),
  expire: () => command('expire', {}),
  configure: (settings: Record<string, unknown>) => command('configure', settings),
  received: async (connection?: number) => (await command<WireEvent[]>('received', { connection }))!,
  sent: async (connection?: number) => (await command<WireEvent[]>('sent', { connection }))!,
  waitForReceived: (type: string, count = 1) => command<WireEvent>('wait-for-received', { type, count }),
  waitForSent: (type: string, count = 1) => command<WireEvent>('wait-for-sent', { type, count }),
  connections: async () => (await command<{ index: number; open: boolean; received: number }[]>('connections'))!,
};

interface PageFault {
  kind: 'error' | 'unhandledrejection' | 'console.error';
  message: string;
}

let pageFaults: PageFault[] = [];
const onError = (e: ErrorEvent) => pageFaults.push({ kind: 'error', message: String(e.error?.stack ?? e.message) });
const onRejection = (e: PromiseRejectionEvent) =>
  pageFaults.push({ kind: 'unhandledrejection', message: String((e.reason as Error)?.stack ?? e.reason) });
const consoleError = console.error;

/** What the page has reported so far in this test (uncaught errors, unhandled rejections, internal errors logged). */
export function pageFaultsSoFar(): readonly PageFault[] {
  return pageFaults;
}

/**
 * Call once inside each `describe`. Before each test: a clean mock and listeners on `window` for
 * `error` and `unhandledrejection` (and the element's own `console.error` reports of a listener or
 * callback that threw). After each test: the elements are removed, the mock is reset, and the test
 * fails if any of those fired.
 */
export function useHarness(): void {
  beforeEach(async () => {
    pageFaults = [];
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    console.error = (...args: unknown[]) => {
      if (args.some((a) => String(a).includes('realtime-voice'))) pageFaults.push({ kind: 'console.error', message: args.map(String).join(' ') });
      consoleError.apply(console, args);
    };
    await mock.reset();
  });
  afterEach(async () => {
    fixtureCleanup();
    // Let the teardown's own tasks run (socket close events, context closes) before judging.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await mock.reset();
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    console.error = consoleError;
    const seen = pageFaults;
    pageFaults = [];
    expect(seen, 'uncaught exceptions, unhandled rejections or internal errors on the page').to.deep.equal([]);
  });
}

/** Mounts an element (removed after the test). */
export async function mount(attributes: Record<string, string> = {}, props: Partial<RealtimeVoice> = {}): Promise<RealtimeVoice> {
  const el = await fixture<RealtimeVoice>(html`<realtime-voice></realtime-voice>`);
  for (const [name, value] of Object.entries({ 'token-url': MOCK_TOKEN_URL, ...attributes })) el.setAttribute(name, value);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

type Waiter = { test: () => boolean; resolve: () => void };

/**
 * Records the element's rv-state and rv-error events (and the raw wire events) and waits on them.
 * Waits resolve on the event itself, with a timeout only as a failure bound.
 */
export class Watch {
  readonly states: RvStateDetail[] = [];
  readonly errors: RvErrorDetail[] = [];
  readonly sent: RvWireDetail[] = [];
  readonly received: RvWireDetail[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #off: (() => void)[] = [];

  constructor(readonly el: RealtimeVoice) {
    const on = <K extends 'rv-state' | 'rv-error' | 'rv-client-event' | 'rv-server-event' | 'rv-transcript'>(
      type: K,
      fn: (e: HTMLElementEventMap[K]) => void,
    ) => {
      const listener = (e: Event) => {
        fn(e as HTMLElementEventMap[K]);
        this.#check();
      };
      el.addEventListener(type, listener);
      this.#off.push(() => el.removeEventListener(type, listener));
    };
    on('rv-state', (e) => this.states.push(e.detail));
    on('rv-error', (e) => {
      // Every rv-error carries a stable code, a readable message and whether the session ended.
      expect(e.detail.code, 'rv-error code').to.be.a('string').and.match(/^[a-z0-9_]+$/);
      expect(e.detail.message, 'rv-error message').to.be.a('string').and.not.equal('');
      expect(e.detail.fatal, 'rv-error fatal').to.be.a('boolean');
      this.errors.push(e.detail);
    });
    on('rv-client-event', (e) => this.sent.push(e.detail));
    on('rv-server-event', (e) => this.received.push(e.detail));
    on('rv-transcript', () => undefined);
  }

  /** Resolves once `test` holds (checked now and after every recorded event). */
  until(test: () => boolean, what: string, timeout = 15000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeout} ms waiting for ${what}; states ${JSON.stringify(this.states.map((s) => `${s.state}:${s.reason}`))}, errors ${JSON.stringify(this.errors)}`));
      }, timeout);
      this.#waiters.add(waiter);
    });
  }

  /** Waits for a transition to `state` after the `from`th recorded state (default: any later one, or now). */
  state(state: RealtimeVoiceState, options: { reason?: string; from?: number; timeout?: number } = {}): Promise<void> {
    const from = options.from ?? -1;
    return this.until(
      () =>
        from < 0 && !options.reason
          ? this.el.state === state
          : this.states.slice(Math.max(0, from)).some((s) => s.state === state && (!options.reason || s.reason === options.reason)),
      `state ${state}${options.reason ? ` (${options.reason})` : ''}`,
      options.timeout,
    );
  }

  /** Waits for an rv-error with this code and returns it. */
  async error(code: string, timeout?: number): Promise<RvErrorDetail> {
    await this.until(() => this.errors.some((e) => e.code === code), `rv-error ${code}`, timeout);
    return this.errors.find((e) => e.code === code)!;
  }

  /** Waits for the element to have a final assistant line ending with `text` (or any, when omitted). */
  reply(text?: string, timeout = 20000): Promise<void> {
    return this.until(
      () => this.el.transcript.some((e) => e.role === 'assistant' && e.final && (text === undefined || e.text.endsWith(text))),
      `an assistant reply${text ? ` ending "${text}"` : ''}`,
      timeout,
    );
  }

  /** Waits until a server event of `type` was received (`count` of them). */
  serverEvent(type: string, count = 1, timeout?: number): Promise<void> {
    return this.until(() => this.received.filter((e) => e.type === type).length >= count, `${count} × ${type}`, timeout);
  }

  sentOf(type: string): RvWireDetail[] {
    return this.sent.filter((e) => e.type === type);
  }

  stop(): void {
    for (const off of this.#off.splice(0)) off();
    this.#waiters.clear();
  }

  #check(): void {
    for (const w of [...this.#waiters]) {
      if (w.test()) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }
}

/** The transcript as `role: text` lines (what a user reads). */
export const lines = (el: RealtimeVoice): string[] => el.transcript.map((e) => `${e.role}: ${e.text}`);

/** The rendered transcript text, line by line, as the shadow DOM shows it. */
export const renderedLines = (el: RealtimeVoice): string[] =>
  [...el.shadowRoot!.querySelectorAll('[part~="message"]')].map((p) => p.querySelector('[part~="text"]')!.textContent ?? '');

export const part = <T extends HTMLElement = HTMLElement>(el: RealtimeVoice, name: string): T | null =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);

/** Sends a typed message (connecting first when idle) and waits for the mock's answer to it and for listening. */
export async function textTurn(el: RealtimeVoice, watch: Watch, text: string): Promise<void> {
  await el.sendText(text);
  const reply = `You wrote: ${text}`;
  await watch.until(
    () => el.transcript.some((e) => e.role === 'assistant' && e.final && e.text === reply) && el.state === 'listening',
    `the reply to "${text}"`,
    20000,
  );
}

/** Microphone appends the live connection received: the socket worker sends them off the main thread, so no rv-client-event reports them. */
export const micAppends = async (): Promise<number> => (await mock.received()).filter((e) => e.type === 'input_audio_buffer.append').length;

/** Waits until the live connection has received `min` microphone appends. */
export const untilAppends = (min: number, what: string): Promise<void> =>
  waitUntil(async () => (await micAppends()) >= min, what, { timeout: 15000, interval: 100 });
