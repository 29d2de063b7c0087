// WebSocket authentication as OpenAI does it: the `realtime` + `openai-insecure-api-key.<key>`
// subprotocols (browsers) or `Authorization: Bearer` (Node); refusals; the first events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { ManualClock, startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { TestClient, useMock } from './helpers.js';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Connects and returns the first events and the close of a refused connection. */
async function refused(server: MockRealtimeServer, options: Parameters<typeof TestClient.connect>[1]) {
  const client = await TestClient.connect(server, options);
  const [error] = await client.expect(['error']);
  const close = await client.closed;
  assert.deepEqual(client.pendingTypes(), [], 'nothing follows the error');
  return { error: error!, close, client };
}

describe('WebSocket authentication', () => {
  let server: MockRealtimeServer;
  const clock = new ManualClock(START);
  useMock((s) => (server = s), { clock });

  it('accepts the browser subprotocols, selects "realtime", and opens with session.created then conversation.created', async () => {
    const client = await TestClient.connect(server);
    assert.equal(client.ws.protocol, 'realtime');
    const [created, conversation] = await client.expect(['session.created', 'conversation.created']);
    assert.match(created!.event_id!, /^event_/);
    assert.equal(created!.session.type, 'realtime');
    assert.equal(created!.session.object, 'realtime.session');
    assert.equal(created!.session.model, 'gpt-realtime');
    assert.equal(created!.session.expires_at, START / 1000 + 3600);
    assert.deepEqual(conversation, { type: 'conversation.created', event_id: conversation!.event_id, conversation: { id: conversation!.conversation.id, object: 'realtime.conversation' } });
    assert.match(conversation!.conversation.id, /^conv_/);
    const conn = server.lastConnection!;
    assert.equal(conn.info.auth, 'subprotocol');
    assert.deepEqual(conn.info.protocols.map((p) => p.replace(/\..*/, '.')), ['realtime', 'openai-insecure-api-key.']);
    assert.ok(!conn.info.protocols.join().includes(server.issueKey().value.slice(3)), 'the key is redacted in the record');
  });

  it('accepts Authorization: Bearer (Node clients), and a standard sk- key as well as an ek_ key', async () => {
    const header = await TestClient.connect(server, { header: true });
    await header.expect(['session.created', 'conversation.created']);
    assert.equal(server.lastConnection!.info.auth, 'header');
    // A standard key binds no model, so live needs ?model= with it.
    const standard = await TestClient.connect(server, { key: 'sk-server-side-key', query: 'model=gpt-realtime' });
    const [created] = await standard.expect(['session.created', 'conversation.created']);
    assert.equal(created!.session.model, 'gpt-realtime');
  });

  it('refuses a connection without a key: error invalid_api_key, then close 3000', async () => {
    const { error, close } = await refused(server, { key: null });
    assert.deepEqual(error.error, {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: "Missing API key: authenticate with the 'openai-insecure-api-key.<key>' subprotocol or an 'Authorization: Bearer <key>' header.",
      param: null,
      event_id: null,
    });
    assert.deepEqual(close, { code: 3000, reason: 'invalid_request_error.invalid_api_key' });
    assert.equal(server.lastConnection!.session, undefined);
  });

  it('refuses an unknown key the same way, with the key redacted', async () => {
    const { error, close } = await refused(server, { key: 'ek_0123456789abcdef0123456789abcdef0123' });
    assert.equal(error.error.code, 'invalid_api_key');
    assert.equal(error.error.message, 'Incorrect API key provided: ek_012********************0123. You can find your API key at https://platform.openai.com/account/api-keys.');
    assert.deepEqual(close, { code: 3000, reason: 'invalid_request_error.invalid_api_key' });
  });

  it('refuses an expired key, while a session it opened before keeps running', async () => {
    const { value } = server.issueKey({ ttlSeconds: 10 });
    const early = await TestClient.connect(server, { key: value });
    await early.expect(['session.created', 'conversation.created']);
    const again = await TestClient.connect(server, { key: value });
    await again.expect(['session.created', 'conversation.created']);
    clock.advance(9_999);
    const justInTime = await TestClient.connect(server, { key: value });
    await justInTime.expect(['session.created', 'conversation.created']);
    clock.advance(1);
    const { error, close } = await refused(server, { key: value });
    assert.equal(error.error.code, 'invalid_api_key');
    assert.match(error.error.message, /^The client secret ek_.*\*+.* has expired\. Mint a new one from \/v1\/realtime\/client_secrets\.$/);
    assert.equal(close.code, 3000);
    early.send({ type: 'input_audio_buffer.clear' });
    await early.expect(['input_audio_buffer.cleared']);
  });

  it('refuses the dead beta shape: beta_api_shape_disabled, then close 4000', async () => {
    const { value } = server.issueKey();
    for (const options of [
      { protocols: ['realtime', `openai-insecure-api-key.${value}`, 'openai-beta.realtime-v1'] },
      { header: true, headers: { 'OpenAI-Beta': 'realtime=v1' } },
    ]) {
      const { error, close } = await refused(server, { key: value, ...options });
      assert.deepEqual(error.error, {
        type: 'invalid_request_error',
        code: 'beta_api_shape_disabled',
        message: 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
        param: null,
        event_id: null,
      });
      assert.deepEqual(close, { code: 4000, reason: 'invalid_request_error.beta_api_shape_disabled' });
    }
  });

  it('answers an upgrade on another path with HTTP 404', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(server.url.replace('/v1/realtime', '/v1/realtime/calls'), ['realtime']);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => {});
    });
    assert.equal(status, 404);
  });

  it('answers the next upgrades with an injected HTTP status (faults.handshake), then recovers', async () => {
    server.faults.handshake({ status: 503 });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(server.url, ['realtime', `openai-insecure-api-key.${server.issueKey().value}`]);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => {});
    });
    assert.equal(status, 503);
    const client = await TestClient.connect(server);
    await client.expect(['session.created', 'conversation.created']);
  });
});

