// A real peer drives the mock: the official `openai` package mints a client secret from the mock's
// GA endpoint and talks to it with its GA realtime WebSocket client (OpenAIRealtimeWS).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { base64ToPcm16, parseServerEvent, pcm16ToBase64 } from '../../src/protocol/index.js';
import { chunks, fixtureSpeech24k } from '../support/wav.js';

type Ev = { type: string; [key: string]: any };

const API_KEY = 'sk-mock-openai-client-test';

/**
 * The SDK always builds a wss:// URL; the mock listens in plain ws on loopback, so the socket is
 * opened as plain TCP. Everything above TCP (handshake, headers, frames) is the SDK's own.
 */
const plainTcp = (opts: { host?: string; port?: number | string }) => net.connect({ host: opts.host, port: Number(opts.port) });

/** Collects the SDK's events in order and lets the test wait for one without sleeping. */
function recorder(rt: OpenAIRealtimeWS) {
  const events: Ev[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  rt.on('event', (ev) => {
    events.push(ev as Ev);
    wake?.();
  });
  rt.on('error', (err) => errors.push(err));
  const waitFor = async (type: string, count = 1): Promise<Ev> => {
    for (;;) {
      const found = events.filter((e) => e.type === type)[count - 1];
      if (found) return found;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return { events, errors, waitFor };
}

async function connect(server: MockRealtimeServer, ek: string) {
  const client = new OpenAI({ apiKey: ek, baseURL: `${server.origin}/v1`, maxRetries: 0 });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: plainTcp as never } }, client);
  const rec = recorder(rt);
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  return { rt, ...rec };
}

/** Collapses runs of one type: ["a","b","b","c"] -> ["a","b*","c"]. */
function collapse(types: string[]): string[] {
  const out: string[] = [];
  for (const t of types) {
    const last = out.at(-1);
    if (last === t || last === `${t}*`) out[out.length - 1] = `${t}*`;
    else out.push(t);
  }
  return out;
}

