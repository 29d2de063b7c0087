import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenHandler, type TokenHandlerOptions } from '../../src/server/index.js';
import { closedPortUrl, startFakeOpenAI, VALID_SECRET, type FakeOpenAI } from './fake-openai.js';

const KEY = 'sk-test-SECRET-1234567890';
const PAGE = 'https://shop.example';
const ENDPOINT = `${PAGE}/api/realtime-token`;
const SESSION = {
  model: 'gpt-realtime',
  instructions: 'You are the shop assistant. Be brief.',
  audio: { output: { voice: 'marin' } },
  tools: [{ type: 'function', name: 'find_product', description: 'Finds a product', parameters: { type: 'object', properties: {} } }],
};

let fake: FakeOpenAI;
let logLines: string[];
/** Every response any test saw, as text, for the key-leak check. */
const seen: string[] = [];

before(async () => {
  fake = await startFakeOpenAI();
});
after(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.reply = { status: 200, body: { ...VALID_SECRET, session: { id: 'sess_1', object: 'realtime.session', type: 'realtime' } } };
  logLines = [];
});

function handlerWith(options: Partial<TokenHandlerOptions> = {}) {
  return createTokenHandler({
    apiKey: KEY,
    session: SESSION,
    upstreamUrl: fake.clientSecretsUrl,
    logger: { warn: (line) => logLines.push(line), error: (line) => logLines.push(line) },
    ...options,
  });
}

function tokenRequest(init: { origin?: string | null; method?: string; body?: string; headers?: Record<string, string>; url?: string } = {}) {
  const headers = new Headers(init.headers);
  const origin = init.origin === undefined ? PAGE : init.origin;
  if (origin !== null) headers.set('origin', origin);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return new Request(init.url ?? ENDPOINT, { method: init.method ?? 'POST', headers, body: init.body });
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function call(handler: ReturnType<typeof createTokenHandler>, request: Request, context?: unknown): Promise<Answer> {
  const response = await handler(request, context);
  const text = await response.text();
  seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

function assertError(answer: Answer, status: number, code: string) {
  assert.equal(answer.status, status, answer.text);
  assert.deepEqual(Object.keys(answer.json), ['error']);
  assert.deepEqual(Object.keys(answer.json.error).sort(), ['code', 'message']);
  assert.equal(answer.json.error.code, code);
  assert.ok(answer.json.error.message.length > 10, 'the message says what went wrong');
  assert.equal(answer.headers.get('content-type'), 'application/json');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
}

describe('minting a token', () => {
  test('sends the exact GA request and answers only { value, expires_at }', async () => {
    const answer = await call(handlerWith({ expiresAfterSeconds: 120 }), tokenRequest());

    assert.equal(fake.requests.length, 1);
    const [sent] = fake.requests;
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, '/v1/realtime/client_secrets');
    assert.equal(sent!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(sent!.body), {
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: { type: 'realtime', ...SESSION },
    });

    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, VALID_SECRET);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.equal(answer.headers.get('access-control-allow-origin'), null, 'same-origin needs no CORS');
  });

  test('ignores whatever the browser sends in the body', async () => {
    const handler = handlerWith();
    await call(handler, tokenRequest({ body: JSON.stringify({ session: { instructions: 'evil' }, model: 'x', expires_after: { seconds: 7200 } }) }));
    await call(handler, tokenRequest({ body: 'not json at all' }));

    assert.equal(fake.requests.length, 2);
    for (const sent of fake.requests) {
      assert.deepEqual(JSON.parse(sent.body), {
        expires_after: { anchor: 'created_at', seconds: 600 },
        session: { type: 'realtime', ...SESSION },
      });
    }
  });

  test('defaults to a gpt-realtime session and a 600 s lifetime', async () => {
    await call(handlerWith({ session: undefined }), tokenRequest());
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), {
      expires_after: { anchor: 'created_at', seconds: 600 },
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
  });

  test('a session function picks the config per request on the server', async () => {
    const handler = handlerWith({
      session: async (request) => ({
        model: 'gpt-realtime',
        instructions: new URL(request.url).searchParams.get('page') === 'support' ? 'Support desk.' : 'Shop floor.',
      }),
    });
    await call(handler, tokenRequest({ url: `${ENDPOINT}?page=support` }));
    await call(handler, tokenRequest());
    assert.deepEqual(fake.requests.map((sent) => JSON.parse(sent.body).session), [
      { type: 'realtime', model: 'gpt-realtime', instructions: 'Support desk.' },
      { type: 'realtime', model: 'gpt-realtime', instructions: 'Shop floor.' },
    ]);
  });

  test('keeps a transcription session as it is', async () => {
    const session = { type: 'transcription' as const, audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } };
    await call(handlerWith({ session }), tokenRequest());
    assert.deepEqual(JSON.parse(fake.requests[0]!.body).session, session);
  });

  test('adds url only when realtimeUrl is configured', async () => {
    const answer = await call(handlerWith({ realtimeUrl: 'wss://relay.shop.example/v1/realtime' }), tokenRequest());
    assert.deepEqual(answer.json, { ...VALID_SECRET, url: 'wss://relay.shop.example/v1/realtime' });
  });

  test('a failing session function gives 500 session_config_error', async () => {
    const handler = handlerWith({ session: () => { throw new Error('no config for this page'); } });
    assertError(await call(handler, tokenRequest()), 500, 'session_config_error');
    assert.equal(fake.requests.length, 0);
    assert.ok(logLines.some((line) => line.includes('no config for this page')));
  });

  test('a session function returning a bad type gives 500 session_config_error', async () => {
    const handler = handlerWith({ session: () => ({ type: 'conversation' as never }) });
    assertError(await call(handler, tokenRequest()), 500, 'session_config_error');
    assert.equal(fake.requests.length, 0);
  });
});

