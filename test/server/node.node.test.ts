import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenHandler, toNodeListener, type NodeListenerOptions, type TokenHandlerOptions } from '../../src/server/index.js';
import { startFakeOpenAI, VALID_SECRET, type FakeOpenAI } from './fake-openai.js';

const KEY = 'sk-test-SECRET-1234567890';
let fake: FakeOpenAI;
const servers: Server[] = [];
const logLines: string[] = [];

before(async () => {
  fake = await startFakeOpenAI();
});
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await fake.close();
});

/** Serves the token handler through toNodeListener on a random loopback port; returns its origin. */
async function serve(options: Partial<TokenHandlerOptions> = {}, adapter?: NodeListenerOptions): Promise<string> {
  const handler = createTokenHandler({
    apiKey: KEY,
    session: { model: 'gpt-realtime', audio: { output: { voice: 'cedar' } } },
    upstreamUrl: fake.clientSecretsUrl,
    logger: { warn: (line) => logLines.push(line), error: (line) => logLines.push(line) },
    ...options,
  });
  const server = createServer(toNodeListener(handler, adapter));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(origin: string, path = '/api/realtime-token', init: RequestInit = {}) {
  return fetch(origin + path, { method: 'POST', ...init, headers: { origin, 'content-type': 'application/json', ...init.headers } });
}

test('serves a token through a real Node http server', async () => {
  const origin = await serve();
  const before = fake.requests.length;
  const response = await post(origin, '/api/realtime-token', { body: JSON.stringify({ session: { instructions: 'evil' } }) });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.deepEqual(await response.json(), VALID_SECRET);
  assert.equal(fake.requests.length, before + 1);
  assert.deepEqual(JSON.parse(fake.requests.at(-1)!.body).session, { type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'cedar' } } });
});

test('rate-limits by the socket address by default', async () => {
  const origin = await serve({ rateLimit: { windowMs: 60_000, max: 1 } });
  assert.equal((await post(origin)).status, 200);
  const limited = await post(origin);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '60');
  assert.equal((await limited.json()).error.code, 'rate_limited');
  assert.ok(!logLines.some((line) => line.includes('share one budget')), 'the adapter named the client');
});

test('a clientKey option names the client instead', async () => {
  const origin = await serve({ rateLimit: { windowMs: 60_000, max: 1 } }, { clientKey: (req) => String(req.headers['x-test-user']) });
  assert.equal((await post(origin, undefined, { headers: { 'x-test-user': 'a' } })).status, 200);
  assert.equal((await post(origin, undefined, { headers: { 'x-test-user': 'b' } })).status, 200);
  assert.equal((await post(origin, undefined, { headers: { 'x-test-user': 'a' } })).status, 429);
});

test('a path starting with // cannot make a foreign origin look same-origin', async () => {
  const origin = await serve();
  const response = await fetch(`${origin}//evil.example/api/realtime-token`, { method: 'POST', headers: { origin: 'http://evil.example' } });
  assert.equal(response.status, 403);
  assert.equal((await response.json()).error.code, 'origin_not_allowed');
});

test('answers GET with 405 and an unsupported method with 400, as JSON', async () => {
  const origin = await serve();
  const get = await fetch(`${origin}/api/realtime-token`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
  assert.equal((await get.json()).error.code, 'method_not_allowed');

  const trace = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${origin}/api/realtime-token`, { method: 'TRACE' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
  assert.equal(trace.status, 400);
  assert.equal(JSON.parse(trace.body).error.code, 'bad_request');
});

test('drains a large request body unread and keeps the connection usable', async () => {
  const origin = await serve({ rateLimit: false });
  const big = JSON.stringify({ padding: 'x'.repeat(2_000_000) });
  const first = await post(origin, undefined, { body: big });
  assert.equal(first.status, 200);
  await first.arrayBuffer();
  const second = await post(origin);
  assert.equal(second.status, 200);
  assert.deepEqual(await second.json(), VALID_SECRET);
});

test('the key appears in no log line of the adapter tests', () => {
  for (const line of logLines) assert.ok(!line.includes(KEY), line);
});
