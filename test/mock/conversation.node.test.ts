// Conversation items, responses (audio and text, cancel, out-of-band, limits), truncation and the
// function-call rule, each error case with its exact GA fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MockRealtimeServer } from '../../src/mock/index.js';
import { decodeBase64 } from '../../src/protocol/index.js';
import { type Ev, openWithoutVad as open, TestClient, userText, useMock } from './helpers.js';


function gaError(code: string, message: string, param: string | null, eventId: string | null) {
  return { type: 'invalid_request_error', code, message, param, event_id: eventId };
}

const deltaBytes = (events: Ev[]) => events.filter((e) => e.type === 'response.output_audio.delta').reduce((n, e) => n + decodeBase64(e.delta).length, 0);

describe('conversation items', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('creates items (appended, after an item, at "root"), retrieves and deletes them', async () => {
    const client = await open(server);
    client.send({ type: 'conversation.item.create', item: userText('first', 'item_a') });
    client.send({ type: 'conversation.item.create', item: userText('second', 'item_b') });
    client.send({ type: 'conversation.item.create', previous_item_id: 'root', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'sys' }] } });
    client.send({ type: 'conversation.item.create', previous_item_id: 'item_a', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'between' }] } });
    const events = await client.expect(Array(4).fill(['conversation.item.added', 'conversation.item.done']).flat());
    const a = { id: 'item_a', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'first' }] };
    assert.deepEqual(events[0], { type: 'conversation.item.added', event_id: events[0]!.event_id, previous_item_id: null, item: a });
    assert.deepEqual(events[1], { type: 'conversation.item.done', event_id: events[1]!.event_id, previous_item_id: null, item: a });
    assert.equal(events[2]!.previous_item_id, 'item_a');
    assert.equal(events[4]!.previous_item_id, null, 'root puts the item first');
    assert.match(events[4]!.item.id, /^item_/);
    assert.equal(events[6]!.previous_item_id, 'item_a');
    assert.deepEqual(server.lastConnection!.session!.conversation.map((i) => i.id), [events[4]!.item.id, 'item_a', events[6]!.item.id, 'item_b']);

    client.send({ type: 'conversation.item.retrieve', item_id: 'item_a' });
    client.send({ type: 'conversation.item.delete', item_id: 'item_a' });
    client.send({ type: 'conversation.item.retrieve', event_id: 'r2', item_id: 'item_a' });
    client.send({ type: 'conversation.item.delete', event_id: 'd2', item_id: 'item_a' });
    const [retrieved, deleted, e1, e2] = await client.expect(['conversation.item.retrieved', 'conversation.item.deleted', 'error', 'error']);
    assert.deepEqual(retrieved!.item, a);
    assert.deepEqual(deleted, { type: 'conversation.item.deleted', event_id: deleted!.event_id, item_id: 'item_a' });
    assert.deepEqual(e1!.error, gaError('invalid_value', "Item with item_id 'item_a' not found.", 'item_id', 'r2'));
    assert.deepEqual(e2!.error, gaError('invalid_value', "Item with item_id 'item_a' not found.", 'item_id', 'd2'));
  });

  it('refuses a duplicate id, an unknown previous_item_id and an output for an unknown call', async () => {
    const client = await open(server);
    client.send({ type: 'conversation.item.create', item: userText('x', 'item_x') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'conversation.item.create', event_id: 'e1', item: userText('again', 'item_x') });
    client.send({ type: 'conversation.item.create', event_id: 'e2', previous_item_id: 'item_nope', item: userText('y') });
    client.send({ type: 'conversation.item.create', event_id: 'e3', item: { type: 'function_call_output', call_id: 'call_nope', output: '{}' } });
    const errors = await client.expect(['error', 'error', 'error']);
    assert.deepEqual(errors.map((e) => e.error), [
      gaError('invalid_value', "Item with id 'item_x' already exists.", 'item.id', 'e1'),
      gaError('invalid_value', "Previous item with item_id 'item_nope' not found.", 'previous_item_id', 'e2'),
      gaError('invalid_value', "No tool call found for function call output with call_id 'call_nope'.", 'item.call_id', 'e3'),
    ]);
  });

  it('gives a client-made function_call a call_id, and accepts its output', async () => {
    const client = await open(server);
    client.send({ type: 'conversation.item.create', item: { type: 'function_call', name: 'lookup', arguments: '{}' } });
    const [added] = await client.expect(['conversation.item.added', 'conversation.item.done']);
    assert.match(added!.item.call_id, /^call_/);
    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: added!.item.call_id, output: 'ok' } });
    const [out] = await client.expect(['conversation.item.added', 'conversation.item.done']);
    assert.equal(out!.previous_item_id, added!.item.id);
  });
});