describe('methods and origins', () => {
  test('answers 405 with Allow to anything but POST and OPTIONS', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await call(handlerWith(), tokenRequest({ method }));
      assertError(answer, 405, 'method_not_allowed');
      assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
    }
    assert.equal(fake.requests.length, 0);
  });

  test('refuses a cross-origin page that is not allowed, without CORS headers', async () => {
    const answer = await call(handlerWith({ allowedOrigins: ['https://partner.example'] }), tokenRequest({ origin: 'https://evil.example' }));
    assertError(answer, 403, 'origin_not_allowed');
    assert.match(answer.json.error.message, /https:\/\/evil\.example/);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
    assert.equal(fake.requests.length, 0);
  });

  test('refuses cross-origin pages by default', async () => {
    assertError(await call(handlerWith(), tokenRequest({ origin: 'https://evil.example' })), 403, 'origin_not_allowed');
    assertError(await call(handlerWith(), tokenRequest({ origin: 'null' })), 403, 'origin_not_allowed');
    assert.equal(fake.requests.length, 0);
  });

  test('serves an allowed cross-origin page with CORS headers', async () => {
    const answer = await call(handlerWith({ allowedOrigins: ['https://partner.example/'] }), tokenRequest({ origin: 'https://partner.example' }));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), 'https://partner.example');
    assert.equal(answer.headers.get('vary'), 'Origin');
  });

  test("'*' and a predicate decide cross-origin access", async () => {
    assert.equal((await call(handlerWith({ allowedOrigins: '*' }), tokenRequest({ origin: 'https://anyone.example' }))).status, 200);
    const byPredicate = handlerWith({ allowedOrigins: (origin) => origin.endsWith('.shop.example') });
    assert.equal((await call(byPredicate, tokenRequest({ origin: 'https://eu.shop.example' }))).status, 200);
    assertError(await call(byPredicate, tokenRequest({ origin: 'https://shop.example.evil.example' })), 403, 'origin_not_allowed');
  });

  test('treats Sec-Fetch-Site: same-origin as same-origin behind a proxy that rewrites the host', async () => {
    const request = tokenRequest({ url: 'http://10.0.0.5:3000/api/realtime-token', headers: { 'sec-fetch-site': 'same-origin' } });
    const answer = await call(handlerWith(), request);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });

  test('matches same-origin by host, so an https page works behind a TLS-terminating proxy', async () => {
    const answer = await call(handlerWith(), tokenRequest({ url: 'http://shop.example/api/realtime-token' }));
    assert.equal(answer.status, 200);
  });

  test('refuses a request without Origin unless allowMissingOrigin is set', async () => {
    assertError(await call(handlerWith(), tokenRequest({ origin: null })), 403, 'origin_missing');
    assert.equal(fake.requests.length, 0);
    const answer = await call(handlerWith({ allowMissingOrigin: true }), tokenRequest({ origin: null }));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, VALID_SECRET);
  });

  test('answers a preflight from an allowed origin with CORS headers only', async () => {
    const handler = handlerWith({ allowedOrigins: ['https://partner.example'] });
    const response = await handler(tokenRequest({
      method: 'OPTIONS',
      origin: 'https://partner.example',
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    }));
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://partner.example');
    assert.equal(response.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(response.headers.get('access-control-allow-headers'), 'Content-Type');
    assert.equal(response.headers.get('access-control-max-age'), '600');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    assert.equal(await response.text(), '');
    assert.equal(fake.requests.length, 0);
  });

  test('refuses a preflight from a foreign origin and sends no CORS headers for same-origin OPTIONS', async () => {
    const handler = handlerWith({ allowedOrigins: ['https://partner.example'] });
    const refused = await call(handler, tokenRequest({ method: 'OPTIONS', origin: 'https://evil.example' }));
    assertError(refused, 403, 'origin_not_allowed');
    const same = await handler(tokenRequest({ method: 'OPTIONS' }));
    assert.equal(same.status, 204);
    assert.equal(same.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(same.headers.get('access-control-allow-origin'), null);
  });
});

