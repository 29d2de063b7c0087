/**
 * Adapter from Node's http server (and Express, Connect, Fastify's raw handlers) to the Fetch-API token
 * handler: IncomingMessage -> Request, Response -> ServerResponse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenHandler, TokenHandlerContext } from './token-handler.js';

export interface NodeListenerOptions {
  /**
   * Names the client for rate limiting. Default: the socket's remote address. Behind a proxy, use the
   * handler's `trustProxy`, or e.g. Express's `(req) => req.ip` with its own `trust proxy` setting.
   */
  clientKey?: (request: IncomingMessage) => string | undefined;
}

/** A Node request listener; the optional third argument (Express's `next`) is never called. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse, next?: unknown) => Promise<void>;

/**
 * Wraps a token handler for `http.createServer(listener)` or `app.post('/api/realtime-token', listener)`.
 * The request body is not forwarded (the token handler never reads it) and is drained unread.
 */
export function toNodeListener(handler: TokenHandler, options: NodeListenerOptions = {}): NodeListener {
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

function socketAddress(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress;
}

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
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

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
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
