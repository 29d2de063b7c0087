import { systemClock, type Clock } from './clock.js';

/** A short-lived key for one or more realtime sessions. */
export interface RealtimeToken {
  /** The secret sent in the WebSocket subprotocol (`ek_...` from OpenAI). */
  value: string;
  /** Expiry in ms since the epoch, or undefined when the endpoint did not say (then it is never reused). */
  expiresAt?: number;
  /** Realtime WebSocket URL chosen by the backend (Azure, a proxy, the mock); overrides the client's `url`. */
  url?: string;
}

/**
 * What a token endpoint (or `getToken`) may return: OpenAI's client_secrets response passed through
 * (`{ value, expires_at, url? }`), the older `{ client_secret: { value, expires_at } }`, or a bare string.
 */
export type TokenResponse =
  | { value: string; expires_at?: number; url?: string }
  | { client_secret: { value: string; expires_at?: number }; url?: string }
  | string;

export type TokenErrorCode =
  | 'token_http_error'
  | 'token_not_json'
  | 'token_missing_value'
  | 'token_expired'
  | 'token_timeout'
  | 'token_network'
  | 'token_aborted'
  | 'standard_key_refused';

/** A failure to obtain a usable token; `code` says which, `status` carries the HTTP status. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface FetchTokenOptions {
  /** Injected fetch (default: the global one). */
  fetch?: typeof fetch;
  /** Clock for expiry checks and the timeout (default: the system clock). */
  clock?: Clock;
  /** Gives up with `token_timeout` after this many ms (default 10000). */
  timeoutMs?: number;
  /** Aborts the request (`token_aborted`). */
  signal?: AbortSignal;
  /** Accept a standard `sk-` API key. It would be exposed to every visitor: only for local experiments. */
  allowStandardKey?: boolean;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

/** Unix seconds as OpenAI sends them; a value this large can only be milliseconds, so it is read as such. */
const MS_THRESHOLD = 1e11;

/**
 * Turns whatever a token source returned into a `RealtimeToken`, or throws a `TokenError`
 * (`token_missing_value`, `token_expired`, `standard_key_refused`).
 */
export function normalizeToken(
  body: unknown,
  options: { now: number; allowStandardKey?: boolean },
): RealtimeToken {
  let value: unknown;
  let expiresAt: unknown;
  let url: unknown;
  if (typeof body === 'string') {
    value = body;
  } else if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const secret = record.client_secret;
    const source = secret && typeof secret === 'object' ? (secret as Record<string, unknown>) : record;
    value = source.value;
    expiresAt = source.expires_at ?? record.expires_at;
    url = record.url;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TokenError(
      'token_missing_value',
      'The token response has no "value": expected { value, expires_at } or { client_secret: { value, expires_at } }.',
    );
  }
  value = value.trim();
  if ((value as string).startsWith('sk-') && !options.allowStandardKey) {
    throw new TokenError(
      'standard_key_refused',
      'The token endpoint returned a standard OpenAI API key (sk-...). It would be visible to every visitor of the page. ' +
        'Return a short-lived client secret (ek_...) from POST /v1/realtime/client_secrets instead, or set ' +
        "allowStandardKey: true (the element's dangerouslyAllowStandardKey property) for a local experiment only.",
    );
  }
  const token: RealtimeToken = { value: value as string };
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) {
    token.expiresAt = expiresAt > MS_THRESHOLD ? expiresAt : expiresAt * 1000;
    if (token.expiresAt <= options.now) {
      throw new TokenError(
        'token_expired',
        `The token expired at ${new Date(token.expiresAt).toISOString()}, before it could be used (check the server clock and the secret's TTL).`,
      );
    }
  }
  if (typeof url === 'string' && url !== '') token.url = url;
  return token;
}

/**
 * POSTs `{}` to `tokenUrl` (same-origin credentials) and returns the token it answers with.
 * Every failure is a `TokenError`: `token_http_error` (with `status`), `token_not_json`,
 * `token_missing_value`, `token_expired`, `token_timeout`, `token_network`, `token_aborted`,
 * `standard_key_refused`.
 */
