// The mock GA realtime server: HTTP (client secrets, the widget's token endpoint, CORS) and the
// WebSocket endpoint, on one port of 127.0.0.1 by default.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseClientEvent } from '../protocol/index.js';
import { systemClock, type MockClock } from './clock.js';
import { MockConnection, webSocketWire, type FaultRule } from './connection.js';
import { gaError, issueError, type GaErrorDetail } from './errors.js';
import { KeyStore, redactKey } from './keys.js';
import { DEFAULT_PACING, type PacingOptions } from './pacing.js';
import type { SessionBehaviour } from './session.js';
import { applySession, defaultSession, DEFAULT_MODEL, REALTIME_MODELS, type EffectiveSession, type SessionKind } from './session-config.js';

/** Options of {@link startMockRealtime}. Every one has a default. */
export interface MockRealtimeOptions {
  /** Interface to listen on. Default "127.0.0.1". */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The standard key /v1/realtime/client_secrets (and the WebSocket) accept. Default: any "sk-..." key. */
  apiKey?: string;
  /** Lifetime of keys minted by POST /token, in seconds. Default 600 (GA's client-secret default). */
  tokenTtlSeconds?: number;
  /** Session time limit in ms. Default 60 minutes, as GA. */
  sessionLimitMs?: number;
  /** Access-Control-Allow-Origin of the HTTP endpoints. Default "*". */
  corsOrigin?: string;
  /** Model of sessions opened without `?model=` and without one bound to their key. Default "gpt-realtime". */
  model?: string;
  /**
   * A GA session config (validated like session.update, `type` included) applied to every new
   * session of that type before the key's own session: e.g. tools or instructions for the demo.
   */
  session?: Record<string, unknown>;
  /** Streaming pace of responses (see {@link PacingOptions}). */
  pacing?: Partial<PacingOptions>;
  /** Input transcription events before the response they trigger (default) or after its response.done. */
  inputTranscriptTiming?: SessionBehaviour['inputTranscriptTiming'];
  /** Clock for key expiry, the session limit, delays and paced ticks. Default: the system clock. */
  clock?: MockClock;
  /** Receives one line per connection and refusal (the CLI prints them). */
  log?: (line: string) => void;
}

/** Faults armed on the server, for the next connections or HTTP requests. */
export interface MockFaults {
  /** Arms rules on the next WebSocket connection (see {@link FaultRule}). */
  next(...rules: FaultRule[]): void;
  /** The next `times` (default 1) WebSocket upgrades are answered with this HTTP status instead (browsers see close 1006). */
  handshake(fault: { status: number; body?: string; times?: number }): void;
  /** The next `times` (default 1) requests to `path` (default "/token") get this answer instead (see {@link HttpFault}). */
  http(fault: HttpFault): void;
  /** Disarms everything not yet fired. */
  clear(): void;
}

/** An injected HTTP answer: a failure, or any body (a standard key, an expired token...) on any path. */
export interface HttpFault {
  /** Default "/token". Any path works, also one the mock does not serve. */
  path?: string;
  status: number;
  /** JSON body (default: an OpenAI-style error). */
  body?: unknown;
  /** A body sent as is instead of JSON (an HTML error page, truncated JSON...). */
  raw?: string;
  /** Content-Type of `raw` (default "text/html"). */
  contentType?: string;
  /** Answers after this many ms on the mock's clock (a slow or hanging backend); nothing is sent if the client gave up. */
  delayMs?: number;
  /** How many upcoming requests get it (default 1). */
  times?: number;
}

/** Settings that may change while the server runs; they apply to connections opened afterwards. */
export interface MockRuntimeSettings {
  sessionLimitMs?: number;
  pacing?: Partial<PacingOptions>;
  inputTranscriptTiming?: SessionBehaviour['inputTranscriptTiming'];
}

