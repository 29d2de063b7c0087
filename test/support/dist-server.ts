// A static site on 127.0.0.1 for the built files in dist/, as a site would host them: pages the test
// writes, the dist files at /, a log of every path asked for, and gates that hold a file back until the test
// lets it go. Started on a random port by the test and closed by it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type {} from '../../src/index.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface DistServer {
  origin: string;
  /** Every path requested (with its query, if any), in order. */
  requests: string[];
  /** Serves `html` at `pathname` with this Content-Security-Policy. */
  page(pathname: string, html: string, csp: string): void;
  /** Serves `dist/<file>` at `pathname` too (e.g. the engine somewhere else). */
  alias(pathname: string, file: string): void;
  /** Holds `pathname` back until the returned function is called. */
  hold(pathname: string): () => void;
  /** Resolves once `pathname` (with its query, if any) has been requested. */
  requested(pathname: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDistServer(): Promise<DistServer> {
  const pages = new Map<string, { html: string; csp: string }>();
  const aliases = new Map<string, string>();
  const gates = new Map<string, Promise<void>>();
  const waiters = new Map<string, (() => void)[]>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const { pathname, search } = new URL(req.url ?? '/', 'http://x');
    requests.push(pathname + search);
    for (const wake of waiters.get(pathname + search)?.splice(0) ?? []) wake();
    void (gates.get(pathname) ?? Promise.resolve()).then(() => {
      const page = pages.get(pathname);
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.csp });
        res.end(page.html);
        return;
      }
      const file = aliases.get(pathname) ?? (/^\/realtime-voice(\.[a-z]+)*\.js$/.test(pathname) ? pathname.slice(1) : undefined);
      let body: Buffer;
      try {
        if (!file) throw new Error('not a dist file');
        body = readFileSync(path.join(root, 'dist', file));
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-cache' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    page: (pathname, html, csp) => void pages.set(pathname, { html, csp }),
    alias: (pathname, file) => void aliases.set(pathname, file),
    hold(pathname) {
      let release!: () => void;
      gates.set(pathname, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        gates.delete(pathname);
        release();
      };
    },
    requested: (pathname) =>
      requests.includes(pathname) ? Promise.resolve() : new Promise((resolve) => waiters.set(pathname, [...(waiters.get(pathname) ?? []), resolve])),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A plain page that loads `script` (a classic script, or with `module` an ES module) and holds `<realtime-voice attrs>`. */
export function widgetPage(script: string, attrs: string, { module = false } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>realtime-voice</title>
  <link rel="icon" href="data:,">
  <style>
    :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
    body { margin: 0; padding: 24px; background: Canvas; color: CanvasText; }
  </style>
  <script src="${script}"${module ? ' type="module"' : ''}></script>
</head>
<body>
  <realtime-voice ${attrs}></realtime-voice>
</body>
</html>`;
}

/** The policy a site would set for the widget against `realtimeOrigin`; `blob: false` for one that allows only 'self' scripts. */
export function widgetCsp(realtimeOrigin: string, { blob = true } = {}): string {
  const ws = realtimeOrigin.replace(/^http/, 'ws');
  const scripts = blob ? "'self' blob:" : "'self'";
  return `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; connect-src 'self' ${realtimeOrigin} ${ws}; img-src 'self' data:`;
}

/**
 * One voice turn on the page's only widget, from the fake microphone against the mock: listening, the
 * assistant's voice, then listening again with its line final; the transcript is the user's turn and the mock's reply.
 */
export async function voiceTurn(tab: Page): Promise<void> {
  await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'listening', null, { timeout: 30_000 });
  await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'speaking', null, { timeout: 30_000 });
  await tab.waitForFunction(
    () => {
      const widget = document.querySelector('realtime-voice')!;
      return widget.state === 'listening' && widget.transcript.some((e) => e.role === 'assistant' && e.final);
    },
    null,
    { timeout: 30_000 },
  );
  const transcript = await tab.evaluate(() => document.querySelector('realtime-voice')!.transcript);
  assert.deepEqual(transcript.map((e) => e.role), ['user', 'assistant']);
  assert.match(transcript[1]!.text, /^You said: /);
}
