// 60 minutes of simulated traffic through RealtimeClient and its conversation state, accelerated:
// a microphone streaming 20 ms frames all the time, a reply of 10 s of audio every 30 s turn with
// transcripts on both sides, a tool call every fifth turn, and the 60-minute session_expired
// rollover at the end. Heap plus ArrayBuffer memory is measured after forced GCs (Node exposes gc on request); audio
// retained anywhere would add tens of megabytes, so the bound below fails if it were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RealtimeClient } from '../../src/client/client.js';
import { pcm16ToBase64 } from '../../src/protocol/index.js';
import { FakeClock } from './fake-clock.js';
import { FakeSocket, socketFactory, until } from './fake-socket.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TURN_MS = 30_000;
const MIC_FRAME = 480; // 20 ms at 24 kHz
const REPLY_DELTAS = 100; // 100 × 100 ms = 10 s of speech per reply
const DELTA_B64 = pcm16ToBase64(Int16Array.from({ length: 2400 }, (_, i) => Math.round(8000 * Math.sin(i / 9))));
const USER_WORDS = 'please tell me something about the weather in the mountains this weekend'.split(' ');
const REPLY_WORDS = 'the forecast says clear skies with a light breeze and cool nights so pack a warm jacket'.split(' ');

/** JS heap plus ArrayBuffer memory (typed arrays live outside the JS heap), after full GCs. */
function heapMb(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576;
}

/** Plays one turn from the server side: user speech and transcript, an assistant reply (or a tool call). */
async function serverTurn(socket: FakeSocket, n: number, prev: string | null, mic: () => void, creates: () => number): Promise<string> {
  const send = (e: Record<string, unknown>) => socket.receive(e);
  const user = `item_u${n}`;
  const asst = `item_a${n}`;
  const resp = `resp_${n}`;
  const ref = { response_id: resp, item_id: asst, output_index: 0, content_index: 0 };
  send({ type: 'input_audio_buffer.speech_started', item_id: user, audio_start_ms: n * TURN_MS });
  for (let f = 0; f < 250; f++) mic(); // 5 s of speech
  send({ type: 'input_audio_buffer.speech_stopped', item_id: user, audio_end_ms: n * TURN_MS + 5000 });
  send({ type: 'input_audio_buffer.committed', item_id: user, previous_item_id: prev });
  send({ type: 'conversation.item.added', item: { id: user, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] }, previous_item_id: prev });
  send({ type: 'response.created', response: { id: resp, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: 'conv_1' } });
  let last = user;
  let replyResp = resp;
  if (n % 5 === 4) {
    const call = { id: `item_f${n}`, type: 'function_call', name: 'lookup', call_id: `call_${n}`, arguments: '{"q":"weather"}', status: 'completed' };
    send({ type: 'response.output_item.added', response_id: resp, output_index: 0, item: { ...call, status: 'in_progress', arguments: '' } });
    send({ type: 'conversation.item.added', item: { ...call, status: 'in_progress', arguments: '' }, previous_item_id: user });
    send({ type: 'response.function_call_arguments.done', response_id: resp, item_id: call.id, output_index: 0, call_id: call.call_id, arguments: call.arguments });
    send({ type: 'response.output_item.done', response_id: resp, output_index: 0, item: call });
    const before = creates();
    send({ type: 'response.done', response: { id: resp, status: 'completed', output: [call], conversation_id: 'conv_1', usage: { total_tokens: 50 } } });
    await until(() => creates() > before, 'the response.create after the tool output');
    const output = { id: `item_o${n}`, type: 'function_call_output', call_id: call.call_id, output: '{"sunny":true}' };
    send({ type: 'conversation.item.added', item: output, previous_item_id: call.id });
    replyResp = `${resp}_b`;
    send({ type: 'response.created', response: { id: replyResp, status: 'in_progress', output: [], conversation_id: 'conv_1' } });
    last = output.id;
  }
  ref.response_id = replyResp;
  send({ type: 'conversation.item.added', item: { id: asst, type: 'message', role: 'assistant', status: 'in_progress', content: [] }, previous_item_id: last });
  send({ type: 'response.content_part.added', ...ref, part: { type: 'audio', transcript: '' } });
  for (let d = 0; d < REPLY_DELTAS; d++) {
    send({ type: 'response.output_audio.delta', ...ref, delta: DELTA_B64 });
    if (d % 5 === 0) send({ type: 'response.output_audio_transcript.delta', ...ref, delta: REPLY_WORDS[(d / 5) % REPLY_WORDS.length] + ' ' });
    for (let f = 0; f < 5; f++) mic(); // the microphone keeps streaming while the assistant talks
  }
  send({ type: 'response.output_audio.done', ...ref });
  send({ type: 'response.output_audio_transcript.done', ...ref, transcript: REPLY_WORDS.join(' ') });
  const done = { id: asst, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: REPLY_WORDS.join(' ') }] };
  send({ type: 'response.output_item.done', response_id: replyResp, output_index: 0, item: done });
  send({ type: 'response.done', response: { id: replyResp, status: 'completed', output: [done], conversation_id: 'conv_1', usage: { total_tokens: 900 } } });
  for (const [i, w] of USER_WORDS.entries()) {
    send({ type: 'conversation.item.input_audio_transcription.delta', item_id: user, content_index: 0, delta: (i ? ' ' : '') + w });
  }
  send({ type: 'conversation.item.input_audio_transcription.completed', item_id: user, content_index: 0, transcript: USER_WORDS.join(' ') });
  for (let f = 0; f < 1500 - 250 - 5 * REPLY_DELTAS; f++) mic(); // the rest of the 30 s turn
  return asst;
}