describe('responses', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('streams a text-only response with the whole GA sequence and usage', async () => {
    const client = await open(server, { output_modalities: ['text'] });
    client.send({ type: 'conversation.item.create', item: userText('Hello there, mock', 'item_u') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create' });
    const events = await client.until('response.done');
    const [limits] = await client.expect(['rate_limits.updated']);
    const types = events.map((e) => e.type);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    // Live order: rate limits only after response.done; the conversation item is done before the output item.
    assert.deepEqual(types, [
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      ...deltas.map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
    ]);
    const text = 'You wrote: Hello there, mock';
    assert.deepEqual(deltas.map((e) => e.delta), ['You', ' wrote:', ' Hello', ' there,', ' mock']);
    const [created, itemAdded, convAdded, partAdded] = events;
    const responseId = created!.response.id;
    const itemId = itemAdded!.item.id;
    assert.deepEqual(created!.response, {
      object: 'realtime.response',
      id: responseId,
      status: 'in_progress',
      status_details: null,
      output: [],
      conversation_id: (server.lastConnection!.sent.find((e) => e.type === 'conversation.created')!.conversation as { id: string }).id,
      output_modalities: ['text'],
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' } },
      max_output_tokens: 'inf',
      metadata: null,
      usage: null,
    });
    assert.deepEqual(limits!.rate_limits, [{ name: 'tokens', limit: 40000, remaining: 39000, reset_seconds: 1.5 }]);
    const inProgress = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    assert.deepEqual(itemAdded, { type: 'response.output_item.added', event_id: itemAdded!.event_id, response_id: responseId, output_index: 0, item: inProgress });
    assert.deepEqual(convAdded, { type: 'conversation.item.added', event_id: convAdded!.event_id, previous_item_id: 'item_u', item: inProgress });
    const ref = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    // Content parts spell the type `text`; the item content says `output_text`.
    assert.deepEqual(partAdded, { type: 'response.content_part.added', event_id: partAdded!.event_id, ...ref, part: { type: 'text', text: '' } });
    for (const d of deltas) {
      assert.match(d.obfuscation, /^[A-Za-z0-9]+$/);
      assert.deepEqual({ ...d, delta: '', event_id: '', obfuscation: '' }, { type: 'response.output_text.delta', event_id: '', ...ref, delta: '', obfuscation: '' });
    }
    const tail = events.slice(-5);
    assert.deepEqual(tail[0], { type: 'response.output_text.done', event_id: tail[0]!.event_id, ...ref, text });
    assert.deepEqual(tail[1], { type: 'response.content_part.done', event_id: tail[1]!.event_id, ...ref, part: { type: 'text', text } });
    const item = { ...inProgress, status: 'completed', content: [{ type: 'output_text', text }] };
    // The session's first model item: live names no predecessor in its done (its added did).
    assert.deepEqual(tail[2], { type: 'conversation.item.done', event_id: tail[2]!.event_id, previous_item_id: null, item });
    assert.deepEqual(tail[3], { type: 'response.output_item.done', event_id: tail[3]!.event_id, response_id: responseId, output_index: 0, item });
    const done = tail[4]!.response;
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.output, [item]);
    assert.deepEqual(done.usage.output_token_details, { text_tokens: Math.ceil(text.length / 4), audio_tokens: 0 });
    assert.equal(done.usage.total_tokens, done.usage.input_tokens + done.usage.output_tokens);
    assert.deepEqual(done.usage.input_token_details.cached_tokens_details, { text_tokens: 0, audio_tokens: 0, image_tokens: 0 });
  });

  it('streams audio faster than real time in varied chunks, per response.create overrides (voice, format)', async () => {
    const client = await open(server);
    client.send({ type: 'conversation.item.create', item: userText('Say something long enough to need several chunks of audio please') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create', response: { audio: { output: { voice: 'ash' } } } });
    const pcm = await client.until('response.done');
    client.send({ type: 'response.create', response: { audio: { output: { voice: 'shimmer', format: { type: 'audio/pcmu' } } } } });
    const ulaw = await client.until('response.done');
    const pcmMs = deltaBytes(pcm) / 48;
    const ulawMs = deltaBytes(ulaw) / 8;
    assert.ok(pcmMs > 3000, `a long reply (${pcmMs} ms)`);
    assert.ok(Math.abs(pcmMs - ulawMs) < 1, 'the same words last as long at 8 kHz μ-law');
    const sizes = pcm.filter((e) => e.type === 'response.output_audio.delta').map((e) => decodeBase64(e.delta).length);
    assert.deepEqual(sizes.slice(0, 5), [4800, 6720, 9600, 7680, 5760], '100, 140, 200, 160 and 120 ms of PCM16 at 24 kHz');
    assert.deepEqual(pcm.at(-1)!.response.audio.output, { format: { type: 'audio/pcm', rate: 24000 }, voice: 'ash' });
    assert.deepEqual(ulaw.at(-1)!.response.audio.output, { format: { type: 'audio/pcmu' }, voice: 'shimmer' });
  });

  it('refuses a second response while one is active, cancels on request, and refuses a cancel with none active', async () => {
    server.faults.next({ on: 'response.created', when: 'after', stall: true });
    const client = await open(server, { output_modalities: ['text'] });
    client.send({ type: 'response.create', event_id: 'r1' });
    const [created] = await client.expect(['response.created', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added']);
    const id = created!.response.id;
    client.send({ type: 'response.create', event_id: 'r2' });
    client.send({ type: 'response.cancel', event_id: 'c1' });
    client.send({ type: 'response.cancel', event_id: 'c2' });
    client.send({ type: 'response.cancel', event_id: 'c3', response_id: 'resp_unknown' });
    const events = await client.expect(['error', 'response.output_text.done', 'response.content_part.done', 'conversation.item.done', 'response.output_item.done', 'response.done', 'rate_limits.updated', 'error', 'error']);
    assert.deepEqual(events[0]!.error, gaError('conversation_already_has_active_response', `Conversation already has an active response in progress: ${id}. Wait until the response is finished before creating a new one.`, null, 'r2'));
    assert.equal(events[1]!.text, '');
    assert.equal(events[3]!.item.status, 'incomplete');
    assert.equal(events[4]!.item.status, 'incomplete');
    assert.equal(events[5]!.response.status, 'cancelled');
    assert.deepEqual(events[5]!.response.status_details, { type: 'cancelled', reason: 'client_cancelled' });
    assert.deepEqual(events[7]!.error, gaError('response_cancel_not_active', 'Cancellation failed: no active response found.', null, 'c2'));
    assert.deepEqual(events[8]!.error, gaError('response_cancel_not_active', 'Cancellation failed: no active response found.', null, 'c3'));
    server.lastConnection!.resume();
    client.send({ type: 'response.create' });
    const next = await client.until('response.done');
    assert.equal(next.at(-1)!.response.status, 'completed', 'a new response is allowed once the first is done');
  });

  it('runs an out-of-band response beside the active one: no conversation items, conversation_id null, metadata kept', async () => {
    server.faults.next({ on: 'response.created', when: 'after', stall: true });
    const client = await open(server, { output_modalities: ['text'] });
    client.send({ type: 'conversation.item.create', item: userText('context', 'item_ctx') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create' });
    const [main] = await client.expect(['response.created', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added']);
    client.send({
      type: 'response.create',
      response: { conversation: 'none', metadata: { purpose: 'classify' }, input: [{ type: 'item_reference', id: 'item_ctx' }, userText('Classify this')] },
    });
    const [oob] = await client.expect(['response.created', 'response.output_item.added', 'response.content_part.added']);
    assert.equal(oob!.response.conversation_id, null);
    assert.deepEqual(oob!.response.metadata, { purpose: 'classify' });
    server.lastConnection!.resume();
    const rest = await client.untilResponseDone();
    const rest2 = await client.untilResponseDone();
    const all = [...rest, ...rest2];
    const oobDone = all.find((e) => e.type === 'response.done' && e.response.id === oob!.response.id)!;
    const mainDone = all.find((e) => e.type === 'response.done' && e.response.id === main!.response.id)!;
    assert.equal(oobDone.response.output[0].content[0].text, 'You wrote: Classify this');
    assert.equal(mainDone.response.output[0].content[0].text, 'You wrote: context');
    const oobItem = oobDone.response.output[0].id;
    assert.ok(!all.some((e) => e.type.startsWith('conversation.item') && e.item?.id === oobItem), 'out-of-band output stays out of the conversation');
    assert.ok(!server.lastConnection!.session!.conversation.some((i) => i.id === oobItem));
    client.send({ type: 'response.create', event_id: 'bad_ref', response: { conversation: 'none', input: [{ type: 'item_reference', id: 'item_gone' }] } });
    const [error] = await client.expect(['error']);
    assert.deepEqual(error!.error, gaError('invalid_value', "Item with item_id 'item_gone' not found.", 'response.input[0].id', 'bad_ref'));
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const client = await open(server, { output_modalities: ['text'], max_output_tokens: 3 });
    client.send({ type: 'conversation.item.create', item: userText('Hello there, mock') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create' });
    const done = (await client.until('response.done')).at(-1)!.response;
    assert.equal(done.status, 'incomplete');
    assert.deepEqual(done.status_details, { type: 'incomplete', reason: 'max_output_tokens' });
    assert.equal(done.max_output_tokens, 3);
    assert.deepEqual(done.output[0].content, [{ type: 'output_text', text: 'You wrote: H' }]);
    assert.equal(done.output[0].status, 'incomplete');
  });

  it('answers output_audio_buffer.clear (WebRTC only) with an error', async () => {
    const client = await open(server);
    client.send({ type: 'output_audio_buffer.clear', event_id: 'o1' });
    const [error] = await client.expect(['error']);
    assert.deepEqual(error!.error, gaError('invalid_value', 'output_audio_buffer.clear is only supported for WebRTC and SIP sessions; over WebSocket, truncate the item instead.', 'type', 'o1'));
  });
});

describe('conversation.item.truncate', () => {
  let server: MockRealtimeServer;
  useMock((s) => (server = s));

  it('checks audio_end_ms against the audio it sent, truncates, and drops the transcript', async () => {
    const client = await open(server);
    client.send({ type: 'conversation.item.create', item: userText('hello', 'item_user') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create' });
    const events = await client.untilResponseDone();
    const itemId = events.find((e) => e.type === 'response.output_item.added')!.item.id;
    const sentMs = Math.floor(deltaBytes(events) / 48);
    const truncate = (ms: number, eventId: string, item = itemId, index = 0) => client.send({ type: 'conversation.item.truncate', event_id: eventId, item_id: item, content_index: index, audio_end_ms: ms });
    truncate(sentMs + 1, 't1');
    truncate(500, 't2');
    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    truncate(501, 't3');
    truncate(0, 't4', 'item_user');
    truncate(0, 't5', 'item_missing');
    truncate(0, 't6', itemId, 1);
    const [e1, truncated, retrieved, e3, e4, e5, e6] = await client.expect(['error', 'conversation.item.truncated', 'conversation.item.retrieved', 'error', 'error', 'error', 'error']);
    assert.deepEqual(e1!.error, gaError('invalid_value', `Audio content of ${sentMs}ms is already shorter than ${sentMs + 1}ms`, 'audio_end_ms', 't1'));
    assert.deepEqual(truncated, { type: 'conversation.item.truncated', event_id: truncated!.event_id, item_id: itemId, content_index: 0, audio_end_ms: 500 });
    assert.deepEqual(retrieved!.item.content, [{ type: 'output_audio', transcript: '' }]);
    assert.deepEqual(e3!.error, gaError('invalid_value', 'Audio content of 500ms is already shorter than 501ms', 'audio_end_ms', 't3'));
    assert.deepEqual(e4!.error, gaError('invalid_value', 'Only model output audio messages can be truncated.', 'item_id', 't4'));
    assert.deepEqual(e5!.error, gaError('invalid_value', "Item with item_id 'item_missing' not found.", 'item_id', 't5'));
    assert.deepEqual(e6!.error, gaError('invalid_value', `Item '${itemId}' has no content part 1.`, 'content_index', 't6'));
    truncate(500, 't7');
    await client.expect(['conversation.item.truncated']);
  });

  it('refuses to truncate a text reply', async () => {
    const client = await open(server, { output_modalities: ['text'] });
    client.send({ type: 'response.create' });
    const events = await client.untilResponseDone();
    const itemId = events.at(-1)!.response.output[0].id;
    client.send({ type: 'conversation.item.truncate', event_id: 'tt', item_id: itemId, content_index: 0, audio_end_ms: 0 });
    const [error] = await client.expect(['error']);
    assert.deepEqual(error!.error, gaError('invalid_value', 'Only model output audio messages can be truncated.', 'item_id', 'tt'));
  });
});

describe('the function-call rule', () => {
  let server: MockRealtimeServer;
  const tools = [
    { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    { type: 'function', name: 'set_alarm', parameters: { type: 'object', properties: { time: { type: 'string', format: 'time' }, loud: { type: 'boolean' } }, required: ['time', 'loud'] } },
  ];

  useMock((s) => (server = s));

  async function reply(session: Record<string, unknown>, text: string, response: Record<string, unknown> = {}) {
    const client = await open(server, { output_modalities: ['text'], ...session });
    client.send({ type: 'conversation.item.create', item: userText(text) });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create', response });
    const done = (await client.until('response.done')).at(-1)!.response;
    return done.output[0];
  }

  it('calls the tool the user names (whole word, any case), with arguments valid for its schema', async () => {
    const call = await reply({ tools }, 'Could you SET_ALARM for me?');
    assert.equal(call.type, 'function_call');
    assert.equal(call.name, 'set_alarm');
    assert.deepEqual(JSON.parse(call.arguments), { time: '12:00:00', loud: true });
    const none = await reply({ tools }, 'get_weathers is not a tool name');
    assert.deepEqual(none.content, [{ type: 'output_text', text: 'You wrote: get_weathers is not a tool name' }]);
  });

  it('follows tool_choice: none never calls, a named function is always called, required calls the first tool', async () => {
    assert.equal((await reply({ tools, tool_choice: 'none' }, 'call get_weather')).type, 'message');
    const forced = await reply({ tools, tool_choice: { type: 'function', name: 'set_alarm' } }, 'call get_weather');
    assert.equal(forced.name, 'set_alarm');
    const required = await reply({ tools, tool_choice: 'required' }, 'anything at all');
    assert.equal(required.name, 'get_weather');
    assert.deepEqual(JSON.parse(required.arguments), { city: 'example' });
  });

  it('uses the tools of response.create over the session ones', async () => {
    const call = await reply({}, 'call lookup now', { tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 5 } }, required: ['n'] } }] });
    assert.equal(call.name, 'lookup');
    assert.deepEqual(JSON.parse(call.arguments), { n: 5 });
  });
});
