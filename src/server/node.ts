/**
 * Adapter from Node's http server (and Express, Connect, Fastify's raw handlers) to the Fetch-API token
 * handler: IncomingMessage -> Request, Response -> ServerResponse.
 */
import type { TokenHandler, TokenHandlerContext } from './token-handler.js';

// Structural stand-ins for http.IncomingMessage and http.ServerResponse, so these typings need no @types/node
// (Workers and Deno users import the same entry point).
/** The parts of Node's `IncomingMessage` the adapter reads. */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: { host?: string; [name: string]: string | string[] | undefined };
  rawHeaders: string[];
  socket: { remoteAddress?: string; encrypted?: boolean };
  resume(): unknown;
}

/** The parts of Node's `ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string | number): unknown;
  end(chunk?: Uint8Array): unknown;
}

export interface NodeListenerOptions<Req extends NodeRequestLike = NodeRequestLike> {
  /**
   * Names the client for rate limiting. Default: the socket's remote address. Behind a proxy, use the
   * handler's `trustProxy`, or Express's own: `toNodeListener<express.Request>(handler, { clientKey: (req) => req.ip })`.
   */
  clientKey?: (request: Req) => string | undefined;
}

/** A Node request listener; the optional third argument (Express's `next`) is never called. */
export type NodeListener<Req extends NodeRequestLike = NodeRequestLike> =
  (request: Req, response: NodeResponseLike, next?: unknown) => Promise<void>;

/**
 * Wraps a token handler for `http.createServer(listener)` or `app.post('/api/realtime-token', listener)`.
 * The request body is not forwarded (the token handler never reads it) and is drained unread.
 */
export function toNodeListener<Req extends NodeRequestLike = NodeRequestLike>(
  handler: TokenHandler,
  options: NodeListenerOptions<Req> = {},
): NodeListener<Req> {
  return async function nodeTokenListener(req, res) {
    let response: Response;
    try {
      const context: TokenHandlerContext = { clientKey: (options.clientKey ?? socketAddress)(req) };
      req.resume();
      response = await handler(toRequest(req), context);
    } catch {
      response = new Response(JSON.stringify({ error: { code: 'bad_request', message: 'The request could not be read.' } }), {
        status: 400,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    }
    await writeResponse(response, res);
  };
}

function socketAddress(req: NodeRequestLike): string | undefined {
  return req.socket.remoteAddress;
}

function toRequest(req: NodeRequestLike): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const scheme = req.socket.encrypted ? 'https' : 'http';
  // Express rewrites req.url under a mounted router; originalUrl keeps the full path.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let origin: string;
  try {
    origin = new URL(`${scheme}://${req.headers.host ?? 'localhost'}`).origin;
  } catch {
    origin = `${scheme}://localhost`;
  }
  // Concatenated, not resolved: a path like "//evil.example/x" must not change the host the handler sees.
  return new Request(origin + (path.startsWith('/') ? path : '/'), { method: req.method ?? 'GET', headers });
}

async function writeResponse(response: Response, res: NodeResponseLike): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.setHeader('Content-Length', body.byteLength);
  res.end(body);
}
