// Dev-server plugins for the browser tests. web-test-runner.config.mjs loads this file under tsx,
// so it can start the mock realtime server from its TypeScript source.
import { startMockRealtime } from '../../src/mock/index.ts';

const CONFIG_PATH = '/__mock-realtime__/config.js';
const PREFIX = 'mock-realtime:';

/**
 * One mock realtime server per test run, on a random 127.0.0.1 port.
 *
 * Pages import `MOCK_URL`, `MOCK_TOKEN_URL` and `MOCK_ORIGIN` from `/__mock-realtime__/config.js`,
 * and drive the server with `executeServerCommand('mock-realtime:<name>', payload)`:
 * - `reset`: close live connections, disarm faults, forget connections, restore settings;
 * - `connections`: `[{ index, open, info, received, sent }]` (counts of events);
 * - `received` / `sent` `{ connection? }`: the events of one connection (default: the last);
 * - `wait-for-received` / `wait-for-sent` `{ type, count?, connection? }`: resolve once it happened;
 * - `wait-for-connection`: the next connection's `{ index, info }` (start waiting before opening it);
 * - `wait-for-close` `{ connection? }`: `{ code, reason }` once that socket has closed;
 * - `faults` `{ rules }`: arm fault rules on the next connection; `fault` `{ rules, connection? }`: on a live one;
 * - `drop` `{ code?, reason?, connection? }`, `send-raw` `{ text | base64, connection? }`,
 *   `send-event` `{ event | events, connection? }`, `error` `{ error, connection? }`, `duplicate` `{ type, times? }`,
 *   `delay` `{ ms }`, `stall`, `resume`, `expire`, `pause-reading` `{ paused? }`: act on a live connection now;
 * - `handshake` `{ status, body?, times? }`, `http-fault` `{ path?, status, body?, raw?, contentType?, delayMs?, times? }`: fail (or slow) upcoming requests;
 * - `configure` `{ sessionLimitMs?, pacing?, inputTranscriptTiming? }`: settings for new connections;
 * - `issue-key` `{ ttlSeconds?, session? }`: mint an `ek_` key directly.
 */
export function mockRealtimePlugin(options = {}) {
  /** @type {import('../../src/mock/index.ts').MockRealtimeServer | undefined} */
  let server;

  const connection = (which) => {
    const list = server.connections;
    const conn = which === undefined || which === 'last' ? list.at(-1) : list.find((c) => c.info.index === which);
    if (!conn) throw new Error(`mock-realtime: no connection ${which ?? '(none yet)'}`);
    return conn;
  };

  const commands = {
    reset: () => {
      server.reset();
      return true;
    },
    connections: () =>
      server.connections.map((c) => ({ index: c.info.index, open: c.isOpen, info: c.info, received: c.received.length, sent: c.sent.length })),
    received: (p) => connection(p.connection).received,
    sent: (p) => connection(p.connection).sent,
    'wait-for-received': async (p) => connection(p.connection).waitForReceived(p.type, p.count),
    'wait-for-sent': async (p) => connection(p.connection).waitForSent(p.type, p.count),
    'wait-for-connection': async () => {
      const c = await server.nextConnection();
      return { index: c.info.index, info: c.info };
    },
    'wait-for-close': async (p) => connection(p.connection).closed,
    faults: (p) => {
      server.faults.next(...(p.rules ?? []));
      return true;
    },
    fault: (p) => {
      connection(p.connection).addFaults(...(p.rules ?? []));
      return true;
    },
    drop: (p) => {
      connection(p.connection).drop(p.code, p.reason);
      return true;
    },
    'send-raw': (p) => {
      connection(p.connection).sendRaw(p.base64 !== undefined ? new Uint8Array(Buffer.from(p.base64, 'base64')) : p.text);
      return true;
    },
    'send-event': (p) => {
      // `events`: several at once, back to back on the wire, as a server sends a burst.
      for (const event of p.events ?? [p.event]) connection(p.connection).sendEvent(event);
      return true;
    },
    error: (p) => {
      connection(p.connection).error(p.error);
      return true;
    },
    duplicate: (p) => {
      connection(p.connection).duplicate(p.type, p.times);
      return true;
    },
    delay: (p) => {
      connection(p.connection).delay(p.ms);
      return true;
    },
    stall: (p) => {
      connection(p.connection).stall();
      return true;
    },
    resume: (p) => {
      connection(p.connection).resume();
      return true;
    },
    'pause-reading': (p) => {
      connection(p.connection).pauseReading(p.paused ?? true);
      return true;
    },
    expire: (p) => {
      connection(p.connection).expire();
      return true;
    },
    handshake: (p) => {
      server.faults.handshake(p);
      return true;
    },
    'http-fault': (p) => {
      server.faults.http(p);
      return true;
    },
    configure: (p) => {
      server.configure(p);
      return true;
    },
    'issue-key': (p) => server.issueKey(p),
  };

  return {
    name: 'mock-realtime',
    async serverStart() {
      server = await startMockRealtime({ host: '127.0.0.1', port: 0, ...options });
    },
    async serverStop() {
      await server?.close();
      server = undefined;
    },
    serve(context) {
      if (context.path !== CONFIG_PATH || !server) return undefined;
      const body = [
        `export const MOCK_URL = ${JSON.stringify(server.url)};`,
        `export const MOCK_TOKEN_URL = ${JSON.stringify(server.tokenUrl)};`,
        `export const MOCK_ORIGIN = ${JSON.stringify(server.origin)};`,
      ].join('\n');
      return { body, type: 'js' };
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith(PREFIX)) return undefined;
      const run = commands[command.slice(PREFIX.length)];
      if (!run) throw new Error(`unknown command ${command}; known: ${Object.keys(commands).map((c) => PREFIX + c).join(', ')}`);
      return run(payload ?? {});
    },
  };
}

/** The plugin list web-test-runner.config.mjs spreads into `plugins`. */
export function wtrPlugins() {
  return [mockRealtimePlugin()];
}