test('60 minutes of accelerated traffic keep the heap bounded: no audio is retained', async () => {
  const clock = new FakeClock();
  const factory = socketFactory();
  const client = new RealtimeClient({
    getToken: async () => ({ value: 'ek_long', expires_at: clock.now() / 1000 + 600 }),
    url: 'ws://mock.test/v1/realtime',
    createWebSocket: (url, protocols) => {
      const s = factory.create(url, protocols);
      s.keepSent = false; // count frames only, keep nothing
      return s;
    },
    clock,
    tools: [{ name: 'lookup', handler: () => ({ sunny: true }) }],
  });
  let played = 0;
  client.on('audio', ({ pcm }) => (played += pcm.length)); // a player that consumes and forgets
  let micSent = 0;
  const frame = new Int16Array(MIC_FRAME).fill(3);
  const mic = () => {
    client.appendAudio(frame);
    micSent += MIC_FRAME;
  };

  const connected = client.connect();
  await until(() => factory.sockets.length === 1);
  let creates = 0;
  const watch = (s: FakeSocket) => {
    s.onSend = (e) => {
      if (e.type === 'response.create') creates++;
      if (e.type === 'session.update') queueMicrotask(() => s.receive({ type: 'session.updated', session: e.session }));
    };
  };
  watch(factory.last);
  factory.last.open();
  factory.last.receive({ type: 'session.created', session: { type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } });
  await connected;

  let prev: string | null = null;
  const turns = 60 * 60_000 / TURN_MS; // 120
  const heap: { minute: number; mb: number }[] = [];
  for (let n = 0; n < turns; n++) {
    prev = await serverTurn(factory.last, n, prev, mic, () => creates);
    clock.advance(TURN_MS);
    if (n === 9 || n % 20 === 19) heap.push({ minute: ((n + 1) * TURN_MS) / 60_000, mb: heapMb() });
  }
  // The 60-minute cap: the server ends the session and the client rolls over, replaying the text.
  factory.last.receive({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' } });
  await until(() => factory.sockets.length === 2);
  watch(factory.last);
  factory.last.open();
  factory.last.receive({ type: 'session.created', session: { type: 'realtime' } });
  await until(() => client.state === 'ready');
  const reseeded = factory.last.sentCount - 1; // all but its session.update
  heap.push({ minute: 60, mb: heapMb() });

  const items = client.conversation.items;
  const users = items.filter((i) => i.role === 'user');
  const replies = items.filter((i) => i.role === 'assistant');
  const growth = heap[heap.length - 1]!.mb - heap[0]!.mb;
  const report = {
    heapMb: heap.map((h) => `${h.minute} min: ${h.mb.toFixed(2)}`),
    growthMbFrom5To60Min: Number(growth.toFixed(2)),
    micAudioMb: Number(((micSent * 2) / 1048576).toFixed(1)),
    replyAudioMb: Number(((played * 2) / 1048576).toFixed(1)),
    framesSent: factory.sockets[0]!.sentCount,
    items: client.conversation.size,
    textChars: client.conversation.textLength,
    reseeded,
  };
  console.log('long-session', JSON.stringify(report));

  assert.equal(client.state, 'ready');
  assert.equal(client.stateReason, 'rolled_over');
  assert.equal(users.length, turns);
  assert.equal(replies.length, turns);
  assert.ok(users.every((u) => u.text === USER_WORDS.join(' ') && u.transcript === 'completed'), 'every user transcript assembled');
  assert.ok(replies.every((r) => r.text === REPLY_WORDS.join(' ')), 'every reply transcript assembled');
  assert.equal(played, turns * REPLY_DELTAS * 2400, 'all reply audio was delivered to the player');
  assert.equal(micSent, turns * 1500 * MIC_FRAME, '60 minutes of microphone audio went through');
  // 172.8 MB of microphone PCM and 57.6 MB of reply PCM passed through; text is ~20 KB.
  assert.ok(client.conversation.textLength < 30_000, `text held: ${client.conversation.textLength} chars`);
  assert.ok(growth < 6, `heap grew ${growth.toFixed(2)} MB between minute 5 and minute 60`);
  assert.ok(reseeded > 0, 'the rollover replayed the text history');
});
