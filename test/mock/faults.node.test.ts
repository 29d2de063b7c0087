// Fault injection on live connections: drops with chosen close codes (1006 as a TCP reset),
// delays on the mock clock, malformed and binary frames, unknown, duplicated and error events,
// scripted rules on sent or received events, and the logs tests assert on.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ManualClock, startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { parseServerEvent } from '../../src/protocol/index.js';
import { closeClients, TestClient } from './helpers.js';

const userText = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

async function open(server: MockRealtimeServer) {
  const next = server.nextConnection();
  const client = await TestClient.connect(server, { allowUnparsed: true });
  await client.expect(['session.created', 'conversation.created']);
  return { client, conn: await next };
}

/** A WebSocket ping answered: the server has handled everything the client sent before it. */
async function roundTrip(client: TestClient): Promise<void> {
  client.ws.ping();
  await once(client.ws, 'pong');
}

describe('fault injection', () => {
  let server: MockRealtimeServer;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    server = await startMockRealtime({ clock });
  });
  afterEach(() => closeClients());
  after(() => server.close());

  it('drops with a chosen close code: 1006 as an abrupt reset, 1005 without a code, others with a close frame', async () => {
    const cases: Array<[number, string, { code: number; reason: string }]> = [
      [1006, '', { code: 1006, reason: '' }],
      [1005, '', { code: 1005, reason: '' }],
      [1011, 'internal', { code: 1011, reason: 'internal' }],
      [4001, 'custom reason', { code: 4001, reason: 'custom reason' }],
    ];
    for (const [code, reason, seen] of cases) {
      const { client, conn } = await open(server);
      conn.drop(code, reason);
      assert.deepEqual(await client.closed, seen, `drop(${code})`);
      assert.equal(conn.isOpen, false);
    }
  });

  it('drops by rule after N audio deltas (the rule arms the next connection only)', async () => {
    server.faults.next({ on: 'response.output_audio.delta', nth: 2, when: 'after', drop: { code: 1006 } });
    const { client, conn } = await open(server);
    client.send({ type: 'response.create' });
    assert.deepEqual(await client.closed, { code: 1006, reason: '' });
    const types = client.events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'response.output_audio.delta').length, 2);
    assert.equal(types.at(-1), 'response.output_audio.delta');
    assert.equal(conn.sent.filter((e) => e.type === 'response.output_audio.delta').length, 2);
    const { client: healthy } = await open(server);
    healthy.send({ type: 'response.create' });
    assert.equal((await healthy.until('response.done')).at(-1)!.response.status, 'completed');
  });

  it('matches "*" on the nth event of any type, and can drop before an event so it is never sent', async () => {
    server.faults.next({ on: '*', nth: 3, drop: { code: 1001, reason: 'going away' } });
    const { client } = await open(server);
    client.send({ type: 'input_audio_buffer.clear' });
    assert.deepEqual(await client.closed, { code: 1001, reason: 'going away' });
    assert.deepEqual(client.events.map((e) => e.type), ['session.created', 'conversation.created']);
  });

  it('delays every outgoing frame on the mock clock, then sends them in order', async () => {
    const { client, conn } = await open(server);
    conn.delay(1000);
    client.send({ type: 'conversation.item.create', item: userText('held') });
    client.send({ type: 'input_audio_buffer.clear' });
    await roundTrip(client);
    assert.deepEqual(client.pendingTypes(), []);
    assert.deepEqual(conn.sent.slice(-3).map((e) => e.type), ['conversation.item.added', 'conversation.item.done', 'input_audio_buffer.cleared'], 'produced, not yet delivered');
    clock.advance(999);
    await roundTrip(client);
    assert.deepEqual(client.pendingTypes(), []);
    clock.advance(1);
    await client.expect(['conversation.item.added', 'conversation.item.done', 'input_audio_buffer.cleared']);
  });

  it('delays by rule, e.g. a slow response.created', async () => {
    server.faults.next({ on: 'response.created', delayMs: 500 });
    const { client } = await open(server);
    client.send({ type: 'response.create' });
    await roundTrip(client);
    assert.deepEqual(client.pendingTypes(), []);
    clock.advance(500);
    const events = await client.until('response.done');
    assert.equal(events[0]!.type, 'response.created');
  });

  it('sends malformed text, binary frames and unknown events', async () => {
    server.faults.next(
      { on: 'conversation.created', raw: '{"type":"response.done",' },
      { on: 'conversation.created', when: 'after', event: { type: 'mock.future_event', payload: 1 } },
    );
    const client = await TestClient.connect(server, { allowUnparsed: true });
    const conn = server.lastConnection!;
    const [, raw, , unknown] = await client.expect(['session.created', '(raw)', 'conversation.created', 'mock.future_event']);
    const parsed = parseServerEvent(raw!.data);
    assert.equal(parsed.ok, false);
    assert.equal(!parsed.ok && parsed.error.code, 'invalid_json');
    assert.deepEqual(unknown, { type: 'mock.future_event', payload: 1 });
    conn.sendRaw(new Uint8Array([0xde, 0xad]));
    conn.sendEvent({ type: 'response.output_audio.delta', delta: 42 });
    const [binary, mismatched] = await client.expect(['(binary)', 'response.output_audio.delta']);
    assert.ok(binary);
    assert.equal(parseServerEvent(JSON.stringify(mismatched)).ok, false, 'a forged event that breaks its schema');
    assert.deepEqual(conn.sent.filter((e) => e.type === '(raw)'), [{ type: '(raw)', bytes: 24 }, { type: '(raw)', bytes: 2 }]);
  });

  it('duplicates events (same event_id), by call or by rule', async () => {
    server.faults.next({ on: 'response.done', duplicate: true });
    const { client, conn } = await open(server);
    conn.duplicate('conversation.item.added');
    client.send({ type: 'conversation.item.create', item: userText('twice') });
    const [a, b] = await client.expect(['conversation.item.added', 'conversation.item.added', 'conversation.item.done']);
    assert.deepEqual(a, b);
    client.send({ type: 'conversation.item.create', item: userText('once') });
    await client.expect(['conversation.item.added', 'conversation.item.done']);
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.until('response.done');
    const [again] = await client.expect(['response.done']);
    assert.equal(again!.response.status, 'completed');
  });

  it('sends error events, by call or before a chosen event', async () => {
    server.faults.next({ on: 'response.created', error: { code: 'rate_limit_exceeded', message: 'Slow down.', type: 'tokens' } });
    const { client, conn } = await open(server);
    conn.error({ type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.' });
    const [first] = await client.expect(['error']);
    assert.deepEqual(first!.error, { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.', param: null, event_id: null });
    client.send({ type: 'response.create' });
    const [limited] = await client.expect(['error', 'response.created']);
    assert.deepEqual(limited!.error, { type: 'tokens', code: 'rate_limit_exceeded', message: 'Slow down.', param: null, event_id: null });
  });

  it('skips a sent event, or ignores / drops on a received one', async () => {
    server.faults.next(
      { on: 'conversation.created', skip: true },
      { direction: 'received', on: 'response.create', skip: true },
      { direction: 'received', on: 'input_audio_buffer.commit', drop: { code: 1011, reason: 'boom' } },
    );
    const client = await TestClient.connect(server, { allowUnparsed: true });
    const conn = server.lastConnection!;
    await client.expect(['session.created']);
    client.send({ type: 'response.create' });
    assert.deepEqual(await client.drain(), [], 'no conversation.created, and the response.create was ignored');
    assert.deepEqual(conn.received.map((e) => e.type), ['response.create', 'conversation.item.retrieve']);
    client.send({ type: 'input_audio_buffer.commit' });
    assert.deepEqual(await client.closed, { code: 1011, reason: 'boom' });
  });

  it('stalls response streaming until resume(), while other events still flow', async () => {
    const { client, conn } = await open(server);
    conn.stall();
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.expect(['response.created', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added']);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.expect(['input_audio_buffer.cleared']);
    assert.equal(conn.session!.activeResponseId !== undefined, true);
    conn.resume();
    assert.equal((await client.untilResponseDone()).at(-1)!.response.status, 'completed');
  });

  it('stops reading the client while paused, as a congested uplink: its frames back up in its socket and arrive once reading resumes', async () => {
    const { client, conn } = await open(server);
    conn.pauseReading(true);
    const pad = 'x'.repeat(1 << 20);
    let sent = 0;
    // Until the kernel's buffers are full and the client's own socket starts holding bytes.
    while (client.ws.bufferedAmount === 0) {
      assert.ok(sent < 64, 'the client socket backs up within 64 MB');
      client.send({ type: 'rv.test.filler', pad });
      sent++;
      await new Promise((r) => setImmediate(r));
    }
    const seen = conn.received.filter((e) => e.type === 'rv.test.filler').length;
    assert.ok(seen < sent, `${seen} of ${sent} read while paused`);
    conn.pauseReading(false);
    await conn.waitForReceived('rv.test.filler', sent);
    assert.equal(client.ws.bufferedAmount, 0);
  });

  it('ends the session on demand as the time limit does (expire)', async () => {
    const { client, conn } = await open(server);
    conn.expire();
    const [error] = await client.expect(['error']);
    assert.equal(error!.error.code, 'session_expired');
    assert.deepEqual(await client.closed, { code: 1001, reason: 'session_expired' });
  });

  it('records what each connection received and sent, and waits for either without sleeping', async () => {
    const { client, conn } = await open(server);
    const waiting = conn.waitForReceived('conversation.item.create', 2);
    client.send({ type: 'input_audio_buffer.append', audio: 'AAAAAA==' });
    client.send({ type: 'conversation.item.create', event_id: 'one', item: userText('a') });
    client.send({ type: 'conversation.item.create', event_id: 'two', item: userText('b') });
    const second = await waiting;
    assert.equal(second.event_id, 'two');
    assert.deepEqual(conn.received[0], { type: 'input_audio_buffer.append', audio_bytes: 4, audio_peak: 0 });
    const done = await conn.waitForSent('conversation.item.done', 2);
    assert.equal((done.item as { content: Array<{ text: string }> }).content[0]!.text, 'b');
    assert.equal(conn.info.index, server.connections.length);
    client.close();
    await assert.rejects(conn.waitForReceived('response.create'), /closed before the awaited event/);
  });

  it('keeps every open connection and the last 50 closed ones', async () => {
    server.reset();
    const first = server.nextConnection();
    await TestClient.connect(server);
    const firstConn = await first;
    for (let i = 0; i < 55; i++) {
      const c = await TestClient.connect(server);
      c.close();
      await c.closed;
      await server.lastConnection!.closed;
    }
    await TestClient.connect(server);
    const kept = server.connections;
    assert.equal(kept.length, 52);
    assert.equal(kept[0], firstConn, 'the open first connection stays');
    assert.equal(kept.filter((c) => !c.isOpen).length, 50);
    assert.equal(kept[1]!.info.index, kept[0]!.info.index + 6, 'the five oldest closed ones are forgotten');
  });

  it('reset() closes live connections with 1001 and forgets them, and clears armed faults', async () => {
    const { client } = await open(server);
    server.faults.next({ on: 'session.created', drop: { code: 1006 } });
    server.configure({ sessionLimitMs: 1000 });
    server.reset();
    assert.deepEqual(await client.closed, { code: 1001, reason: 'mock reset' });
    assert.equal(server.connections.length, 0);
    const { client: fresh } = await open(server);
    fresh.send({ type: 'input_audio_buffer.clear' });
    await fresh.expect(['input_audio_buffer.cleared']);
    clock.advance(1000);
    await roundTrip(fresh);
    assert.deepEqual(fresh.pendingTypes(), [], 'the session limit is back to its start value');
  });
});
