// The mock's HTTP side: GA client secrets (request and response shapes, OpenAI's refusals), the
// widget's token endpoint, CORS, unknown paths and injected HTTP failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ManualClock, startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { post } from './helpers.js';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = START / 1000;

describe('POST /v1/realtime/client_secrets', () => {
  let server: MockRealtimeServer;
  let url: string;
  const auth = { Authorization: 'Bearer sk-test-123' };

  before(async () => {
    server = await startMockRealtime({ clock: new ManualClock(START) });
    url = `${server.origin}/v1/realtime/client_secrets`;
  });
  after(() => server.close());

  it('issues an ek_ key that lives 600 s by default, with the effective GA session', async () => {
    const res = await post(url, {}, auth);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(Object.keys(res.body), ['value', 'expires_at', 'session']);
    assert.match(res.body.value, /^ek_[0-9a-f]{36}$/);
    assert.equal(res.body.expires_at, NOW_S + 600);
    const session = res.body.session;
    assert.match(session.id, /^sess_/);
    assert.deepEqual({ ...session, id: 'sess' }, {
      type: 'realtime',
      object: 'realtime.session',
      id: 'sess',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      instructions: session.instructions,
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      truncation: 'auto',
      prompt: null,
      expires_at: NOW_S + 3600,
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: null,
          noise_reduction: null,
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200, idle_timeout_ms: null, create_response: true, interrupt_response: true },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
      },
      include: null,
    });
    assert.equal(typeof session.instructions, 'string');
  });

  it('honours expires_after and binds the requested session (realtime or transcription)', async () => {
    const res = await post(url, { expires_after: { anchor: 'created_at', seconds: 10 }, session: { type: 'realtime', model: 'gpt-realtime-mini', instructions: 'Be brief.', audio: { output: { voice: 'cedar' } } } }, auth);
    assert.equal(res.status, 200);
    assert.equal(res.body.expires_at, NOW_S + 10);
    assert.equal(res.body.session.model, 'gpt-realtime-mini');
    assert.equal(res.body.session.instructions, 'Be brief.');
    assert.equal(res.body.session.audio.output.voice, 'cedar');
    const tx = await post(url, { expires_after: { seconds: 7200 }, session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe', language: 'fr' } } } } }, auth);
    assert.equal(tx.status, 200);
    assert.equal(tx.body.expires_at, NOW_S + 7200);
    assert.equal(tx.body.session.type, 'transcription');
    assert.equal(tx.body.session.object, 'realtime.transcription_session');
    // Live fills the fields the client left out: prompt null.
    assert.deepEqual(tx.body.session.audio.input.transcription, { model: 'gpt-4o-transcribe', language: 'fr', prompt: null });
    assert.deepEqual(tx.body.session.audio.input.turn_detection, { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 });
  });

  it('refuses a request without a key with 401', async () => {
    const res = await post(url, {});
    assert.equal(res.status, 401);
    assert.deepEqual(Object.keys(res.body.error), ['type', 'code', 'message', 'param']);
    assert.deepEqual({ ...res.body.error, message: '' }, { type: 'invalid_request_error', code: null, message: '', param: null });
    assert.match(res.body.error.message, /^You didn't provide an API key/);
  });

  it('refuses a key that is not a standard key (including ek_ keys) with 401 invalid_api_key', async () => {
    for (const key of ['not-a-key', server.issueKey().value]) {
      const res = await post(url, {}, { Authorization: `Bearer ${key}` });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'invalid_api_key');
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.match(res.body.error.message, /^Incorrect API key provided: .*\*+.*\. You can find your API key at/);
      assert.ok(!res.body.error.message.includes(key), 'the key is redacted');
    }
  });

  it('accepts only options.apiKey when one is configured', async () => {
    const strict = await startMockRealtime({ apiKey: 'sk-the-one' });
    try {
      const u = `${strict.origin}/v1/realtime/client_secrets`;
      assert.equal((await post(u, {}, { Authorization: 'Bearer sk-another' })).status, 401);
      assert.equal((await post(u, {}, { Authorization: 'Bearer sk-the-one' })).status, 200);
    } finally {
      await strict.close();
    }
  });

  it('answers a top-level model or type with 400 unknown_parameter, as OpenAI does', async () => {
    for (const name of ['model', 'type']) {
      const res = await post(url, { [name]: 'gpt-realtime' }, auth);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error, { type: 'invalid_request_error', code: 'unknown_parameter', message: `Unknown parameter: '${name}'.`, param: name });
    }
  });

  it('checks expires_after: anchor, integer seconds within 10..7200, no other keys', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ seconds: 9 }, 'integer_below_min_value', "Invalid 'expires_after.seconds': integer below minimum value. Expected a value >= 10, but got 9 instead."],
      [{ seconds: 7201 }, 'integer_above_max_value', "Invalid 'expires_after.seconds': integer above maximum value. Expected a value <= 7200, but got 7201 instead."],
      [{ seconds: 60.5 }, 'invalid_type', "Invalid type for 'expires_after.seconds': expected an integer."],
      [{ anchor: 'now', seconds: 60 }, 'invalid_value', "Invalid value: 'now'. Supported values are: 'created_at'."],
      [{ seconds: 60, after: 1 }, 'unknown_parameter', "Unknown parameter: 'expires_after.after'."],
    ];
    for (const [expires, code, message] of cases) {
      const res = await post(url, { expires_after: expires }, auth);
      assert.equal(res.status, 400, JSON.stringify(expires));
      assert.equal(res.body.error.code, code);
      assert.equal(res.body.error.message, message);
      assert.match(res.body.error.param, /^expires_after\./);
    }
  });

  it('validates the session with the shared GA schemas', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ type: 'realtime', temperature: 0.8 }, 'unknown_parameter', 'session.temperature'],
      [{ instructions: 'no type' }, 'missing_required_parameter', 'session.type'],
      [{ type: 'realtime', instructions: 42 }, 'invalid_type', 'session.instructions'],
      [{ type: 'realtime', output_modalities: ['audio', 'text'] }, 'invalid_value', 'session.output_modalities'],
    ];
    for (const [session, code, param] of cases) {
      const res = await post(url, { session }, auth);
      assert.equal(res.status, 400, JSON.stringify(session));
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.code, code);
      assert.equal(res.body.error.param, param);
    }
  });

  it('answers a body that is not JSON with 400', async () => {
    const res = await post(url, '{"session":', auth);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.match(res.body.error.message, /could not parse the JSON body/);
  });
});