describe('the official openai GA realtime client against the mock', () => {
  let server: MockRealtimeServer;
  let openai: OpenAI;

  before(async () => {
    server = await startMockRealtime({ apiKey: API_KEY });
    openai = new OpenAI({ apiKey: API_KEY, baseURL: `${server.origin}/v1`, maxRetries: 0 });
  });
  after(() => server.close());

  it('mints a key, streams the WAV fixture and receives a complete server-VAD turn', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const secret = await openai.realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: { type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
    });
    assert.match(secret.value, /^ek_[0-9a-f]{36}$/);
    assert.ok(secret.expires_at >= nowSeconds + 119 && secret.expires_at <= nowSeconds + 121);
    assert.equal(secret.session.type, 'realtime');
    assert.equal((secret.session as { audio: { output: { voice: string } } }).audio.output.voice, 'marin');

    const { rt, events, errors, waitFor } = await connect(server, secret.value);
    const conn = server.lastConnection!;
    assert.equal(conn.info.auth, 'header');
    assert.deepEqual(conn.info.query, { model: 'gpt-realtime' });

    const created = await waitFor('session.created');
    assert.equal(created.session.audio.output.voice, 'marin', 'the secret-bound session applies');
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: {
            transcription: { model: 'gpt-4o-mini-transcribe' },
            turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
          },
        },
      },
    });
    const updated = await waitFor('session.updated');
    assert.deepEqual(updated.session.audio.input.transcription, { model: 'gpt-4o-mini-transcribe', language: null, prompt: null });
    assert.equal(updated.session.audio.input.turn_detection.create_response, true);

    const speech = fixtureSpeech24k();
    for (const chunk of chunks(speech, 20)) rt.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(chunk) });
    const done = await waitFor('response.done');
    // Live sends rate_limits.updated right after response.done: wait for it so the sequence is complete.
    await waitFor('rate_limits.updated');
    rt.close();

    assert.deepEqual(errors, []);
    assert.deepEqual(collapse(events.map((e) => e.type)), [
      'session.created',
      'conversation.created',
      'session.updated',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.delta*',
      'conversation.item.input_audio_transcription.completed',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      ...collapse(events.filter((e) => /^response\.output_audio(_transcript)?\.delta$/.test(e.type)).map((e) => e.type)),
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    for (const ev of events) {
      const parsed = parseServerEvent(ev);
      assert.ok(parsed.ok && parsed.known, `${ev.type} parses as a known GA event`);
      assert.match(ev.event_id, /^event_/);
    }

    const byType = (t: string) => events.filter((e) => e.type === t);
    const [started] = byType('input_audio_buffer.speech_started');
    const [stopped] = byType('input_audio_buffer.speech_stopped');
    // The fixture's speech runs from 0.35 s to 3.82 s: onset minus 300 ms padding, end plus 500 ms silence.
    assert.equal(started!.audio_start_ms, 50);
    assert.equal(stopped!.audio_end_ms, 4320);
    const userItem = started!.item_id;
    assert.equal(stopped!.item_id, userItem);
    assert.deepEqual(byType('input_audio_buffer.committed')[0], { type: 'input_audio_buffer.committed', event_id: byType('input_audio_buffer.committed')[0]!.event_id, previous_item_id: null, item_id: userItem });
    const [userAdded, assistantAdded] = byType('conversation.item.added');
    assert.deepEqual(userAdded!.item, { id: userItem, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
    const transcript = byType('conversation.item.input_audio_transcription.completed')[0]!;
    assert.equal(transcript.item_id, userItem);
    assert.equal(transcript.transcript, '(3.5 s of speech)');
    assert.equal(byType('conversation.item.input_audio_transcription.delta').map((e) => e.delta).join(''), '(3.5 s of speech)');
    assert.equal(transcript.usage.type, 'tokens');

    const responseId = byType('response.created')[0]!.response.id;
    assert.match(responseId, /^resp_/);
    assert.equal(byType('response.created')[0]!.response.status, 'in_progress');
    const assistantItem = assistantAdded!.item.id;
    assert.equal(assistantAdded!.previous_item_id, userItem);
    assert.deepEqual(byType('response.content_part.added')[0]!.part, { type: 'audio', transcript: '' });

    const audio = byType('response.output_audio.delta');
    assert.ok(audio.length >= 5, `several audio deltas (got ${audio.length})`);
    for (const d of audio) assert.deepEqual([d.response_id, d.item_id, d.output_index, d.content_index], [responseId, assistantItem, 0, 0]);
    const pcm = audio.map((d) => base64ToPcm16(d.delta));
    assert.ok(new Set(pcm.map((p) => p.length)).size > 1, 'chunk sizes vary');
    const samples = pcm.reduce((n, p) => n + p.length, 0);
    let energy = 0;
    for (const p of pcm) for (const s of p) energy += (s / 32768) ** 2;
    assert.ok(Math.sqrt(energy / samples) > 0.02, 'the assistant audio is audible PCM16');

    const spoken = 'You said: (3.5 s of speech)';
    assert.equal(byType('response.output_audio_transcript.delta').map((e) => e.delta).join(''), spoken);
    assert.equal(byType('response.output_audio_transcript.done')[0]!.transcript, spoken);
    assert.deepEqual(byType('response.content_part.done')[0]!.part, { type: 'audio', transcript: spoken });
    const finalItem = { id: assistantItem, object: 'realtime.item', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: spoken }] };
    assert.deepEqual(byType('response.output_item.done')[0]!.item, finalItem);
    assert.equal(done.response.id, responseId);
    assert.equal(done.response.status, 'completed');
    assert.equal(done.response.conversation_id, byType('conversation.created')[0]!.conversation.id);
    assert.deepEqual(done.response.output, [finalItem]);
    assert.deepEqual(done.response.audio.output, { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' });
    const usage = done.response.usage;
    assert.equal(usage.output_token_details.audio_tokens, Math.ceil((samples / 24) / 50));
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    assert.ok(usage.input_token_details.audio_tokens > 0);
    await conn.closed;
  });

  it('does a function-call round trip', async () => {
    const secret = await openai.realtime.clientSecrets.create({ session: { type: 'realtime', output_modalities: ['text'] } });
    const { rt, events, errors, waitFor } = await connect(server, secret.value);
    await waitFor('session.created');
    const tool = {
      type: 'function' as const,
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1 },
          verbose: { type: 'boolean' },
        },
        required: ['city', 'unit', 'days'],
      },
    };
    rt.send({ type: 'session.update', session: { type: 'realtime', tools: [tool], tool_choice: 'auto' } });
    await waitFor('session.updated');
    rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Please call get_weather for Paris.' }] } });
    rt.send({ type: 'response.create' });
    const first = await waitFor('response.done');
    await waitFor('rate_limits.updated');
    const callEvents = events.slice(events.findIndex((e) => e.type === 'response.created'));
    assert.deepEqual(collapse(callEvents.map((e) => e.type)), [
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta*',
      'response.function_call_arguments.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const call = first.response.output[0];
    assert.equal(call.type, 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.status, 'completed');
    assert.match(call.call_id, /^call_/);
    assert.deepEqual(JSON.parse(call.arguments), { city: 'example', unit: 'celsius', days: 1 });
    const argsDone = callEvents.find((e) => e.type === 'response.function_call_arguments.done')!;
    assert.deepEqual([argsDone.call_id, argsDone.name, argsDone.arguments], [call.call_id, 'get_weather', call.arguments]);
    assert.equal(callEvents.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join(''), call.arguments);

    // The model waits: nothing follows until the output and a response.create arrive.
    const conn = server.lastConnection!;
    const seen = events.length;
    rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' } });
    await waitFor('conversation.item.done', 3);
    assert.deepEqual(events.slice(seen).map((e) => e.type), ['conversation.item.added', 'conversation.item.done']);
    rt.send({ type: 'response.create' });
    const second = await waitFor('response.done', 2);
    assert.equal(second.response.status, 'completed');
    assert.deepEqual(second.response.output[0].content, [{ type: 'output_text', text: 'The get_weather tool returned: {"temperature":21}' }]);
    const texts = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    assert.equal(texts, 'The get_weather tool returned: {"temperature":21}');
    assert.deepEqual(conn.received.map((e) => e.type), ['session.update', 'conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
    assert.deepEqual(errors, []);
    rt.close();
    await conn.closed;
  });
});