/** A running mock server. */
export interface MockRealtimeServer {
  /** WebSocket endpoint, e.g. "ws://127.0.0.1:PORT/v1/realtime". */
  url: string;
  /** The widget's token contract: POST {} -> { value, expires_at, url }. */
  tokenUrl: string;
  /** "http://127.0.0.1:PORT"; the GA endpoint is POST {origin}/v1/realtime/client_secrets. */
  origin: string;
  port: number;
  /** Fault injection for upcoming connections and requests; live ones are scripted through their {@link MockConnection}. */
  faults: MockFaults;
  /** Connections since start (or the last reset), in order: all open ones and the last 50 closed ones. */
  readonly connections: readonly MockConnection[];
  /** The most recent connection. */
  readonly lastConnection: MockConnection | undefined;
  /** Resolves with the next connection to open after this call. */
  nextConnection(): Promise<MockConnection>;
  /** Changes runtime settings for connections opened from now on. */
  configure(settings: MockRuntimeSettings): void;
  /** Mints an `ek_` key directly (what client_secrets does), optionally bound to a validated GA session. */
  issueKey(options?: { ttlSeconds?: number; session?: Record<string, unknown> }): { value: string; expires_at: number };
  /** Closes every live connection (1001), disarms faults, forgets past connections and restores the start settings. */
  reset(): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

const API_KEYS_HINT = 'You can find your API key at https://platform.openai.com/account/api-keys.';
const MAX_BODY = 1024 * 1024;
const KEPT_CLOSED_CONNECTIONS = 50;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: Omit<GaErrorDetail, 'event_id'>,
  ) {
    super(detail.message);
  }
}

