// The demo server without a browser: static files stay inside the build, pages carry the CSP the
// README recommends, the token endpoint mints mock keys bound to the server-chosen session, and with
// an OpenAI key no mock starts and the policy names OpenAI's host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startDemoServer, type DemoServer } from '../../demo/server.js';

let dir: string;
let server: DemoServer;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rv-demo-server-'));
  mkdirSync(path.join(dir, 'site/assets'), { recursive: true });
  writeFileSync(path.join(dir, 'site/index.html'), '<!doctype html><title>home</title>');
  writeFileSync(path.join(dir, 'site/tools.html'), '<!doctype html><title>tools</title>');
  writeFileSync(path.join(dir, 'site/assets/app.js'), 'export {};');
  writeFileSync(path.join(dir, 'realtime-voice.iife.js'), '/* bundle */');
  writeFileSync(path.join(dir, 'realtime-voice.engine.js'), '/* engine */');
  writeFileSync(path.join(dir, 'secret.txt'), 'not for the web');
  server = await startDemoServer({ root: path.join(dir, 'site'), bundleDir: dir, port: 0, logger: false });
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (pathname: string, init?: RequestInit) => fetch(new URL(pathname, server.url), init);
const token = (query = '') =>
  fetch(new URL(`/api/realtime-token${query}`, server.url), { method: 'POST', headers: { Origin: new URL(server.url).origin }, body: '{}' });

/** A GET with the path sent verbatim (fetch would resolve the dot segments first). */
function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(server.url), { path: rawPath }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The session.created a key opens on the mock (no ?intent, so only the key's own session decides). */
function sessionOf(value: string, url: string): Promise<{ type: string; model?: string; audio?: { output?: { voice?: string } } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['realtime', `openai-insecure-api-key.${value}`]);
    ws.once('message', (data) => {
      ws.close();
      const event = JSON.parse(String(data)) as { type: string; session: never };
      if (event.type === 'session.created') resolve(event.session);
      else reject(new Error(`first event ${event.type}`));
    });
    ws.once('error', reject);
  });
}

describe('demo server', () => {
  test('serves the build, the bundle beside it, pretty page URLs, and nothing outside', async () => {
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<title>home<\/title>/);
    assert.equal(home.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await (await get('/tools')).text(), /<title>tools<\/title>/);
    assert.equal((await get('/assets/app.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await (await get('/realtime-voice.iife.js')).text(), '/* bundle */');
    // The engine the shell loads on intent, from beside itself.
    assert.equal(await (await get('/realtime-voice.engine.js')).text(), '/* engine */');
    for (const escape of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/secret.txt', '/nope.html']) {
      const res = await rawGet(escape);
      assert.equal(res.status, 404, escape);
      assert.doesNotMatch(res.body, /not for the web/, escape);
    }
    assert.equal((await get('/', { method: 'POST' })).status, 405);
  });

  test('pages carry a CSP that allows the widget (blob: worklet, the realtime host) and nothing else', async () => {
    const csp = (await get('/')).headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.deepEqual(directives, {
      'default-src': "'self'",
      'script-src': "'self' blob:",
      'style-src': "'self'",
      'connect-src': `'self' ${new URL(server.realtimeUrl).origin}`,
      'img-src': "'self' data:",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    assert.equal((await get('/assets/app.js')).headers.get('content-security-policy'), null);
  });

  test('without an OpenAI key: mock keys for the server-chosen session, a transcription one for the captions page', async () => {
    assert.equal(server.realtime, 'mock');
    assert.deepEqual(await (await get('/api/demo-config')).json(), { realtime: 'mock' });
    const res = await token();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { value: string; expires_at: number; url: string };
    assert.match(body.value, /^ek_/);
    assert.equal(body.url, server.mock!.url);
    const session = await sessionOf(body.value, body.url);
    assert.equal(session.type, 'realtime');
    assert.equal(session.model, 'gpt-realtime');
    assert.equal(session.audio?.output?.voice, 'marin');

    const captions = (await (await token('?session=captions')).json()) as { value: string; url: string };
    assert.equal((await sessionOf(captions.value, captions.url)).type, 'transcription');
  });

  test('the token endpoint refuses other sites and other methods', async () => {
    const foreign = await fetch(new URL('/api/realtime-token', server.url), { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{}' });
    assert.equal(foreign.status, 403);
    assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
    assert.equal((await get('/api/realtime-token')).status, 405);
  });

  test('with an OpenAI key: no mock, and the policy and config name OpenAI', async () => {
    const live = await startDemoServer({ root: path.join(dir, 'site'), port: 0, openaiApiKey: 'sk-test-not-used', logger: false });
    try {
      assert.equal(live.realtime, 'openai');
      assert.equal(live.mock, undefined);
      assert.equal(live.realtimeUrl, 'wss://api.openai.com/v1/realtime');
      const page = await fetch(live.url);
      assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self' wss:\/\/api\.openai\.com;/);
      assert.deepEqual(await (await fetch(new URL('/api/demo-config', live.url))).json(), { realtime: 'openai' });
    } finally {
      await live.close();
    }
  });
});
