// Fault matrix, case 4: frames the server should never send, sent for real over the mock's socket:
// malformed JSON, binary frames, a 10 MB frame, unknown event types, events with missing fields,
// events for unknown item ids, duplicated events, and a transcript that arrives before its item.
import { expect } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { lines, mock, mount, renderedLines, textTurn, useHarness, Watch } from './harness.js';

/** A text session with one exchange on screen. */
async function session(): Promise<{ el: RealtimeVoice; w: Watch; before: string[] }> {
  const el = await mount({ output: 'text' });
  const w = new Watch(el);
  await textTurn(el, w, 'Before the fault');
  return { el, w, before: lines(el) };
}

/** After the fault: still listening, nothing fatal, the old lines intact, and the next turn answered. */
async function carriesOn(el: RealtimeVoice, w: Watch, before: string[]): Promise<void> {
  expect(el.state).to.equal('listening');
  expect(w.errors.filter((e) => e.fatal)).to.deep.equal([]);
  expect(lines(el).slice(0, before.length)).to.deep.equal(before);
  await textTurn(el, w, 'After the fault');
  const after = lines(el);
  const asked = after.indexOf('user: After the fault');
  expect(after.slice(asked, asked + 2)).to.deep.equal(['user: After the fault', 'assistant: You wrote: After the fault']);
  expect(new Set(after).size, 'no line doubled').to.equal(after.length);
  await el.updateComplete;
  expect(renderedLines(el)).to.deep.equal(el.transcript.map((e) => e.text));
}

let n = 0;
const eventId = () => `evt_forged_${++n}`;

