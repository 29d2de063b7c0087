import { expect } from '@open-wc/testing';
import { Conversation, type ConversationChange } from '../../src/client/conversation.js';
import {
  added,
  assistantItem,
  audioDelta,
  done,
  ev,
  inputCompleted,
  inputDelta,
  responseDone,
  transcriptDelta,
  transcriptDone,
  userAudioItem,
  userTextItem,
} from './events.js';

const ids = (c: Conversation) => c.items.map((i) => i.id);
const transcriptOn = ev({
  type: 'session.updated',
  session: { type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } },
});

describe('Conversation: ordering by previous_item_id', () => {
  it('places a reply that arrives before its user item after that item once it is known', () => {
    const c = new Conversation();
    c.apply(added(userTextItem('item_a', 'first'), null));
    c.apply(added(assistantItem('item_r'), 'item_u')); // refers to a user item not seen yet
    expect(ids(c)).to.deep.equal(['item_a', 'item_r']);
    c.apply(added(userAudioItem('item_u'), 'item_a'));
    expect(ids(c)).to.deep.equal(['item_a', 'item_u', 'item_r']);
  });

  it('keeps the place added gave an item when its done says previous_item_id: null, as live does on the first reply', () => {
    // Recorded live (test/fixtures/live/gpt-realtime-vad-turn.jsonl): the assistant's conversation.item.done names no predecessor.
    const c = new Conversation();
    c.apply(added(userAudioItem('item_u'), null));
    c.apply(added(assistantItem('item_r'), 'item_u'));
    c.apply(done(assistantItem('item_r', 'completed', 'Hello, Marcelo!'), null));
    expect(ids(c)).to.deep.equal(['item_u', 'item_r']);
    // An item first known from its done still takes the place it names.
    c.apply(done(userTextItem('item_t', 'typed'), 'item_r'));
    expect(ids(c)).to.deep.equal(['item_u', 'item_r', 'item_t']);
  });

  it('inserts after the named predecessor, pushing its old follower down (as the server does)', () => {
    const c = new Conversation();
    c.apply(added(userTextItem('a', 'a'), null));
    c.apply(added(userTextItem('b', 'b'), 'a'));
    c.apply(added(userTextItem('c', 'c'), 'b'));
    c.apply(added(userTextItem('x', 'x'), 'a'));
    expect(ids(c)).to.deep.equal(['a', 'x', 'b', 'c']);
    c.apply(added(userTextItem('first', 'f'), null));
    expect(ids(c)).to.deep.equal(['first', 'a', 'x', 'b', 'c']);
  });

  it('a whole chain waiting for an unknown predecessor moves with it', () => {
    const c = new Conversation();
    c.apply(added(userTextItem('a', 'a'), null));
    c.apply(added(assistantItem('r1'), 'u1'));
    c.apply(added(userTextItem('t', 'typed'), 'r1'));
    c.apply(added(userTextItem('z', 'z'), 'a'));
    expect(ids(c)).to.deep.equal(['a', 'z', 'r1', 't']);
    c.apply(added(userAudioItem('u1'), 'z'));
    expect(ids(c)).to.deep.equal(['a', 'z', 'u1', 'r1', 't']);
  });

  it('shows a pending user placeholder at speech start, before the reply, and fills it when the transcript comes late', () => {
    const c = new Conversation();
    c.apply(transcriptOn);
    c.apply(added(userTextItem('a', 'hello'), null));
    c.apply(ev({ type: 'input_audio_buffer.speech_started', item_id: 'u1', audio_start_ms: 100 }));
    const placeholder = c.get('u1')!;
    expect([placeholder.role, placeholder.transcript, placeholder.text, placeholder.confirmed]).to.deep.equal(['user', 'pending', '', false]);
    c.apply(ev({ type: 'input_audio_buffer.speech_stopped', item_id: 'u1', audio_end_ms: 900 }));
    c.apply(ev({ type: 'input_audio_buffer.committed', item_id: 'u1', previous_item_id: 'a' }));
    c.apply(added(userAudioItem('u1'), 'a'));
    c.apply(added(assistantItem('r1'), 'u1'));
    c.apply(transcriptDelta('resp_1', 'r1', 'Sure, '));
    c.apply(transcriptDelta('resp_1', 'r1', 'here it is.'));
    c.apply(responseDone('resp_1', 'completed', [assistantItem('r1', 'completed', 'Sure, here it is.')]));
    expect(c.get('u1')!.transcript, 'still waiting after the reply').to.equal('pending');
    c.apply(inputDelta('u1', 'What is '));
    expect(c.get('u1')!.transcript).to.equal('partial');
    c.apply(inputCompleted('u1', 'What is the time?'));
    expect(c.items.map((i) => [i.id, i.text])).to.deep.equal([
      ['a', 'hello'],
      ['u1', 'What is the time?'],
      ['r1', 'Sure, here it is.'],
    ]);
    expect(c.get('u1')!.transcript).to.equal('completed');
    expect(c.get('r1')!.status).to.equal('completed');
  });

  it('input_audio_buffer.cleared drops a speech placeholder that was never committed', () => {
    const c = new Conversation();
    c.apply(ev({ type: 'input_audio_buffer.speech_started', item_id: 'u_noise', audio_start_ms: 0 }));
    expect(c.size).to.equal(1);
    c.apply(ev({ type: 'input_audio_buffer.cleared' }));
    expect(c.size).to.equal(0);
  });
});