function httpError(status: number, code: string | null, message: string, param: string | null = null): HttpError {
  return new HttpError(status, { type: 'invalid_request_error', code, message, param });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(httpError(413, null, 'Request body too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw httpError(400, null, 'We could not parse the JSON body of your request. The API expects a JSON payload.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw httpError(400, 'invalid_type', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Validates a GA session config with the shared schemas; throws the GA error of its first issue. */
function validateSession(session: unknown, prefix: string, status = 400): Record<string, unknown> {
  const result = parseClientEvent({ type: 'session.update', session });
  if (result.ok && result.known && result.event.type === 'session.update') return result.event.session as Record<string, unknown>;
  const issue = !result.ok ? result.error.issues?.[0] : undefined;
  if (!issue) throw httpError(status, 'invalid_value', `Invalid '${prefix}'.`, prefix);
  const detail = issueError({ ...issue, path: issue.path.replace(/^session/, prefix) }, null);
  throw new HttpError(status, detail);
}

/** The `expires_after` of client_secrets: anchor "created_at", seconds 10..7200 (default 600). */
function ttlFrom(body: Record<string, unknown>): number {
  const expires = body.expires_after;
  if (expires === undefined) return 600;
  if (expires === null || typeof expires !== 'object' || Array.isArray(expires)) {
    throw httpError(400, 'invalid_type', "Invalid type for 'expires_after': expected an object.", 'expires_after');
  }
  for (const key of Object.keys(expires)) {
    if (key !== 'anchor' && key !== 'seconds') throw httpError(400, 'unknown_parameter', `Unknown parameter: 'expires_after.${key}'.`, `expires_after.${key}`);
  }
  const { anchor, seconds } = expires as { anchor?: unknown; seconds?: unknown };
  if (anchor !== undefined && anchor !== 'created_at') {
    throw httpError(400, 'invalid_value', `Invalid value: '${String(anchor)}'. Supported values are: 'created_at'.`, 'expires_after.anchor');
  }
  if (seconds === undefined) return 600;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
    throw httpError(400, 'invalid_type', "Invalid type for 'expires_after.seconds': expected an integer.", 'expires_after.seconds');
  }
  if (seconds < 10) {
    throw httpError(400, 'integer_below_min_value', `Invalid 'expires_after.seconds': integer below minimum value. Expected a value >= 10, but got ${seconds} instead.`, 'expires_after.seconds');
  }
  if (seconds > 7200) {
    throw httpError(400, 'integer_above_max_value', `Invalid 'expires_after.seconds': integer above maximum value. Expected a value <= 7200, but got ${seconds} instead.`, 'expires_after.seconds');
  }
  return seconds;
}

/**
 * Starts the mock GA realtime server. Resolves once it listens.
 *
 * @example
 * const mock = await startMockRealtime();
 * const { value } = await (await fetch(mock.tokenUrl, { method: 'POST', body: '{}' })).json();
 * const ws = new WebSocket(mock.url, ['realtime', `openai-insecure-api-key.${value}`]);
 */
export async function startMockRealtime(options: MockRealtimeOptions = {}): Promise<MockRealtimeServer> {
  const clock = options.clock ?? systemClock;
  const keys = new KeyStore(clock, options.apiKey);
  const cors = options.corsOrigin ?? '*';
  const baseModel = options.model ?? DEFAULT_MODEL;
  const log = options.log ?? (() => {});
  const startSettings = {
    sessionLimitMs: options.sessionLimitMs ?? 60 * 60 * 1000,
    pacing: { ...DEFAULT_PACING, ...options.pacing },
    inputTranscriptTiming: options.inputTranscriptTiming ?? ('before_response' as const),
  };
  let settings = structuredClone(startSettings);
  const defaults = options.session === undefined ? undefined : validateSession(options.session, 'session');

  let connections: MockConnection[] = [];
  let connectionCount = 0;
  let nextRules: FaultRule[] = [];
  let handshakeFaults: Array<{ status: number; body?: string }> = [];
  let httpFaults: Array<Omit<HttpFault, 'times'> & { path: string }> = [];
  let waiting: Array<(c: MockConnection) => void> = [];
  const sockets = new Set<WebSocket>();
  const calls = new Set<{ close(): void }>();

  /** The effective session a new connection or a client secret starts with. */
  function baseSession(kind: SessionKind, model: string, bound?: Record<string, unknown>): EffectiveSession {
    const expiresAt = Math.floor((clock.now() + settings.sessionLimitMs) / 1000);
    let config = defaultSession(kind, `sess_${Math.random().toString(36).slice(2, 14)}`, expiresAt, model);
    if (defaults && defaults.type === kind) config = applySession(config, defaults);
    if (bound && bound.type === kind) config = applySession(config, bound);
    return config;
  }

  function mint(ttlSeconds: number, session?: Record<string, unknown>) {
    return keys.issue(ttlSeconds, session);
  }

  function setCors(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Access-Control-Allow-Origin', cors);
    if (cors !== '*') res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'authorization, content-type');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function takeHttpFault(path: string) {
    const index = httpFaults.findIndex((f) => f.path === path);
    return index < 0 ? undefined : httpFaults.splice(index, 1)[0];
  }

  async function clientSecrets(req: IncomingMessage): Promise<unknown> {
    const key = bearer(req);
    if (!key) {
      throw httpError(401, null, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    if (!keys.isStandardKey(key)) throw httpError(401, 'invalid_api_key', `Incorrect API key provided: ${redactKey(key)}. ${API_KEYS_HINT}`);
    const body = await readJson(req);
    for (const name of Object.keys(body)) {
      if (name !== 'expires_after' && name !== 'session') throw httpError(400, 'unknown_parameter', `Unknown parameter: '${name}'.`, name);
    }
    const ttl = ttlFrom(body);
    const session = body.session === undefined ? undefined : validateSession(body.session, 'session');
    const kind: SessionKind = session?.type === 'transcription' ? 'transcription' : 'realtime';
    const issued = mint(ttl, session);
    const effective = baseSession(kind, typeof session?.model === 'string' ? session.model : baseModel, session);
    return { value: issued.value, expires_at: issued.expiresAt, session: effective };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    setCors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const fault = req.method === 'POST' ? takeHttpFault(url.pathname) : undefined;
    if (fault) {
      if (fault.delayMs) {
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(resolve, fault.delayMs!);
          // A client that gave up (timeout, navigation) closes the request: stop waiting for nothing.
          res.once('close', () => {
            clock.clearTimeout(timer);
            resolve();
          });
        });
        if (res.destroyed || res.writableEnded) return;
      }
      if (fault.raw !== undefined) {
        res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'text/html' });
        res.end(fault.raw);
      } else {
        sendJson(res, fault.status, fault.body ?? { error: { message: `Injected failure (${fault.status}).`, type: 'server_error', param: null, code: null } });
      }
      return;
    }
    try {
      if (req.method === 'POST' && url.pathname === '/v1/realtime/client_secrets') {
        sendJson(res, 200, await clientSecrets(req));
      } else if (req.method === 'POST' && url.pathname === '/v1/realtime/calls') {
        await call(req, res, url);
      } else if (req.method === 'POST' && url.pathname === '/token') {
        await readJson(req);
        const issued = mint(options.tokenTtlSeconds ?? 600);
        // Point back at the host the caller used (localhost, a LAN address when bound to 0.0.0.0...).
        const host = req.headers.host;
        const url = host && /^[\w.:[\]-]+$/.test(host) ? `ws://${host}/v1/realtime` : server.url;
        sendJson(res, 200, { value: issued.value, expires_at: issued.expiresAt, url });
      } else if (req.method === 'GET' && url.pathname === '/') {
        sendJson(res, 200, { name: 'realtime-voice mock realtime server', url: server.url, tokenUrl: server.tokenUrl, clientSecretsUrl: `${server.origin}/v1/realtime/client_secrets` });
      } else {
        throw httpError(404, null, `Invalid URL (${req.method} ${url.pathname})`);
      }
    } catch (err) {
      if (err instanceof HttpError) sendJson(res, err.status, { error: { ...err.detail } });
      else sendJson(res, 500, { error: { message: 'The mock server failed.', type: 'server_error', param: null, code: null } });
    }
  }

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // GA accepts appends up to 15 MiB of base64.
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });

  function refuseUpgrade(socket: Duplex, status: number, body: string): void {
    const reason = status === 404 ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Error';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://mock');
    if (url.pathname !== '/v1/realtime') {
      refuseUpgrade(socket, 404, JSON.stringify({ error: { message: `Invalid URL (GET ${url.pathname})`, type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    const fault = handshakeFaults.shift();
    if (fault) {
      refuseUpgrade(socket, fault.status, fault.body ?? JSON.stringify({ error: { message: `Injected handshake failure (${fault.status}).`, type: 'server_error', param: null, code: null } }));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, url));
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, url: URL): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const keyProtocol = offered.find((p) => p.startsWith('openai-insecure-api-key.'));
    const header = bearer(req);
    const key = keyProtocol?.slice('openai-insecure-api-key.'.length) ?? header;
    const beta = offered.includes('openai-beta.realtime-v1') || /realtime=v1/.test(String(req.headers['openai-beta'] ?? ''));
    const index = ++connectionCount;
    const info = {
      index,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      protocols: offered.map((p) => (p.startsWith('openai-insecure-api-key.') ? `openai-insecure-api-key.${redactKey(p.slice(24))}` : p)),
      auth: keyProtocol ? ('subprotocol' as const) : header ? ('header' as const) : ('none' as const),
    };
    const check = keys.check(key);
    let setup: ConstructorParameters<typeof MockConnection>[4];
    if (!check.ok) {
      setup = { refuse: gaError('invalid_api_key', refusal(check.reason, key)), code: 3000, reason: 'invalid_request_error.invalid_api_key' };
      log(`connection ${index} refused: ${check.reason} key`);
    } else if (beta) {
      setup = {
        refuse: gaError('beta_api_shape_disabled', 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.'),
        code: 4000,
        reason: 'invalid_request_error.beta_api_shape_disabled',
      };
      log(`connection ${index} refused: beta shape`);
    } else {
      setup = sessionSetup(check, url, index);
    }
    register(new MockConnection(webSocketWire(ws), info, clock, { ...settings.pacing }, setup, takeRules()));
  }

  function refusal(reason: string, key: string | undefined): string {
    return reason === 'missing'
      ? "Missing API key: authenticate with the 'openai-insecure-api-key.<key>' subprotocol or an 'Authorization: Bearer <key>' header."
      : reason === 'expired'
        ? `The client secret ${redactKey(key!)} has expired. Mint a new one from /v1/realtime/client_secrets.`
        : `Incorrect API key provided: ${redactKey(key!)}. ${API_KEYS_HINT}`;
  }

  /** POST /v1/realtime/calls: a WebRTC call. The body is the SDP offer; the answer comes back as application/sdp. */
  async function call(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const key = bearer(req);
    const check = keys.check(key);
    if (!check.ok) throw httpError(401, 'invalid_api_key', refusal(check.reason, key));
    if (!/^application\/sdp\b/i.test(req.headers['content-type'] ?? '')) {
      throw httpError(400, 'invalid_value', "Invalid 'Content-Type': send the SDP offer as application/sdp (the mock does not simulate the multipart form).");
    }
    const offer = await readBody(req);
    let webrtc: typeof import('./webrtc.js');
    try {
      webrtc = await import('./webrtc.js');
    } catch (error) {
      throw new HttpError(501, { type: 'server_error', code: null, param: null, message: `The mock's WebRTC endpoint needs the packages werift and opusscript: ${(error as Error).message}` });
    }
    const index = ++connectionCount;
    const info = { index, path: url.pathname, query: Object.fromEntries(url.searchParams), protocols: [], auth: 'header' as const, transport: 'webrtc' as const };
    const setup = sessionSetup(check, url, index);
    if (setup.refuse) throw httpError(400, setup.refuse.code, setup.refuse.message, setup.refuse.param);
    const rules = takeRules();
    const entry = { close: () => {} };
    let answered: Awaited<ReturnType<typeof webrtc.answerCall>>;
    try {
      answered = await webrtc.answerCall(offer, {
        host: address.address,
        ended: () => calls.delete(entry),
        open: (wire, media) => {
          const conn = new MockConnection(wire, info, clock, { ...settings.pacing }, { ...setup, media }, rules);
          register(conn);
          return { input: (pcm) => conn.session?.appendMedia(pcm) };
        },
      });
    } catch (error) {
      throw httpError(400, 'invalid_offer', `Invalid SDP offer: ${(error as Error).message}`);
    }
    entry.close = answered.close;
    calls.add(entry);
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: `/v1/realtime/calls/rtc_mock${index}` });
    res.end(answered.answer);
  }

  function takeRules(): FaultRule[] {
    const rules = nextRules;
    nextRules = [];
    return rules;
  }

  /**
   * The session a valid key opens: bound config, `?model=`, `?intent=transcription`. A realtime session
   * needs a model it knows (from `?model=`, or bound to an `ek_` key, whose default is the mock's model):
   * otherwise live's `invalid_model` / `missing_model`, then close 4000.
   */
  function sessionSetup(check: Extract<ReturnType<KeyStore['check']>, { ok: true }>, url: URL, index: number) {
    const bound = check.kind === 'ephemeral' ? check.key.session : undefined;
    const kind: SessionKind = url.searchParams.get('intent') === 'transcription' || bound?.type === 'transcription' ? 'transcription' : 'realtime';
    const model = url.searchParams.get('model') ?? (typeof bound?.model === 'string' ? bound.model : check.kind === 'ephemeral' ? baseModel : undefined);
    if (kind === 'realtime' && (model === undefined || (!REALTIME_MODELS.has(model) && model !== baseModel))) {
      const code = model === undefined ? 'missing_model' : 'invalid_model';
      const message = model === undefined
        ? "Missing required parameter: 'model'. Pass ?model= in the URL, or mint a client secret whose session binds one."
        : `Invalid model: '${model}'. The model does not exist or does not support realtime.`;
      log(`connection ${index} refused: ${code}`);
      return { refuse: gaError(code, message, 'model'), code: 4000, reason: `invalid_request_error.${code}` } as const;
    }
    const config = baseSession(kind, model ?? baseModel, bound);
    if (config.type === 'realtime') config.model = model!;
    log(`connection ${index}: ${kind} session ${config.id}${kind === 'realtime' ? ` (${model})` : ''}`);
    return { config, behaviour: { sessionLimitMs: settings.sessionLimitMs, inputTranscriptTiming: settings.inputTranscriptTiming } };
  }

  function register(conn: MockConnection): void {
    connections.push(conn);
    // A long-running mock (the CLI, a demo) must not grow without bound: forget the oldest closed ones.
    const closed = connections.filter((c) => !c.isOpen);
    if (closed.length > KEPT_CLOSED_CONNECTIONS) {
      const forget = new Set(closed.slice(0, closed.length - KEPT_CLOSED_CONNECTIONS));
      connections = connections.filter((c) => !forget.has(c));
    }
    const resolvers = waiting;
    waiting = [];
    for (const resolve of resolvers) resolve(conn);
  }

  const http = createServer((req, res) => void route(req, res));
  http.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = http.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${hostForUrl}:${address.port}`;

  const faults: MockFaults = {
    next: (...rules) => void nextRules.push(...rules),
    handshake: ({ status, body, times = 1 }) => {
      for (let i = 0; i < times; i++) handshakeFaults.push({ status, body });
    },
    http: ({ path = '/token', times = 1, ...fault }) => {
      for (let i = 0; i < times; i++) httpFaults.push({ ...fault, path });
    },
    clear: () => {
      nextRules = [];
      handshakeFaults = [];
      httpFaults = [];
    },
  };

  const server: MockRealtimeServer = {
    url: `ws://${hostForUrl}:${address.port}/v1/realtime`,
    tokenUrl: `${origin}/token`,
    origin,
    port: address.port,
    faults,
    get connections() {
      return connections;
    },
    get lastConnection() {
      return connections.at(-1);
    },
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    configure(update) {
      if (update.sessionLimitMs !== undefined) settings.sessionLimitMs = update.sessionLimitMs;
      if (update.pacing) settings.pacing = { ...settings.pacing, ...update.pacing };
      if (update.inputTranscriptTiming) settings.inputTranscriptTiming = update.inputTranscriptTiming;
    },
    issueKey(opts = {}) {
      const session = opts.session === undefined ? undefined : validateSession(opts.session, 'session');
      const issued = mint(opts.ttlSeconds ?? options.tokenTtlSeconds ?? 600, session);
      return { value: issued.value, expires_at: issued.expiresAt };
    },
    reset() {
      faults.clear();
      for (const c of connections) if (c.isOpen) c.drop(1001, 'mock reset');
      connections = [];
      settings = structuredClone(startSettings);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      for (const c of calls) c.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
  return server;
}