describe('fault 4: malformed, oversized, unknown, incomplete, orphan, duplicated and early frames', () => {
  useHarness();

  it('4a. malformed JSON: a non-fatal malformed_event, the frame ignored', async () => {
    const { el, w, before } = await session();
    await mock.sendRaw({ text: '{"type": "response.output_text.delta", "delta": "lost' });
    const error = await w.error('malformed_event');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.match(/JSON/i);
    await carriesOn(el, w, before);
  });

  it('4b. a binary frame: a non-fatal malformed_event', async () => {
    const { el, w, before } = await session();
    await mock.sendRaw({ base64: btoa('\u0000\u0001\u0002binary') });
    const error = await w.error('malformed_event');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.match(/binary/i);
    await carriesOn(el, w, before);
  });

  it('4c. a 10 MB frame: refused unparsed (too_large), a non-fatal malformed_event', async () => {
    const { el, w, before } = await session();
    const last = el.transcript.at(-1)!;
    const huge = JSON.stringify({
      type: 'response.output_text.delta',
      event_id: eventId(),
      response_id: 'resp_huge',
      item_id: last.itemId,
      output_index: 0,
      content_index: 0,
      delta: 'x'.repeat(10 * 1024 * 1024),
    });
    await mock.sendRaw({ text: huge });
    const error = await w.error('malformed_event', 30000);
    expect(error.fatal).to.equal(false);
    expect(error.message).to.match(/exceeds/);
    expect(el.transcript.at(-1)!.text, 'nothing of it reached the transcript').to.equal(last.text);
    await carriesOn(el, w, before);
  });

  it('4d. an unknown event type: passed to the page untouched, no error', async () => {
    const { el, w, before } = await session();
    const event = { type: 'response.future_feature.delta', event_id: eventId(), payload: { nested: [1, 'two'] } };
    await mock.sendEvent(event);
    await w.serverEvent('response.future_feature.delta');
    expect(w.received.find((e) => e.type === event.type)).to.deep.equal(event);
    expect(w.errors).to.deep.equal([]);
    await carriesOn(el, w, before);
    expect(w.errors).to.deep.equal([]);
  });

  it('4e. known events with missing fields: non-fatal malformed_event naming them, nothing applied', async () => {
    const { el, w, before } = await session();
    await mock.sendEvent({ type: 'response.output_text.delta', event_id: eventId() });
    await mock.sendEvent({ type: 'conversation.item.added', event_id: eventId(), previous_item_id: null });
    await mock.sendEvent({ type: 'response.done', event_id: eventId() });
    await w.until(() => w.errors.filter((e) => e.code === 'malformed_event').length === 3, 'three malformed_event errors');
    expect(w.errors.every((e) => !e.fatal)).to.equal(true);
    expect(w.errors[0]!.message).to.contain('response.output_text.delta');
    await carriesOn(el, w, before);
  });

  it('4f. events for unknown item and response ids: tolerated, the real lines untouched', async () => {
    const { el, w, before } = await session();
    const ids = el.transcript.map((e) => e.itemId);
    await mock.sendEvent({ type: 'conversation.item.truncated', event_id: eventId(), item_id: 'item_unknown_1', content_index: 0, audio_end_ms: 10 });
    await mock.sendEvent({ type: 'conversation.item.deleted', event_id: eventId(), item_id: 'item_unknown_2' });
    await mock.sendEvent({ type: 'response.output_audio.delta', event_id: eventId(), response_id: 'resp_unknown', item_id: 'item_unknown_3', output_index: 0, content_index: 0, delta: 'AAAA' });
    await mock.sendEvent({ type: 'response.done', event_id: eventId(), response: { id: 'resp_unknown', object: 'realtime.response', status: 'completed', output: [] } });
    await w.serverEvent('response.done', 2);
    expect(el.transcript.slice(0, ids.length).map((e) => e.itemId)).to.deep.equal(ids);
    expect(el.transcript.filter((e) => e.text !== '').length, 'no line appears from them').to.equal(ids.length);
    await carriesOn(el, w, before);
    expect(w.errors).to.deep.equal([]);
  });

  it('4g. duplicated events (deltas, items, response.done): every line once and exact, turns keep coming', async () => {
    const { el, w, before } = await session();
    await mock.duplicate('response.output_text.delta', 3);
    await mock.duplicate('conversation.item.added', 2);
    await mock.duplicate('response.output_item.done', 1);
    await mock.duplicate('response.done', 1);
    await carriesOn(el, w, before);
    // The copy of the last response.done is the turn's last frame: let it land too.
    await w.serverEvent('response.done', 3);
    for (const type of ['response.output_text.delta', 'conversation.item.added', 'response.done']) {
      const ids = w.received.filter((e) => e.type === type).map((e) => e.event_id);
      expect(new Set(ids).size, `${type} arrived twice`).to.be.lessThan(ids.length);
    }
    // The second turn after the duplicated response.done is answered too: the one-response-at-a-time gate is not confused.
    await textTurn(el, w, 'And again');
    expect(lines(el)).to.deep.equal([...before, 'user: After the fault', 'assistant: You wrote: After the fault', 'user: And again', 'assistant: You wrote: And again']);
    expect(w.errors).to.deep.equal([]);
  });

  it('4h. a transcription completed before its item exists: one user line, in place, final', async () => {
    const { el, w, before } = await session();
    const previous = el.transcript.at(-1)!.itemId;
    await mock.sendEvent({ type: 'conversation.item.input_audio_transcription.completed', event_id: eventId(), item_id: 'item_early', content_index: 0, transcript: 'Spoken early' });
    await w.until(() => el.transcript.some((e) => e.itemId === 'item_early' && e.text === 'Spoken early'), 'the early transcript');
    const item = { id: 'item_early', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio' }] };
    await mock.sendEvent({ type: 'conversation.item.added', event_id: eventId(), previous_item_id: previous, item });
    await mock.sendEvent({ type: 'conversation.item.done', event_id: eventId(), previous_item_id: previous, item });
    await w.until(() => w.received.filter((e) => e.event_id === `evt_forged_${n}`).length === 1, 'the forged item');
    expect(lines(el)).to.deep.equal([...before, 'user: Spoken early']);
    expect(el.transcript.at(-1)!.final).to.equal(true);
    expect(w.errors).to.deep.equal([]);
    await carriesOn(el, w, [...before, 'user: Spoken early']);
  });
});