describe('Conversation: text assembly', () => {
  it('assembles assistant transcripts and text from deltas; done events are authoritative', () => {
    const c = new Conversation();
    c.apply(added(assistantItem('r1'), null));
    c.apply(ev({ type: 'response.content_part.added', response_id: 'resp', item_id: 'r1', output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } }));
    for (const d of ['Hel', 'lo ', 'there']) c.apply(transcriptDelta('resp', 'r1', d));
    expect(c.get('r1')!.text).to.equal('Hello there');
    expect(c.get('r1')!.content[0]!.type, 'the SDK spelling "audio" is read as output_audio').to.equal('output_audio');
    c.apply(transcriptDone('resp', 'r1', 'Hello there!'));
    expect(c.get('r1')!.text).to.equal('Hello there!');

    c.apply(added(assistantItem('r2'), 'r1'));
    for (const d of ['a', 'b']) c.apply(ev({ type: 'response.output_text.delta', response_id: 'resp2', item_id: 'r2', output_index: 0, content_index: 0, delta: d }));
    expect(c.get('r2')!.text).to.equal('ab');
    expect(c.get('r2')!.content[0]!.type).to.equal('output_text');
    expect(c.get('r2')!.responseId).to.equal('resp2');
  });

  it('an item.done without a transcript never erases the text the deltas built', () => {
    const c = new Conversation();
    c.apply(added(userAudioItem('u'), null));
    c.apply(inputCompleted('u', 'kept'));
    c.apply(done(userAudioItem('u', null), null));
    expect(c.get('u')!.text).to.equal('kept');
  });

  it('a failed transcription is marked, with its reason', () => {
    const c = new Conversation();
    c.apply(transcriptOn);
    c.apply(ev({ type: 'input_audio_buffer.committed', item_id: 'u', previous_item_id: null }));
    c.apply(ev({ type: 'conversation.item.input_audio_transcription.failed', item_id: 'u', content_index: 0, error: { code: 'audio_unintelligible', message: 'Could not transcribe' } }));
    expect([c.get('u')!.transcript, c.get('u')!.transcriptError]).to.deep.equal(['failed', 'Could not transcribe']);
  });

  it('without transcription a user audio item has transcript "none", not a placeholder that never resolves', () => {
    const c = new Conversation();
    c.apply(ev({ type: 'session.updated', session: { type: 'realtime', audio: { input: { transcription: null } } } }));
    c.apply(ev({ type: 'input_audio_buffer.committed', item_id: 'u', previous_item_id: null }));
    expect(c.get('u')!.transcript).to.equal('none');
  });

  it('assembles function call arguments and records outputs', () => {
    const c = new Conversation();
    c.apply(ev({ type: 'response.output_item.added', response_id: 'resp', output_index: 0, item: { id: 'fc', type: 'function_call', status: 'in_progress', name: 'get_weather', call_id: 'call_1', arguments: '' } }));
    for (const d of ['{"city":', '"Paris"}']) c.apply(ev({ type: 'response.function_call_arguments.delta', response_id: 'resp', item_id: 'fc', output_index: 0, call_id: 'call_1', delta: d }));
    expect(c.get('fc')!.arguments).to.equal('{"city":"Paris"}');
    c.apply(ev({ type: 'response.function_call_arguments.done', response_id: 'resp', item_id: 'fc', output_index: 0, call_id: 'call_1', arguments: '{"city":"Paris"}' }));
    c.apply(added({ id: 'out', type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' }, 'fc'));
    expect(c.items.map((i) => [i.type, i.name ?? i.output])).to.deep.equal([
      ['function_call', 'get_weather'],
      ['function_call_output', '{"temp":21}'],
    ]);
  });
});

describe('Conversation: truncation, deletion, unknown ids', () => {
  it('truncation keeps the full text, marks the item, and estimates what was heard from the audio played', () => {
    const c = new Conversation();
    c.apply(added(assistantItem('r'), null));
    c.apply(transcriptDelta('resp', 'r', 'One two three four five six seven eight'));
    for (let i = 0; i < 4; i++) c.apply(audioDelta('resp', 'r', 24_000)); // 4 s received
    expect(c.get('r')!.content[0]!.audioMs).to.equal(4000);
    c.apply(ev({ type: 'conversation.item.truncated', item_id: 'r', content_index: 0, audio_end_ms: 2000 }));
    const r = c.get('r')!;
    expect(r.text).to.equal('One two three four five six seven eight');
    expect(r.truncated).to.deep.equal({ contentIndex: 0, audioEndMs: 2000, heardText: 'One two three four' });
  });

  it('deletion removes the item and its follower takes its place', () => {
    const c = new Conversation();
    const changes: ConversationChange[] = [];
    c.apply(added(userTextItem('a', 'a'), null));
    c.apply(added(userTextItem('b', 'bb'), 'a'));
    c.apply(added(userTextItem('c', 'c'), 'b'));
    c.onChange((ch) => changes.push(ch));
    c.apply(ev({ type: 'conversation.item.deleted', item_id: 'b' }));
    expect(ids(c)).to.deep.equal(['a', 'c']);
    expect(changes.map((ch) => ch.kind)).to.deep.equal(['removed']);
    expect(c.textLength).to.equal(2);
    c.apply(added(userTextItem('d', 'd'), 'a'));
    expect(ids(c)).to.deep.equal(['a', 'd', 'c']);
  });

  it('tolerates unknown item ids: late deltas create placeholders, truncate/delete of unknown ids change nothing', () => {
    const c = new Conversation();
    c.apply(ev({ type: 'conversation.item.truncated', item_id: 'ghost', content_index: 0, audio_end_ms: 5 }));
    c.apply(ev({ type: 'conversation.item.deleted', item_id: 'ghost' }));
    expect(c.size).to.equal(0);
    c.apply(inputCompleted('u_early', 'transcript before its item')); // protocol.md §10.11
    c.apply(transcriptDelta('resp', 'r_early', 'reply before its item'));
    expect(c.items.map((i) => [i.id, i.role, i.text, i.confirmed])).to.deep.equal([
      ['u_early', 'user', 'transcript before its item', false],
      ['r_early', 'assistant', 'reply before its item', false],
    ]);
    c.apply(added(userAudioItem('u_early'), null));
    c.apply(added(assistantItem('r_early'), 'u_early'));
    expect(c.items.map((i) => [i.id, i.text, i.confirmed])).to.deep.equal([
      ['u_early', 'transcript before its item', true],
      ['r_early', 'reply before its item', true],
    ]);
  });

  it('keeps no audio: audio deltas add to a duration counter, never to the text or item size', () => {
    const c = new Conversation();
    c.apply(added(assistantItem('r'), null));
    c.apply(transcriptDelta('resp', 'r', 'hi'));
    for (let i = 0; i < 100; i++) c.apply(audioDelta('resp', 'r', 4800));
    expect(c.textLength).to.equal(2);
    expect(c.get('r')!.content[0]!.audioMs).to.equal(20_000);
    expect(JSON.stringify(c.items).length, 'items serialise to a few hundred bytes').to.be.below(500);
  });

  it('reports changes to listeners, and a throwing listener does not stop the others', () => {
    const c = new Conversation();
    const kinds: string[] = [];
    const originalError = console.error;
    console.error = () => {};
    try {
      c.onChange(() => {
        throw new Error('listener bug');
      });
      const off = c.onChange((ch) => kinds.push(ch.kind));
      c.apply(added(userTextItem('a', 'a'), null));
      off();
      c.apply(added(userTextItem('b', 'b'), 'a'));
    } finally {
      console.error = originalError;
    }
    expect(kinds).to.include('added');
    expect(kinds).to.include('updated');
    expect(c.size).to.equal(2);
  });

  it('evicts the oldest items beyond maxItems and reports them', () => {
    const c = new Conversation({ maxItems: 2 });
    const removed: string[] = [];
    c.onChange((ch) => ch.kind === 'removed' && removed.push(`${ch.item.id}:${ch.reason}`));
    c.apply(added(userTextItem('a', 'a'), null));
    c.apply(added(userTextItem('b', 'b'), 'a'));
    c.apply(added(userTextItem('c', 'c'), 'b'));
    expect(ids(c)).to.deep.equal(['b', 'c']);
    expect(removed).to.deep.equal(['a:evicted']);
  });
});

describe('Conversation: sessions and replayed history', () => {
  it('beginSession closes off the old session and history replays its text, newest within budget', () => {
    const c = new Conversation();
    c.apply(transcriptOn);
    c.apply(added(userAudioItem('u1'), null));
    c.apply(inputCompleted('u1', 'Book a table'));
    c.apply(added(assistantItem('r1'), 'u1'));
    c.apply(ev({ type: 'response.output_item.added', response_id: 'resp', output_index: 0, item: { id: 'fc', type: 'function_call', name: 'book', call_id: 'call_1', arguments: '{}' } }));
    c.apply(added({ id: 'fc', type: 'function_call', name: 'book', call_id: 'call_1', arguments: '{}' }, 'r1'));
    c.apply(added({ id: 'fo', type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' }, 'fc'));
    c.apply(added(assistantItem('r2'), 'fo'));
    c.apply(transcriptDelta('resp2', 'r2', 'Done, your table is'));
    c.apply(ev({ type: 'input_audio_buffer.committed', item_id: 'u2', previous_item_id: 'r2' }));
    c.apply(inputDelta('u2', 'Thank'));
    c.apply(ev({ type: 'input_audio_buffer.speech_started', item_id: 'u3', audio_start_ms: 0 }));

    c.beginSession();
    expect(c.get('u3'), 'an empty speech placeholder is discarded').to.equal(undefined);
    expect(c.get('r2')!.status, 'the reply cut by the drop is incomplete, its text kept').to.equal('incomplete');
    expect(c.get('r2')!.text).to.equal('Done, your table is');
    expect([c.get('u2')!.transcript, c.get('u2')!.text]).to.deep.equal(['failed', 'Thank']);
    expect(c.get('r1')!.text).to.equal('');

    const seeds = c.history();
    expect(seeds.map((s) => s.localId)).to.deep.equal(['u1', 'fc', 'fo', 'r2', 'u2']);
    expect(seeds.map((s) => s.item)).to.deep.equal([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Book a table' }] },
      { type: 'function_call', name: 'book', arguments: '{}', call_id: 'call_1' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done, your table is' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thank' }] },
    ]);
    const budget = c.history({ maxChars: 30 });
    expect(budget.map((s) => s.localId), 'the output whose call fell out of the budget is dropped too').to.deep.equal(['r2', 'u2']);
  });

  it('echoes of replayed items change nothing, and the new session continues after the old one', () => {
    const c = new Conversation();
    c.apply(added(userTextItem('u1', 'hello'), null));
    c.apply(added(assistantItem('r1', 'completed', 'hi there'), 'u1'));
    c.beginSession();
    for (const [i, s] of c.history().entries()) c.addSeed(`seed_${i}`, s.localId);
    c.apply(added(userTextItem('seed_0', 'hello'), null));
    c.apply(added({ id: 'seed_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi there' }] }, 'seed_0'));
    expect(ids(c)).to.deep.equal(['u1', 'r1']);
    c.apply(added(userAudioItem('u2'), 'seed_1'));
    c.apply(added(assistantItem('r2'), 'u2'));
    expect(ids(c)).to.deep.equal(['u1', 'r1', 'u2', 'r2']);
    expect([c.get('u2')!.session, c.get('u1')!.session]).to.deep.equal([1, 0]);
    expect(c.serverId('r1'), 'an old item is reached through its replayed copy').to.equal('seed_1');
    expect(c.serverId('u2')).to.equal('u2');
  });

  it('a new session without history still appends after the old items', () => {
    const c = new Conversation();
    c.apply(added(userTextItem('u1', 'hello'), null));
    c.beginSession();
    c.apply(added(userTextItem('n1', 'again'), null));
    expect(ids(c)).to.deep.equal(['u1', 'n1']);
  });

  it('history replays a truncated reply as the part estimated heard', () => {
    const c = new Conversation();
    c.apply(added(assistantItem('r'), null));
    c.apply(transcriptDelta('resp', 'r', 'alpha beta gamma delta'));
    c.apply(audioDelta('resp', 'r', 24_000));
    c.truncate('r', 0, 500);
    expect(c.history()[0]!.item).to.deep.equal({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'alpha beta' }] });
  });
});
