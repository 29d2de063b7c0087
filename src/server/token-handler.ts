/**
 * The site backend's token endpoint: mints a short-lived OpenAI Realtime client secret (`ek_...`) for the
 * browser. Pure Fetch API (Request, Response, fetch), so the same handler runs on Node 20, Express,
 * Next.js route handlers, Hono, Cloudflare Workers, Deno and Bun. No Node imports in this file.
 */
import { FixedWindowRateLimiter } from './rate-limit.js';

/** A GA session bound to the client secret (protocol.md §3.1). `type` defaults to `'realtime'`. */
export interface TokenSessionConfig {
  type?: 'realtime' | 'transcription';
  model?: string;
  instructions?: string;
  [field: string]: unknown;
}

/** Per-client rate limit of token requests (a fixed window per client key). */
export interface TokenRateLimitOptions {
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
  /** Token requests allowed per client in one window. Default 10. */
  max?: number;
  /**
   * Derives the client key from the request (for example a user id from your session cookie).
   * Default: the proxy header chosen by `trustProxy`, else the address the runtime or adapter reports.
   */
  key?: (request: Request) => string | undefined;
  /** Most clients remembered at once; the oldest are forgotten first. Default 10 000. */
  maxClients?: number;
}

/** Receives redacted log lines: the API key never reaches it. `console` fits. */
export interface TokenHandlerLogger {
  warn(line: string): void;
  error(line: string): void;
}

export interface TokenHandlerOptions {
  /** Your standard OpenAI API key (`process.env.OPENAI_API_KEY`). Never sent to the browser. */
  apiKey: string;
  /**
   * The session bound to every token, decided by the server and never by the browser: model, instructions,
   * voice (`audio.output.voice`), tools... A function can pick it per request (e.g. per page or per user);
   * it must not copy fields from the request body. Default `{ type: 'realtime', model: 'gpt-realtime' }`.
   */
  session?: TokenSessionConfig | ((request: Request) => TokenSessionConfig | Promise<TokenSessionConfig>);
  /** Lifetime of the token for starting sessions, 10..7200 s. Default 600. A started session outlives it. */
  expiresAfterSeconds?: number;
  /**
   * Cross-origin pages that may request tokens: exact origins (`'https://shop.example'`), `'*'` for any,
   * or a predicate. Same-origin requests are always allowed. Default: same-origin only.
   */
  allowedOrigins?: readonly string[] | '*' | ((origin: string) => boolean);
  /**
   * Accept requests without an `Origin` header. Browsers send one on every POST, so only non-browser
   * clients (curl, server jobs) lack it; they can forge any header, so this is hygiene, not a defence.
   * Default false.
   */
  allowMissingOrigin?: boolean;
  /** Per-client rate limit; `false` turns it off. Default 10 requests per minute per client. */
  rateLimit?: TokenRateLimitOptions | false;
  /**
   * Which proxy header names the client for rate limiting. Only set it when a proxy you control sets
   * that header, since clients can send it too: `'cloudflare'` reads `CF-Connecting-IP`; `true` (one proxy)
   * or a hop count reads `X-Forwarded-For` from the right. Default: no header is trusted.
   */
  trustProxy?: boolean | number | 'cloudflare';
  /** The client_secrets endpoint. Default `https://api.openai.com/v1/realtime/client_secrets`. */
  upstreamUrl?: string;
  /** A WebSocket URL returned to the browser as `url` (mock server, proxy, Azure). Omitted unless set. */
  realtimeUrl?: string;
  /** How long to wait for OpenAI, in milliseconds. Default 10 000; then 504. */
  timeoutMs?: number;
  /** Fetch implementation. Default the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Where redacted diagnostics go (upstream errors, misconfiguration). Default `console`; `false` for none. */
  logger?: TokenHandlerLogger | false;
  /** Clock in milliseconds, for the rate limiter. Default `Date.now`. */
  now?: () => number;
}

/** Platform extras a runtime passes as the handler's second argument; only the client address is used. */
export interface TokenHandlerContext {
  /** The client key supplied by an adapter (`toNodeListener`) or by your own glue (e.g. Hono's `getConnInfo`). */
  clientKey?: string;
}

/**
 * A Fetch-API request handler. The second argument is optional: a `{ clientKey }` from an adapter,
 * Deno's `ServeHandlerInfo` or Bun's `Server` (both name the client address); anything else is ignored.
 */