describe('rate limiting', () => {
  function clock(start = 1_000_000) {
    const time = { now: start };
    return { time, now: () => time.now };
  }

  test('allows max requests per window per client, then 429 with Retry-After until the window ends', async () => {
    const { time, now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 2 }, now });
    const alice = { clientKey: '203.0.113.1' };
    assert.equal((await call(handler, tokenRequest(), alice)).status, 200);
    time.now += 15_000;
    assert.equal((await call(handler, tokenRequest(), alice)).status, 200);
    time.now += 5_000;
    const limited = await call(handler, tokenRequest(), alice);
    assertError(limited, 429, 'rate_limited');
    assert.equal(limited.headers.get('retry-after'), '40');
    assert.equal(fake.requests.length, 2, 'a refused request never reaches OpenAI');

    assert.equal((await call(handler, tokenRequest(), { clientKey: '203.0.113.2' })).status, 200, 'another client has its own budget');

    time.now += 40_000;
    assert.equal((await call(handler, tokenRequest(), alice)).status, 200, 'a new window opens');
  });

  test('the limit defaults to 10 per minute and can be turned off', async () => {
    const { now } = clock();
    const limited = handlerWith({ now });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call(limited, tokenRequest(), { clientKey: 'a' })).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);

    const unlimited = handlerWith({ rateLimit: false, now });
    for (let i = 0; i < 12; i++) assert.equal((await call(unlimited, tokenRequest(), { clientKey: 'a' })).status, 200);
  });

  test('ignores X-Forwarded-For unless trustProxy is set', async () => {
    const { now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 1 }, now });
    assert.equal((await call(handler, tokenRequest({ headers: { 'x-forwarded-for': '1.1.1.1' } }), { clientKey: '10.0.0.1' })).status, 200);
    const spoofed = await call(handler, tokenRequest({ headers: { 'x-forwarded-for': '2.2.2.2' } }), { clientKey: '10.0.0.1' });
    assertError(spoofed, 429, 'rate_limited');
  });

  test('with trustProxy reads the hop the proxy appended, so a forged left entry does not help', async () => {
    const { now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 1 }, trustProxy: true, now });
    const proxy = { clientKey: '10.0.0.1' };
    assert.equal((await call(handler, tokenRequest({ headers: { 'x-forwarded-for': '198.51.100.7' } }), proxy)).status, 200);
    const forged = tokenRequest({ headers: { 'x-forwarded-for': '9.9.9.9, 198.51.100.7' } });
    assertError(await call(handler, forged, proxy), 429, 'rate_limited');
    assert.equal((await call(handler, tokenRequest({ headers: { 'x-forwarded-for': '198.51.100.8' } }), proxy)).status, 200);
  });

  test("trustProxy: 2 counts two proxies from the right; 'cloudflare' reads CF-Connecting-IP", async () => {
    const { now } = clock();
    const twoHops = handlerWith({ rateLimit: { windowMs: 60_000, max: 1 }, trustProxy: 2, now });
    assert.equal((await call(twoHops, tokenRequest({ headers: { 'x-forwarded-for': 'x, 198.51.100.7, 10.1.1.1' } }))).status, 200);
    assertError(await call(twoHops, tokenRequest({ headers: { 'x-forwarded-for': 'y, 198.51.100.7, 10.1.1.2' } })), 429, 'rate_limited');

    const cloudflare = handlerWith({ rateLimit: { windowMs: 60_000, max: 1 }, trustProxy: 'cloudflare', now });
    assert.equal((await call(cloudflare, tokenRequest({ headers: { 'cf-connecting-ip': '198.51.100.7' } }))).status, 200);
    assert.equal((await call(cloudflare, tokenRequest({ headers: { 'cf-connecting-ip': '198.51.100.8' } }))).status, 200);
    assertError(await call(cloudflare, tokenRequest({ headers: { 'cf-connecting-ip': '198.51.100.7' } })), 429, 'rate_limited');
  });

  test("reads the client address from Deno's handler info and Bun's server", async () => {
    const { now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 1 }, now });
    const deno = { remoteAddr: { transport: 'tcp', hostname: '198.51.100.7', port: 5000 } };
    const bun = { requestIP: (request: Request) => (request instanceof Request ? { address: '198.51.100.8', port: 5001 } : null) };
    assert.equal((await call(handler, tokenRequest(), deno)).status, 200);
    assert.equal((await call(handler, tokenRequest(), bun)).status, 200);
    assertError(await call(handler, tokenRequest(), deno), 429, 'rate_limited');
    assertError(await call(handler, tokenRequest(), bun), 429, 'rate_limited');
  });

  test('a custom key function names the client', async () => {
    const { now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 1, key: (request) => request.headers.get('x-user') ?? undefined }, now });
    assert.equal((await call(handler, tokenRequest({ headers: { 'x-user': 'u1' } }), { clientKey: 'same-ip' })).status, 200);
    assert.equal((await call(handler, tokenRequest({ headers: { 'x-user': 'u2' } }), { clientKey: 'same-ip' })).status, 200);
    assertError(await call(handler, tokenRequest({ headers: { 'x-user': 'u1' } }), { clientKey: 'other-ip' }), 429, 'rate_limited');
  });

  test('without any client key all requests share one budget, and the log says so once', async () => {
    const { now } = clock();
    const handler = handlerWith({ rateLimit: { windowMs: 60_000, max: 2 }, now });
    assert.equal((await call(handler, tokenRequest())).status, 200);
    assert.equal((await call(handler, tokenRequest())).status, 200);
    assertError(await call(handler, tokenRequest()), 429, 'rate_limited');
    const warnings = logLines.filter((line) => line.includes('share one budget'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /trustProxy/);
  });
});

