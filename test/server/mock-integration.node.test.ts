// The token handler against the project's mock GA server: its client_secrets endpoint validates the body
// with the strict GA schemas, and the minted ek_ must open a WebSocket session with the server's config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { parseServerEvent } from '../../src/protocol/index.js';
import { createTokenHandler, type TokenHandlerOptions } from '../../src/server/index.js';

const KEY = 'sk-test-SECRET-1234567890';
const PAGE = 'https://shop.example';
const SESSION = {
  model: 'gpt-realtime',
  instructions: 'You are the integration-test assistant.',
  audio: { output: { voice: 'cedar' } },
  tools: [{ type: 'function' as const, name: 'find_product', description: 'Finds a product', parameters: { type: 'object', properties: {} } }],
};

let mock: MockRealtimeServer;
const logLines: string[] = [];
const responses: string[] = [];

before(async () => {
  mock = await startMockRealtime({ apiKey: KEY });
});
after(() => mock.close());

function handlerWith(options: Partial<TokenHandlerOptions> = {}) {
  return createTokenHandler({
    apiKey: KEY,
    session: SESSION,
    upstreamUrl: `${mock.origin}/v1/realtime/client_secrets`,
    realtimeUrl: mock.url,
    logger: { warn: (line) => logLines.push(line), error: (line) => logLines.push(line) },
    ...options,
  });
}

async function requestToken(handler: ReturnType<typeof createTokenHandler>) {
  const response = await handler(new Request(`${PAGE}/api/realtime-token`, { method: 'POST', headers: { origin: PAGE } }), { clientKey: 'test' });
  const text = await response.text();
  responses.push(`${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, json: JSON.parse(text) };
}

test('the minted ek_ opens a session that carries the server-chosen config', async () => {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const token = await requestToken(handlerWith());
  assert.equal(token.status, 200, JSON.stringify(token.json));
  assert.deepEqual(Object.keys(token.json).sort(), ['expires_at', 'url', 'value']);
  assert.match(token.json.value, /^ek_/);
  assert.ok(Math.abs(token.json.expires_at - (nowSeconds + 600)) <= 2, `expires_at ${token.json.expires_at}`);
  assert.equal(token.json.url, mock.url);

  const ws = new WebSocket(token.json.url, ['realtime', `openai-insecure-api-key.${token.json.value}`]);
  try {
    const [data] = (await once(ws, 'message')) as [Buffer];
    const parsed = parseServerEvent(data.toString('utf8'));
    assert.ok(parsed.ok && parsed.known && parsed.event.type === 'session.created', data.toString('utf8'));
    const session = parsed.event.session as Record<string, any>;
    assert.equal(session.instructions, SESSION.instructions);
    assert.equal(session.model, 'gpt-realtime');
    assert.equal(session.audio.output.voice, 'cedar');
    assert.deepEqual(session.tools.map((tool: { name: string }) => tool.name), ['find_product']);
  } finally {
    ws.close();
  }
});

test('a beta-shaped session is rejected by the GA endpoint and the log names the field', async () => {
  const token = await requestToken(handlerWith({ session: { model: 'gpt-realtime', voice: 'marin' } }));
  assert.equal(token.status, 502);
  assert.equal(token.json.error.code, 'upstream_rejected');
  assert.match(logLines.at(-1)!, /answered 400 .*param=session\.voice/);
});

test('a wrong API key becomes upstream_auth, and neither key reaches a response or the log', async () => {
  const wrongKey = 'sk-wrong-KEY-0987654321';
  const token = await requestToken(handlerWith({ apiKey: wrongKey }));
  assert.equal(token.status, 502);
  assert.equal(token.json.error.code, 'upstream_auth');
  assert.match(logLines.at(-1)!, /answered 401 \(code=invalid_api_key/);
  for (const text of [...logLines, ...responses]) {
    assert.ok(!text.includes(KEY) && !text.includes(wrongKey), text);
    assert.doesNotMatch(text, /0987654321|1234567890/);
  }
});

test("the mock's injected 500 and 429 map to upstream_error and upstream_rate_limited", async () => {
  const handler = handlerWith();
  mock.faults.http({ path: '/v1/realtime/client_secrets', status: 500 });
  assert.equal((await requestToken(handler)).json.error.code, 'upstream_error');
  mock.faults.http({ path: '/v1/realtime/client_secrets', status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', param: null } } });
  const limited = await requestToken(handler);
  assert.equal(limited.status, 503);
  assert.equal(limited.json.error.code, 'upstream_rate_limited');
});