describe('what a connection starts with', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s), {
    model: 'gpt-realtime-2',
    session: { type: 'realtime', instructions: 'Server-wide instructions.', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 800 } } } },
  });

  it('applies the server session, then the session bound to the key', async () => {
    const plain = await TestClient.connect(server);
    const [a] = await plain.expect(['session.created', 'conversation.created']);
    assert.equal(a!.session.model, 'gpt-realtime-2');
    assert.equal(a!.session.instructions, 'Server-wide instructions.');
    assert.equal(a!.session.audio.input.turn_detection.silence_duration_ms, 800);
    const { value } = server.issueKey({ session: { type: 'realtime', model: 'gpt-realtime-mini', instructions: 'Key instructions.', audio: { output: { voice: 'cedar' } } } });
    const bound = await TestClient.connect(server, { key: value });
    const [b] = await bound.expect(['session.created', 'conversation.created']);
    assert.equal(b!.session.model, 'gpt-realtime-mini');
    assert.equal(b!.session.instructions, 'Key instructions.');
    assert.equal(b!.session.audio.output.voice, 'cedar');
    assert.equal(b!.session.audio.input.turn_detection.silence_duration_ms, 800);
  });

  it('takes the model from ?model=', async () => {
    const client = await TestClient.connect(server, { query: 'model=gpt-realtime-mini' });
    const [created] = await client.expect(['session.created', 'conversation.created']);
    assert.equal(created!.session.model, 'gpt-realtime-mini');
    assert.deepEqual(server.lastConnection!.info.query, { model: 'gpt-realtime-mini' });
  });

  it('opens a transcription session with ?intent=transcription', async () => {
    const client = await TestClient.connect(server, { query: 'intent=transcription' });
    const [created] = await client.expect(['session.created', 'conversation.created']);
    assert.equal(created!.session.type, 'transcription');
    assert.equal(created!.session.object, 'realtime.transcription_session');
    // Live: no transcription until the client sets one; VAD echoes four fields only (the realtime server session does not apply).
    assert.equal(created!.session.audio.input.transcription, null);
    assert.deepEqual(created!.session.audio.input.turn_detection, { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 });
    assert.equal(created!.session.model, undefined);
    assert.equal(server.lastConnection!.session!.kind, 'transcription');
  });

  it('refuses an invalid server session at start', async () => {
    await assert.rejects(startMockRealtime({ session: { type: 'realtime', temperature: 1 } }), /Unknown parameter: 'session.temperature'/);
  });
});