/** Resolves once `test` holds, checking after each turn of the event loop. */
async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setImmediate(resolve));
}

describe('the widget token endpoint, CORS and other paths', () => {
  let server: MockRealtimeServer;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock(START);
    server = await startMockRealtime({ clock, tokenTtlSeconds: 60 });
  });
  after(() => server.close());

  it('POST /token returns { value, expires_at, url } with CORS for any origin', async () => {
    const res = await post(server.tokenUrl, {}, { Origin: 'http://localhost:8000' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['value', 'expires_at', 'url']);
    assert.match(res.body.value, /^ek_/);
    assert.equal(res.body.expires_at, NOW_S + 60);
    assert.equal(res.body.url, server.url);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(server.tokenUrl, /^http:\/\/127\.0\.0\.1:\d+\/token$/);
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
  });

  it('points the token url at the host the caller used', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(server.tokenUrl, { method: 'POST', headers: { Host: `localhost:${server.port}` } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(JSON.parse(body).url, `ws://localhost:${server.port}/v1/realtime`);
  });

  it('answers an OPTIONS preflight with 204 and the requested headers allowed', async () => {
    const res = await fetch(`${server.origin}/v1/realtime/client_secrets`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,openai-beta' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type,openai-beta');
  });

  it('uses the configured CORS origin', async () => {
    const pinned = await startMockRealtime({ corsOrigin: 'http://localhost:9000' });
    try {
      const res = await post(pinned.tokenUrl, {});
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:9000');
      assert.equal(res.headers.get('vary'), 'Origin');
    } finally {
      await pinned.close();
    }
  });

  it('answers unknown paths with an OpenAI-style 404', async () => {
    const res = await post(`${server.origin}/v1/responses`, {});
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: { type: 'invalid_request_error', code: null, message: 'Invalid URL (POST /v1/responses)', param: null } });
  });

  it('describes itself on GET /', async () => {
    const res = await fetch(`${server.origin}/`);
    assert.deepEqual(await res.json(), {
      name: 'realtime-voice mock realtime server',
      url: server.url,
      tokenUrl: server.tokenUrl,
      clientSecretsUrl: `${server.origin}/v1/realtime/client_secrets`,
    });
  });

  it('fails the next token requests on demand (faults.http), then recovers', async () => {
    server.faults.http({ status: 503, times: 2 });
    server.faults.http({ path: '/v1/realtime/client_secrets', status: 429, body: { error: { message: 'Rate limit', type: 'requests', code: 'rate_limit_exceeded', param: null } } });
    const first = await post(server.tokenUrl, {});
    assert.equal(first.status, 503);
    assert.equal(first.body.error.type, 'server_error');
    assert.equal(first.headers.get('access-control-allow-origin'), '*', 'a browser can read the failure');
    assert.equal((await post(server.tokenUrl, {})).status, 503);
    assert.equal((await post(server.tokenUrl, {})).status, 200);
    const limited = await post(`${server.origin}/v1/realtime/client_secrets`, {}, { Authorization: 'Bearer sk-x' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limit_exceeded');
    server.faults.http({ status: 500 });
    server.faults.clear();
    assert.equal((await post(server.tokenUrl, {})).status, 200, 'clear() disarms pending faults');
  });

  it('injects raw bodies, any path, and slow answers (faults.http raw / contentType / delayMs)', async () => {
    server.faults.http({ status: 200, raw: '<html>Sign in</html>' });
    const html = await fetch(server.tokenUrl, { method: 'POST', body: '{}' });
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('content-type'), 'text/html');
    assert.equal(await html.text(), '<html>Sign in</html>');

    server.faults.http({ path: '/t/standard-key', status: 200, body: { value: 'sk-test-1' } });
    assert.deepEqual((await post(`${server.origin}/t/standard-key`, {})).body, { value: 'sk-test-1' });

    const timers = clock.pending;
    server.faults.http({ status: 200, body: { value: 'ek_slow' }, delayMs: 5000 });
    let answered = false;
    const slow = post(server.tokenUrl, {}).finally(() => (answered = true));
    await until(() => clock.pending > timers);
    // The answer waits for the mock's clock, not for real time.
    clock.advance(4999);
    assert.equal(answered, false);
    clock.advance(1);
    assert.deepEqual((await slow).body, { value: 'ek_slow' });

    // A client that gives up while the answer is delayed leaves nothing pending on the mock.
    server.faults.http({ status: 200, body: { value: 'ek_never' }, delayMs: 60_000 });
    const controller = new AbortController();
    const hung = fetch(server.tokenUrl, { method: 'POST', body: '{}', signal: controller.signal }).catch((e: Error) => e.name);
    await until(() => clock.pending > timers);
    controller.abort();
    assert.equal(await hung, 'AbortError');
    await until(() => clock.pending === timers);
    assert.equal((await post(server.tokenUrl, {})).status, 200, 'the next request is served normally');
  });
});
