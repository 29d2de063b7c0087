// Fault matrix, case 10: the element removed from the DOM mid-session and added back (and moved), and
// two elements on one page, each with its own session, microphone and faults.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { command, lines, mock, MOCK_TOKEN_URL, mount, part, renderedLines, textTurn, useHarness, Watch } from './harness.js';

/** An element whose microphone streams and AudioContexts are kept, to check what is released. */
async function observed(attributes: Record<string, string> = {}) {
  const streams: MediaStream[] = [];
  const contexts: AudioContext[] = [];
  const el = await mount(attributes, {
    platform: {
      getUserMedia: async (c) => (streams.push(await navigator.mediaDevices.getUserMedia(c)), streams.at(-1)!),
      createAudioContext: (o) => (contexts.push(new AudioContext(o)), contexts.at(-1)!),
    },
  });
  const released = () =>
    streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')) && contexts.every((c) => c.state === 'closed');
  return { el, streams, contexts, released };
}

describe('fault 10: removed from the DOM mid-session and added back; two elements on one page', () => {
  useHarness();

  it('10a. removed mid-session: the microphone, audio and socket are released; added back, the transcript is there and a new session starts', async () => {
    const { el, streams, released } = await observed({ output: 'text' });
    const w = new Watch(el);
    await el.connect();
    await textTurn(el, w, 'Before removal');
    const parent = el.parentElement!;
    el.remove();
    await w.state('idle');
    await waitUntil(released, 'microphone and audio released', { timeout: 15_000 });
    await waitUntil(async () => (await mock.connections()).every((c) => !c.open), 'the socket closed', { timeout: 15_000 });
    expect(streams.length).to.equal(1);

    parent.append(el);
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(renderedLines(el)).to.deep.equal(['Before removal', 'You wrote: Before removal']);
    expect(el.exportTranscript()).to.equal('You: Before removal\nAssistant: You wrote: Before removal');
    await el.connect();
    await textTurn(el, w, 'After re-adding');
    expect(lines(el)).to.deep.equal(['user: After re-adding', 'assistant: You wrote: After re-adding']);
    expect(w.errors).to.deep.equal([]);
  });

  it('10b. moved to another container (removed and re-inserted at once): the session carries on', async () => {
    const { el, streams, contexts } = await observed({ output: 'text' });
    const w = new Watch(el);
    await el.connect();
    const other = document.createElement('section');
    document.body.append(other);
    try {
      other.append(el); // what a framework does when it re-parents a node
      await el.updateComplete;
      await textTurn(el, w, 'Moved');
      expect(el.state).to.equal('listening');
      expect(streams[0]!.getAudioTracks()[0]!.readyState).to.equal('live');
      expect(contexts.every((c) => c.state === 'running')).to.equal(true);
      expect(w.states.map((s) => s.state)).to.not.include('idle');
      expect((await mock.connections()).filter((c) => c.open)).to.have.length(1);
    } finally {
      el.remove();
      other.remove();
    }
  });

  it('10c. two elements on one page: separate sessions and transcripts; a drop or a removal on one leaves the other alone', async () => {
    const [a, b] = await Promise.all([
      fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text" muted></realtime-voice>`),
      fixture<RealtimeVoice>(html`<realtime-voice token-url=${MOCK_TOKEN_URL} output="text" muted></realtime-voice>`),
    ]);
    const [wa, wb] = [new Watch(a), new Watch(b)];
    await Promise.all([a.connect(), b.connect()]);
    await Promise.all([textTurn(a, wa, 'I am A'), textTurn(b, wb, 'I am B')]);
    expect(lines(a)).to.deep.equal(['user: I am A', 'assistant: You wrote: I am A']);
    expect(lines(b)).to.deep.equal(['user: I am B', 'assistant: You wrote: I am B']);
    const open = (await mock.connections()).filter((c) => c.open);
    expect(open).to.have.length(2);

    // Drop A's connection only (the first one opened is A's or B's: find it by what it received).
    const texts = await Promise.all(open.map(async (c) => JSON.stringify(await mock.received(c.index))));
    const aIndex = open[texts.findIndex((t) => t.includes('I am A'))]!.index;
    const bStates = wb.states.length;
    await command('drop', { code: 1006, connection: aIndex });
    await wa.state('reconnecting');
    await wa.state('listening', { from: wa.states.map((s) => s.state).lastIndexOf('reconnecting') });
    await textTurn(b, wb, 'B goes on');
    expect(wb.states.slice(bStates).map((s) => s.state)).to.not.include('reconnecting');

    a.remove();
    await wa.state('idle');
    await textTurn(b, wb, 'B still goes on');
    expect(lines(b)).to.have.length(6);
    expect(part(b, 'error')!.textContent).to.equal('');
    expect(wb.errors).to.deep.equal([]);
  });
});