export type TokenHandler = (request: Request, context?: unknown) => Promise<Response>;

/** The `code` of every error body `{ error: { code, message } }` the handler answers with. */
export type TokenErrorCode =
  | 'method_not_allowed'
  | 'origin_not_allowed'
  | 'origin_missing'
  | 'rate_limited'
  | 'session_config_error'
  | 'upstream_auth'
  | 'upstream_rate_limited'
  | 'upstream_rejected'
  | 'upstream_error'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_invalid_response'
  | 'internal_error';

/** The success body: the widget's token contract. `url` is present only when `realtimeUrl` is configured. */
export interface TokenResponseBody {
  value: string;
  expires_at: number;
  url?: string;
}

const DEFAULT_UPSTREAM_URL = 'https://api.openai.com/v1/realtime/client_secrets';
const DEFAULT_SESSION: TokenSessionConfig = { type: 'realtime', model: 'gpt-realtime' };
const LOG_PREFIX = '[realtime-voice/server]';
const ALLOW = 'POST, OPTIONS';

/**
 * Creates the token endpoint handler. It answers POST with `{ value, expires_at }` (plus `url` when
 * `realtimeUrl` is set), and every failure with a JSON `{ error: { code, message } }` and a fitting status.
 * Throws at once on a missing or malformed option; the error never repeats the API key.
 *
 * @example
 * ```ts
 * export const POST = createTokenHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   session: { model: 'gpt-realtime', instructions: 'Be brief.', audio: { output: { voice: 'marin' } } },
 * });
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  const config = resolveOptions(options);
  const { log } = config;
  const limiter = config.rateLimit
    ? new FixedWindowRateLimiter({ ...config.rateLimit, now: config.now })
    : undefined;
  let warnedNoClientKey = false;

  async function handle(request: Request, context: unknown): Promise<Response> {
    const method = request.method.toUpperCase();
    const access = checkOrigin(request, config);
    if (method !== 'POST' && method !== 'OPTIONS') {
      return errorResponse(405, 'method_not_allowed', 'Use POST to request a realtime token.', {
        ...corsHeaders(access),
        Allow: ALLOW,
      });
    }
    if (access.kind === 'refused') {
      return errorResponse(403, 'origin_not_allowed',
        `Origin ${access.origin} may not request realtime tokens here (the server's allowedOrigins decides).`);
    }
    if (access.kind === 'missing' && !config.allowMissingOrigin) {
      return errorResponse(403, 'origin_missing',
        'Requests without an Origin header are refused; browsers always send one (server-side callers: set allowMissingOrigin).');
    }
    if (method === 'OPTIONS') return preflightResponse(access);

    const cors = corsHeaders(access);
    if (limiter) {
      let key = clientKeyOf(request, context, config);
      if (key === undefined) {
        key = 'unknown-client';
        if (!warnedNoClientKey) {
          warnedNoClientKey = true;
          log.warn(`${LOG_PREFIX} rate limit: this request names no client, so all such requests share one budget. `
            + "Set trustProxy ('cloudflare' on Workers, true behind one proxy), rateLimit.key, or use toNodeListener.");
        }
      }
      const decision = limiter.hit(key);
      if (!decision.allowed) {
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        return errorResponse(429, 'rate_limited', `Too many token requests from this client; retry in ${seconds} s.`, {
          ...cors,
          'Retry-After': String(seconds),
        });
      }
    }

    let session: TokenSessionConfig;
    try {
      session = normalizeSession(typeof config.session === 'function' ? await config.session(request) : config.session);
    } catch (error) {
      log.error(`${LOG_PREFIX} the session option failed: ${describe(error)}`);
      return errorResponse(500, 'session_config_error', "The server's session configuration failed; see the server log.", cors);
    }
    return mintToken(session, config, cors);
  }

  return async function handleTokenRequest(request: Request, context?: unknown): Promise<Response> {
    try {
      return await handle(request, context);
    } catch (error) {
      log.error(`${LOG_PREFIX} unexpected failure: ${describe(error)}`);
      return errorResponse(500, 'internal_error', 'The token endpoint failed unexpectedly; see the server log.');
    }
  };
}

interface ResolvedConfig {
  apiKey: string;
  session: TokenSessionConfig | ((request: Request) => TokenSessionConfig | Promise<TokenSessionConfig>);
  expiresAfterSeconds: number;
  isAllowedOrigin: (origin: string) => boolean;
  allowMissingOrigin: boolean;
  rateLimit: { windowMs: number; max: number; maxClients: number; key?: (request: Request) => string | undefined } | undefined;
  trustProxy: number | 'cloudflare' | undefined;
  upstreamUrl: string;
  realtimeUrl: string | undefined;
  timeoutMs: number;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  log: TokenHandlerLogger;
  now: () => number;
}

function resolveOptions(options: TokenHandlerOptions): ResolvedConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('createTokenHandler: pass an options object.');
  const apiKey = typeof options.apiKey === 'string' ? options.apiKey.trim() : '';
  if (!apiKey) {
    throw new TypeError('createTokenHandler: apiKey is required (your standard OpenAI key, e.g. process.env.OPENAI_API_KEY).');
  }
  // fetch would reject such a header with a message that quotes it, key included.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError('createTokenHandler: apiKey contains spaces or characters a header cannot carry; check how it is loaded.');
  }
  const baseLogger = options.logger === false ? undefined : options.logger ?? console;
  const redact = redactor(apiKey);
  const log: TokenHandlerLogger = {
    warn: (line) => baseLogger?.warn(redact(line)),
    error: (line) => baseLogger?.error(redact(line)),
  };

  const expiresAfterSeconds = options.expiresAfterSeconds ?? 600;
  if (!Number.isInteger(expiresAfterSeconds) || expiresAfterSeconds < 10 || expiresAfterSeconds > 7200) {
    throw new RangeError(`createTokenHandler: expiresAfterSeconds must be a whole number from 10 to 7200 (got ${String(expiresAfterSeconds)}).`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError('createTokenHandler: timeoutMs must be a positive number of milliseconds.');
  }

  const upstreamUrl = parseUrl(options.upstreamUrl ?? DEFAULT_UPSTREAM_URL, 'upstreamUrl');
  if (upstreamUrl.protocol !== 'https:' && !(upstreamUrl.protocol === 'http:' && isLoopback(upstreamUrl.hostname))) {
    throw new TypeError('createTokenHandler: upstreamUrl must use https (plain http only to localhost), since it carries the API key.');
  }
  let realtimeUrl: string | undefined;
  if (options.realtimeUrl !== undefined) {
    const url = parseUrl(options.realtimeUrl, 'realtimeUrl');
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
      throw new TypeError('createTokenHandler: realtimeUrl must be a ws:// or wss:// URL.');
    }
    realtimeUrl = options.realtimeUrl;
  }

  const session = options.session ?? DEFAULT_SESSION;
  if (typeof session !== 'function') {
    try {
      normalizeSession(session);
    } catch (error) {
      throw new TypeError(`createTokenHandler: ${(error as Error).message}`);
    }
  }

  return {
    apiKey,
    session,
    expiresAfterSeconds,
    isAllowedOrigin: originPredicate(options.allowedOrigins),
    allowMissingOrigin: options.allowMissingOrigin ?? false,
    rateLimit: resolveRateLimit(options.rateLimit),
    trustProxy: resolveTrustProxy(options.trustProxy),
    upstreamUrl: upstreamUrl.href,
    realtimeUrl,
    timeoutMs,
    // Called through the global each time: Workers throw "Illegal invocation" on a detached fetch.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    log,
    now: options.now ?? Date.now,
  };
}

function parseUrl(value: unknown, name: string): URL {
  try {
    return new URL(String(value));
  } catch {
    throw new TypeError(`createTokenHandler: ${name} is not a valid absolute URL.`);
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function originPredicate(allowed: TokenHandlerOptions['allowedOrigins']): (origin: string) => boolean {
  if (allowed === undefined) return () => false;
  if (allowed === '*') return () => true;
  if (typeof allowed === 'function') return allowed;
  if (!Array.isArray(allowed)) throw new TypeError("createTokenHandler: allowedOrigins must be an array of origins, '*' or a function.");
  const origins = new Set(allowed.map((entry) => {
    const url = parseUrl(entry, 'allowedOrigins entry');
    // An origin is scheme://host[:port]; anything more is a configuration slip worth catching now.
    if (url.origin === 'null' || url.href.replace(/\/$/, '') !== url.origin) {
      throw new TypeError(`createTokenHandler: allowedOrigins entry ${JSON.stringify(entry)} is not an origin like "https://example.com".`);
    }
    return url.origin;
  }));
  return (origin) => origins.has(origin);
}

function resolveRateLimit(option: TokenHandlerOptions['rateLimit']): ResolvedConfig['rateLimit'] {
  if (option === false) return undefined;
  const windowMs = option?.windowMs ?? 60_000;
  const max = option?.max ?? 10;
  const maxClients = option?.maxClients ?? 10_000;
  if (!(windowMs > 0) || !Number.isInteger(max) || max < 1 || !Number.isInteger(maxClients) || maxClients < 1) {
    throw new RangeError('createTokenHandler: rateLimit needs windowMs > 0 and whole numbers max >= 1, maxClients >= 1.');
  }
  return { windowMs, max, maxClients, key: option?.key };
}

function resolveTrustProxy(option: TokenHandlerOptions['trustProxy']): ResolvedConfig['trustProxy'] {
  if (option === undefined || option === false) return undefined;
  if (option === 'cloudflare') return option;
  if (option === true) return 1;
  if (Number.isInteger(option) && option >= 1) return option;
  throw new TypeError("createTokenHandler: trustProxy must be true, a hop count >= 1, or 'cloudflare'.");
}

function normalizeSession(session: unknown): TokenSessionConfig {
  if (typeof session !== 'object' || session === null || Array.isArray(session)) {
    throw new TypeError('session must be an object (a GA session: { model, instructions, audio, tools, ... }).');
  }
  const { type } = session as TokenSessionConfig;
  if (type !== undefined && type !== 'realtime' && type !== 'transcription') {
    throw new TypeError(`session.type must be "realtime" or "transcription" (got ${JSON.stringify(type)}).`);
  }
  return { ...session, type: type ?? 'realtime' };
}

type OriginAccess =
  | { kind: 'missing' }
  | { kind: 'same-origin' }
  | { kind: 'cross-origin'; origin: string }
  | { kind: 'refused'; origin: string };

function checkOrigin(request: Request, config: ResolvedConfig): OriginAccess {
  const origin = request.headers.get('origin');
  if (origin === null) return { kind: 'missing' };
  if (isSameOrigin(origin, request)) return { kind: 'same-origin' };
  return config.isAllowedOrigin(origin) ? { kind: 'cross-origin', origin } : { kind: 'refused', origin };
}

// Host, not scheme: behind a TLS-terminating proxy the handler sees http:// while the page is https://.
function isSameOrigin(origin: string, request: Request): boolean {
  if (request.headers.get('sec-fetch-site') === 'same-origin') return true;
  try {
    return new URL(origin).host === new URL(request.url).host;
  } catch {
    return false;
  }
}

function corsHeaders(access: OriginAccess): Record<string, string> {
  return access.kind === 'cross-origin' ? { 'Access-Control-Allow-Origin': access.origin, Vary: 'Origin' } : {};
}

function preflightResponse(access: OriginAccess): Response {
  const headers: Record<string, string> = { Allow: ALLOW, 'Cache-Control': 'no-store' };
  if (access.kind === 'cross-origin') {
    Object.assign(headers, corsHeaders(access), {
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
    });
  }
  return new Response(null, { status: 204, headers });
}

function clientKeyOf(request: Request, context: unknown, config: ResolvedConfig): string | undefined {
  const custom = config.rateLimit?.key?.(request);
  if (custom) return `key:${custom}`;
  const fromProxy = proxyClientAddress(request, config.trustProxy);
  if (fromProxy) return `ip:${fromProxy}`;
  const fromRuntime = runtimeClientAddress(request, context);
  return fromRuntime ? `ip:${fromRuntime}` : undefined;
}

function proxyClientAddress(request: Request, trustProxy: ResolvedConfig['trustProxy']): string | undefined {
  if (trustProxy === undefined) return undefined;
  if (trustProxy === 'cloudflare') return request.headers.get('cf-connecting-ip')?.trim() || undefined;
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  // Each trusted proxy appends the address it saw; entries left of those were written by the client.
  return hops.length ? hops[Math.max(0, hops.length - trustProxy)] : undefined;
}

function runtimeClientAddress(request: Request, context: unknown): string | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const extras = context as {
    clientKey?: unknown;
    remoteAddr?: { hostname?: unknown };
    requestIP?: unknown;
  };
  if (typeof extras.clientKey === 'string' && extras.clientKey) return extras.clientKey;
  // Deno.serve passes ServeHandlerInfo { remoteAddr: { hostname } }.
  if (typeof extras.remoteAddr?.hostname === 'string') return extras.remoteAddr.hostname;
  // Bun.serve passes its Server, whose requestIP(request) returns { address } or null.
  if (typeof extras.requestIP === 'function') {
    const address = (extras.requestIP as (r: Request) => { address?: unknown } | null).call(context, request)?.address;
    if (typeof address === 'string') return address;
  }
  return undefined;
}

async function mintToken(session: TokenSessionConfig, config: ResolvedConfig, cors: Record<string, string>): Promise<Response> {
  const { log } = config;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), config.timeoutMs);
  let upstream: Response;
  let text: string;
  try {
    upstream = await config.fetch(config.upstreamUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${config.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        expires_after: { anchor: 'created_at', seconds: config.expiresAfterSeconds },
        session,
      }),
      signal: controller.signal,
      // A redirect would carry the key elsewhere; the endpoint never redirects.
      redirect: 'manual',
    });
    text = await upstream.text();
  } catch (error) {
    if (controller.signal.aborted) {
      log.error(`${LOG_PREFIX} OpenAI did not answer within ${config.timeoutMs} ms (${config.upstreamUrl}).`);
      return errorResponse(504, 'upstream_timeout', `OpenAI did not answer within ${formatSeconds(config.timeoutMs)}; retry later.`, cors);
    }
    log.error(`${LOG_PREFIX} could not reach ${config.upstreamUrl}: ${describe(error)}`);
    return errorResponse(502, 'upstream_unreachable', 'The server could not reach OpenAI; retry later.', cors);
  } finally {
    clearTimeout(timer);
  }

  const status = upstream.status;
  if (status >= 200 && status < 300) {
    const secret = readSecret(text);
    if (!secret) {
      log.error(`${LOG_PREFIX} OpenAI answered ${status} without { value, expires_at }.`);
      return errorResponse(502, 'upstream_invalid_response', "OpenAI's answer held no client secret.", cors);
    }
    const body: TokenResponseBody = { value: secret.value, expires_at: secret.expires_at };
    if (config.realtimeUrl !== undefined) body.url = config.realtimeUrl;
    return jsonResponse(200, body, cors);
  }

  log.error(`${LOG_PREFIX} OpenAI answered ${status}${upstreamErrorSummary(text)}`);
  if (status === 401 || status === 403) {
    return errorResponse(502, 'upstream_auth', 'The server could not authenticate with OpenAI (check OPENAI_API_KEY).', cors);
  }
  if (status === 429) {
    const retryAfter = upstream.headers.get('retry-after')?.trim();
    return errorResponse(503, 'upstream_rate_limited',
      "OpenAI is rate-limiting this server's token requests (or its quota is used up); retry later.",
      retryAfter && /^\d{1,6}$/.test(retryAfter) ? { ...cors, 'Retry-After': retryAfter } : cors);
  }
  if (status >= 400 && status < 500) {
    return errorResponse(502, 'upstream_rejected',
      "OpenAI rejected the token request (check the server's session configuration; details are in the server log).", cors);
  }
  return errorResponse(502, 'upstream_error', `OpenAI answered with an error (status ${status}); retry later.`, cors);
}

function readSecret(text: string): { value: string; expires_at: number } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { value, expires_at } = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  return typeof value === 'string' && value && typeof expires_at === 'number' && Number.isFinite(expires_at)
    ? { value, expires_at }
    : undefined;
}

// OpenAI errors look like { error: { message, type, code, param } }; the summary goes to the log only.
function upstreamErrorSummary(text: string): string {
  let detail: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'object' && parsed.error !== null) detail = parsed.error as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page, say): the status alone is logged.
  }
  if (!detail) return '.';
  const tags = ['code', 'param', 'type']
    .filter((field) => typeof detail[field] === 'string')
    .map((field) => `${field}=${String(detail[field])}`);
  const message = typeof detail.message === 'string' ? `: ${detail.message.slice(0, 500)}` : '.';
  return `${tags.length ? ` (${tags.join(', ')})` : ''}${message}`;
}

function redactor(apiKey: string): (line: string) => string {
  return (line) => line
    .split(apiKey).join('[redacted]')
    // Catches keys echoed in part, as OpenAI's 401 message does ("sk-proj-***abcd").
    .replace(/\bsk-[\w*.-]+/g, 'sk-[redacted]')
    .replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}

function errorResponse(status: number, code: TokenErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error: { code, message } }, headers);
}