describe('upstream failures', () => {
  test('401 from OpenAI becomes 502 upstream_auth, without the upstream body', async () => {
    fake.reply = { status: 401, body: { error: { message: 'Incorrect API key provided: sk-test-***7890. You can find your API key at https://platform.openai.com.', type: 'invalid_request_error', code: 'invalid_api_key', param: null } } };
    const answer = await call(handlerWith(), tokenRequest());
    assertError(answer, 502, 'upstream_auth');
    assert.equal(answer.json.error.message, 'The server could not authenticate with OpenAI (check OPENAI_API_KEY).');
    assert.doesNotMatch(answer.text, /Incorrect API key|invalid_api_key|7890/);
    const upstreamLines = logLines.filter((line) => line.includes('OpenAI answered'));
    assert.equal(upstreamLines.length, 1);
    assert.match(upstreamLines[0]!, /answered 401 \(code=invalid_api_key, type=invalid_request_error\): Incorrect API key provided: sk-\[redacted\]/);
    assert.doesNotMatch(upstreamLines[0]!, /7890/, 'the partly masked key is redacted too');
  });

  test('403 from OpenAI is an authentication failure too', async () => {
    fake.reply = { status: 403, body: { error: { message: 'Project does not have access to model', code: 'model_not_found' } } };
    assertError(await call(handlerWith(), tokenRequest()), 502, 'upstream_auth');
  });

  test('429 from OpenAI becomes 503 upstream_rate_limited and passes Retry-After on', async () => {
    fake.reply = { status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } } };
    const answer = await call(handlerWith(), tokenRequest());
    assertError(answer, 503, 'upstream_rate_limited');
    assert.equal(answer.headers.get('retry-after'), '7');

    fake.reply = { status: 429, headers: { 'retry-after': 'soon<script>' }, body: { error: { code: 'insufficient_quota' } } };
    const noHint = await call(handlerWith(), tokenRequest());
    assertError(noHint, 503, 'upstream_rate_limited');
    assert.equal(noHint.headers.get('retry-after'), null, 'only a plain number of seconds is passed on');
  });

  test('500 from OpenAI becomes 502 upstream_error', async () => {
    fake.reply = { status: 500, body: '<html>internal trace: secret-internal-detail</html>' };
    const answer = await call(handlerWith(), tokenRequest());
    assertError(answer, 502, 'upstream_error');
    assert.doesNotMatch(answer.text, /secret-internal-detail/);
  });

  test('400 from OpenAI becomes 502 upstream_rejected, and the log names the bad field', async () => {
    fake.reply = { status: 400, body: { error: { message: "Unknown parameter: 'session.voice'.", type: 'invalid_request_error', code: 'unknown_parameter', param: 'session.voice' } } };
    const answer = await call(handlerWith(), tokenRequest());
    assertError(answer, 502, 'upstream_rejected');
    assert.doesNotMatch(answer.text, /session\.voice/);
    assert.match(logLines.join('\n'), /code=unknown_parameter, param=session\.voice.*Unknown parameter/);
  });

  test('a 2xx without a client secret becomes 502 upstream_invalid_response', async () => {
    for (const body of [{ expires_at: 1 }, { value: 'ek_x' }, { value: '', expires_at: 1 }, 'not json', { client_secret: VALID_SECRET }]) {
      fake.reply = { status: 200, body };
      assertError(await call(handlerWith(), tokenRequest()), 502, 'upstream_invalid_response');
    }
  });

  test('a redirect is not followed, so the key goes nowhere else', async () => {
    const elsewhere = await startFakeOpenAI();
    try {
      fake.reply = { status: 307, headers: { location: elsewhere.clientSecretsUrl } };
      assertError(await call(handlerWith(), tokenRequest()), 502, 'upstream_error');
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  test('no answer within timeoutMs gives 504 upstream_timeout', async () => {
    fake.reply = 'hang';
    const answer = await call(handlerWith({ timeoutMs: 50 }), tokenRequest());
    assertError(answer, 504, 'upstream_timeout');
    await fake.received(1);
    assert.match(logLines.join('\n'), /did not answer within 50 ms/);
  });

  test('an unreachable upstream gives 502 upstream_unreachable', async () => {
    const answer = await call(handlerWith({ upstreamUrl: await closedPortUrl() }), tokenRequest());
    assertError(answer, 502, 'upstream_unreachable');
    assert.match(logLines.join('\n'), /could not reach/);
  });

  test('an allowed cross-origin page can read the error body', async () => {
    fake.reply = { status: 500, body: {} };
    const answer = await call(handlerWith({ allowedOrigins: ['https://partner.example'] }), tokenRequest({ origin: 'https://partner.example' }));
    assertError(answer, 502, 'upstream_error');
    assert.equal(answer.headers.get('access-control-allow-origin'), 'https://partner.example');
  });
});

describe('configuration errors', () => {
  test('refuses to start without a usable API key, without echoing it', () => {
    assert.throws(() => createTokenHandler({ apiKey: '' }), /apiKey is required/);
    assert.throws(() => createTokenHandler({} as TokenHandlerOptions), /apiKey is required/);
    const broken = `${KEY}\nextra`;
    assert.throws(() => createTokenHandler({ apiKey: broken }), (error: Error) => {
      assert.match(error.message, /characters a header cannot carry/);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
  });

  test('trims a trailing newline from the key, as .env files leave it', async () => {
    await call(handlerWith({ apiKey: `${KEY}\n` }), tokenRequest());
    assert.equal(fake.requests[0]!.headers.authorization, `Bearer ${KEY}`);
  });

  test('checks every option at construction', () => {
    const base = { apiKey: KEY };
    assert.throws(() => createTokenHandler({ ...base, expiresAfterSeconds: 9 }), /10 to 7200/);
    assert.throws(() => createTokenHandler({ ...base, expiresAfterSeconds: 7201 }), /10 to 7200/);
    assert.throws(() => createTokenHandler({ ...base, upstreamUrl: 'http://api.example/v1/realtime/client_secrets' }), /must use https/);
    assert.throws(() => createTokenHandler({ ...base, upstreamUrl: 'not a url' }), /upstreamUrl is not a valid/);
    assert.throws(() => createTokenHandler({ ...base, realtimeUrl: 'https://relay.example/v1/realtime' }), /ws:\/\/ or wss:\/\//);
    assert.throws(() => createTokenHandler({ ...base, allowedOrigins: ['https://shop.example/page'] }), /is not an origin/);
    assert.throws(() => createTokenHandler({ ...base, allowedOrigins: ['shop.example'] }), /not a valid absolute URL|is not an origin/);
    assert.throws(() => createTokenHandler({ ...base, session: { type: 'beta' as never } }), /session\.type must be/);
    assert.throws(() => createTokenHandler({ ...base, session: [] as never }), /session must be an object/);
    assert.throws(() => createTokenHandler({ ...base, rateLimit: { max: 0 } }), /rateLimit/);
    assert.throws(() => createTokenHandler({ ...base, trustProxy: 0 }), /trustProxy/);
    assert.throws(() => createTokenHandler({ ...base, timeoutMs: 0 }), /timeoutMs/);
  });
});

describe('the API key never leaks', () => {
  test('not when OpenAI or fetch echo it back in full', async () => {
    fake.reply = { status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } } };
    await call(handlerWith(), tokenRequest());
    fake.reply = { status: 400, body: { error: { message: `Bad header Bearer ${KEY}`, param: KEY } } };
    await call(handlerWith(), tokenRequest());
    const echoingFetch = async () => {
      throw new TypeError(`Headers.append: "Bearer ${KEY}" is an invalid header value.`, { cause: new Error(`key ${KEY}`) });
    };
    assertError(await call(handlerWith({ fetch: echoingFetch }), tokenRequest()), 502, 'upstream_unreachable');
    const echoingSession = () => { throw new Error(`cannot build session for ${KEY}`); };
    await call(handlerWith({ session: echoingSession }), tokenRequest());
    assert.ok(logLines.length >= 4, 'each failure was logged');
    for (const line of logLines) {
      assert.ok(!line.includes(KEY), `log line leaks the key: ${line}`);
      assert.doesNotMatch(line, /SECRET-1234567890/);
    }
  });

  test('in no response any test above has seen', () => {
    assert.ok(seen.length > 60, `every scenario was recorded (${seen.length})`);
    for (const response of seen) assert.ok(!response.includes(KEY), `response leaks the key: ${response}`);
  });
});