/** The `{ error: { code, message } }` that `realtime-voice/server` (and most backends) answer with, as one short line; '' otherwise. */
async function endpointError(response: Response): Promise<string> {
  try {
    const body: unknown = JSON.parse(await response.text());
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const message = typeof error?.message === 'string' ? error.message.slice(0, 300) : '';
    const code = typeof error?.code === 'string' ? error.code.slice(0, 60) : '';
    return message ? `${message}${code ? ` (${code})` : ''}` : '';
  } catch {
    return '';
  }
}

export async function fetchToken(tokenUrl: string, options: FetchTokenOptions = {}): Promise<RealtimeToken> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const failure = (error: unknown): TokenError => {
    if (error instanceof TokenError) return error;
    if (timedOut) return new TokenError('token_timeout', `The token endpoint did not answer within ${timeoutMs} ms.`, undefined, { cause: error });
    if (options.signal?.aborted) return new TokenError('token_aborted', 'The token request was aborted.', undefined, { cause: error });
    return new TokenError('token_network', `The token endpoint could not be reached: ${errorMessage(error)}.`, undefined, { cause: error });
  };

  try {
    let response: Response;
    try {
      response = await doFetch(tokenUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
        signal: controller.signal,
      });
    } catch (error) {
      throw failure(error);
    }
    if (!response.ok) {
      const explained = await endpointError(response);
      throw new TokenError(
        'token_http_error',
        `The token endpoint answered HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}${explained ? `: ${explained}` : '.'}`,
        response.status,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failure(error);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new TokenError('token_not_json', `The token endpoint did not answer JSON (got "${text.slice(0, 40)}").`, response.status, { cause: error });
    }
    if (typeof body === 'string') throw new TokenError('token_missing_value', 'The token response is a JSON string, not an object with "value".');
    return normalizeToken(body, { now: clock.now(), allowStandardKey: options.allowStandardKey });
  } catch (error) {
    throw failure(error);
  } finally {
    clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export interface TokenCacheOptions {
  /** A cached token is reused only while it has at least this many ms left (default 15000). */
  marginMs?: number;
  clock?: Clock;
}

/**
 * Holds one token: `prefetch()` starts fetching early (on hover or focus), `get()` reuses an
 * unexpired token or joins the fetch in flight, `get({ fresh: true })` always fetches a new one.
 */
export class TokenCache {
  #token: RealtimeToken | undefined;
  #inflight: Promise<RealtimeToken> | undefined;
  #clock: Clock;
  #marginMs: number;

  constructor(
    private readonly source: (signal?: AbortSignal) => Promise<RealtimeToken>,
    options: TokenCacheOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.marginMs ?? 15_000;
  }

  /** The cached token if it is still good for a new session. */
  get current(): RealtimeToken | undefined {
    const t = this.#token;
    if (t?.expiresAt !== undefined && t.expiresAt - this.#marginMs > this.#clock.now()) return t;
    return undefined;
  }

  /** Starts a fetch unless a good token is cached or one is already on its way; never rejects. */
  prefetch(): Promise<void> {
    if (this.current) return Promise.resolve();
    return this.#fetch().then(
      () => undefined,
      () => undefined, // a failed prefetch is retried by the next get(), which reports the error
    );
  }

  /** A usable token: the cached one, the one in flight, or a new one. */
  async get(options: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<RealtimeToken> {
    if (!options.fresh) {
      const cached = this.current;
      if (cached) return cached;
    } else if (this.#inflight === undefined) {
      this.#token = undefined;
    }
    const pending = this.#fetch();
    if (!options.signal) return pending;
    // The shared fetch keeps running for other callers; only this caller stops waiting.
    return new Promise<RealtimeToken>((resolve, reject) => {
      const signal = options.signal!;
      const onAbort = () => reject(new TokenError('token_aborted', 'The token request was aborted.'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Forgets the cached token (for instance after the server refused it). */
  clear(): void {
    this.#token = undefined;
  }

  #fetch(): Promise<RealtimeToken> {
    if (this.#inflight) return this.#inflight;
    const p = this.source().then(
      (token) => {
        if (this.#inflight === p) this.#inflight = undefined;
        this.#token = token;
        return token;
      },
      (error: unknown) => {
        if (this.#inflight === p) this.#inflight = undefined;
        throw error;
      },
    );
    this.#inflight = p;
    return p;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
