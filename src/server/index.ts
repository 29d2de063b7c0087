/**
 * `realtime-voice/server`: the site backend's token endpoint for `<realtime-voice token-url="...">`.
 * `createTokenHandler` is a Fetch-API handler (Next.js, Workers, Deno, Bun, Hono);
 * `toNodeListener` adapts it to Node's http server and Express.
 */
export { createTokenHandler } from './token-handler.js';
export type {
  TokenHandler,
  TokenHandlerContext,
  TokenHandlerLogger,
  TokenHandlerOptions,
  TokenErrorCode,
  TokenRateLimitOptions,
  TokenResponseBody,
  TokenSessionConfig,
} from './token-handler.js';
export { toNodeListener } from './node.js';
export type { NodeListener, NodeListenerOptions, NodeRequestLike, NodeResponseLike } from './node.js';
