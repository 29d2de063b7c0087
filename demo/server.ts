// The demo's one Node server: the Vite-built pages, the classic-script bundle, and the token endpoint.
// Without an OpenAI key it also starts the mock realtime server and points the token response's `url`
// at it, so the pages exercise the real token path (handler -> client_secrets -> ek_ key) offline.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startMockRealtime, type MockRealtimeServer } from '../src/mock/index.js';
import { createTokenHandler, toNodeListener, type TokenSessionConfig } from '../src/server/index.js';

/** The session every token is minted for, chosen here and never by the browser; pages add their own instructions and tools. */
export const DEMO_SESSION: TokenSessionConfig = {
  model: 'gpt-realtime',
  instructions:
    'You are the voice assistant of a demo web page. Answer in one or two short sentences. ' +
    'When the page offers a tool that fits the request, call it instead of describing what to do.',
  audio: { output: { voice: 'marin' } },
};

/** The captions page asks for `token-url="/api/realtime-token?session=captions"`: a transcription-only session. */
export const CAPTIONS_SESSION: TokenSessionConfig = {
  type: 'transcription',
  audio: { input: { transcription: { model: 'gpt-live-transcribe' }, turn_detection: { type: 'server_vad' } } },
};

/** Picks the session from the URL the page posted to, never from the body (the browser may not choose freely). */
export function demoSession(request: Request): TokenSessionConfig {
  return new URL(request.url).searchParams.get('session') === 'captions' ? CAPTIONS_SESSION : DEMO_SESSION;
}

export const TOKEN_PATH = '/api/realtime-token';
/** `{ realtime: "mock" | "openai" }`: lets a page explain how to try it (the mock does not understand speech). */
export const CONFIG_PATH = '/api/demo-config';
const OPENAI_REALTIME = 'wss://api.openai.com';

export interface DemoServerOptions {
  /** Directory of the built pages (`dist/demo`). */
  root: string;
  /** Directory holding the browser files (`dist`): the shells `realtime-voice.iife.js` and `realtime-voice.js`, their `realtime-voice.engine.js` and the single `realtime-voice.all.iife.js`, served at `/`. */
  bundleDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 5173; 0 picks a free port. */
  port?: number;
  /** A standard OpenAI key: tokens are minted by OpenAI. Without one, by the embedded mock. */
  openaiApiKey?: string;
  /** Where the token handler's redacted warnings go. Default `console`. */
  logger?: { warn(line: string): void; error(line: string): void } | false;
}

export interface DemoServer {
  /** The landing page, e.g. `http://127.0.0.1:5173/`. */
  url: string;
  port: number;
  /** `mock` (offline) or `openai`. */
  realtime: 'mock' | 'openai';
  /** The WebSocket endpoint the widget talks to. */
  realtimeUrl: string;
  /** The embedded mock, when `realtime` is `mock`. */
  mock?: MockRealtimeServer;
  /** Stops the http server (dropping open connections) and the mock. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};

/** What the pages need and nothing else: the policy the README recommends, proven by the demo. */
function contentSecurityPolicy(realtimeOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self' blob:", // blob: for the inline audio worklet module (or set worklet-url)
    "style-src 'self'", // no 'unsafe-inline': Lit's styles are constructable stylesheets
    `connect-src 'self' ${realtimeOrigin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Resolves a URL path inside `dir`, or undefined when it would leave it. */
function inside(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.resolve(dir, `.${path.posix.normalize(`/${decoded}`)}`);
  return file === dir || file.startsWith(dir + path.sep) ? file : undefined;
}

async function fileAt(candidates: (string | undefined)[]): Promise<string | undefined> {
  for (const file of candidates) {
    if (!file) continue;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return file;
  }
  return undefined;
}

/** Starts the demo server (and the mock, without a key). */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const root = path.resolve(options.root);
  const bundleDir = options.bundleDir ? path.resolve(options.bundleDir) : undefined;
  const logger = options.logger ?? console;
  const mock = options.openaiApiKey ? undefined : await startMockRealtime({ host: '127.0.0.1', port: 0 });
  const realtimeUrl = mock ? mock.url : `${OPENAI_REALTIME}/v1/realtime`;
  const tokens = toNodeListener(
    createTokenHandler({
      // The mock's client_secrets accepts any "sk-" key; the real one never leaves this process.
      apiKey: options.openaiApiKey ?? 'sk-mock-local',
      session: demoSession,
      upstreamUrl: mock ? `${mock.origin}/v1/realtime/client_secrets` : undefined,
      realtimeUrl: mock?.url,
      // A visitor clicking through five pages should not meet the limit; it still caps a runaway loop.
      rateLimit: { windowMs: 60_000, max: 30 },
      logger,
    }),
  );
  const csp = contentSecurityPolicy(mock ? new URL(mock.url).origin : OPENAI_REALTIME);
  const demoConfig = JSON.stringify({ realtime: mock ? 'mock' : 'openai' });

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const wanted = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = await fileAt([
      inside(root, wanted),
      path.extname(wanted) ? undefined : inside(root, `${wanted}.html`), // /tools -> tools.html
      bundleDir && /^\/realtime-voice(\.iife|\.engine|\.all\.iife)?\.js$/.test(wanted) ? inside(bundleDir, wanted) : undefined,
    ]);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const body = await readFile(file);
    const ext = path.extname(file);
    const headers: Record<string, string> = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (ext === '.html') {
      headers['Content-Security-Policy'] = csp;
      headers['Referrer-Policy'] = 'same-origin';
      headers['Permissions-Policy'] = 'microphone=(self)';
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://demo.invalid').pathname;
    if (pathname === TOKEN_PATH) {
      void tokens(req, res);
    } else if (pathname === CONFIG_PATH) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(demoConfig);
    } else {
      serveStatic(req, res, pathname).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    }
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 5173, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await mock?.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    realtime: mock ? 'mock' : 'openai',
    realtimeUrl,
    mock,
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections(); // keep-alive sockets of open tabs would hold close() forever
        }),
        mock?.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}
