// Fault matrix, cases 1 and 2: the socket dropped mid-response (and again during the reconnect), and
// the 60-minute session limit (rollover with the history re-seeded). Real drops from the mock server.
import { expect } from '@open-wc/testing';
import { command, lines, mock, mount, renderedLines, textTurn, useHarness, Watch, type WireEvent } from './harness.js';

/**
 * Text items the newest connection received from the element (the re-seeded history), as `role:type:text`, once
 * it has received `count` of them (they leave through the socket worker after the element is ready again).
 */
async function seeds(count: number): Promise<string[]> {
  await command('wait-for-received', { type: 'conversation.item.create', count });
  return (await mock.received())
    .filter((e) => e.type === 'conversation.item.create' && e.item.type === 'message')
    .map((e: WireEvent) => `${e.item.role}:${e.item.content[0].type}:${e.item.content[0].text}`);
}

const sentOfType = async (type: string) => (await mock.sent()).filter((e) => e.type === type).length;

describe('fault 1: the server drops the socket mid-response (1006), and again during the reconnect', () => {
  useHarness();

  it('1a. a 1006 mid-reply: reconnecting, a non-fatal connection_lost, back to listening with the transcript and the history kept', async () => {
    const el = await mount();
    const w = new Watch(el);
    await textTurn(el, w, 'First question');
    // Heard to its end: the next message does not cut it (a cut reply would show only what was heard).
    await w.state('speaking', { from: 0 });
    await w.state('listening', { from: w.states.map((s) => s.state).indexOf('speaking') });
    const before = lines(el);
    // The third audio delta of the next reply never arrives: the TCP connection is reset instead.
    await mock.fault({ on: 'response.output_audio.delta', nth: (await sentOfType('response.output_audio.delta')) + 3, drop: { code: 1006 } });
    const mark = w.states.length;
    void el.sendText('Second question');
    await w.state('reconnecting', { reason: 'connection_lost', from: mark });
    const lost = await w.error('connection_lost');
    expect(lost.fatal).to.equal(false);
    expect(lost.message).to.contain('1006');
    await w.state('listening', { from: w.states.map((s) => s.state).lastIndexOf('reconnecting') });
    expect(el.state).to.equal('listening');

    // Nothing said before the drop is lost or doubled; the cut reply stays as far as it got.
    const after = lines(el);
    expect(after.slice(0, 3)).to.deep.equal([...before, 'user: Second question']);
    expect(after.length).to.be.within(3, 4);
    if (after[3]) expect('assistant: You wrote: Second question').to.contain(after[3]);
    expect(renderedLines(el)).to.deep.equal(el.transcript.map((e) => e.text));
    expect((await seeds(3)).slice(0, 3)).to.deep.equal([
      'user:input_text:First question',
      'assistant:output_text:You wrote: First question',
      'user:input_text:Second question',
    ]);

    await textTurn(el, w, 'Third question');
    expect(lines(el).slice(-2)).to.deep.equal(['user: Third question', 'assistant: You wrote: Third question']);
    expect(w.errors.filter((e) => e.fatal)).to.deep.equal([]);
  });

  it('1b. dropped again while reconnecting: that attempt is reported (non-fatal) and the next one recovers', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    await textTurn(el, w, 'Remember the number 42');
    // The reconnect's socket is reset before the session even starts.
    await mock.nextFaults({ on: 'session.created', drop: { code: 1006 } });
    const connections = (await mock.connections()).length;
    const mark = w.states.length;
    await mock.drop(1006);
    await w.state('reconnecting', { reason: 'connection_lost', from: mark });
    const retry = await w.error('connect_failed');
    expect(retry.fatal).to.equal(false);
    expect(retry.message).to.contain('1006');
    await w.state('listening', { from: mark });
    expect((await mock.connections()).length).to.equal(connections + 2);
    expect(el.state).to.equal('listening');
    expect(lines(el)).to.deep.equal(['user: Remember the number 42', 'assistant: You wrote: Remember the number 42']);
    expect(await seeds(2)).to.deep.equal(['user:input_text:Remember the number 42', 'assistant:output_text:You wrote: Remember the number 42']);
    await textTurn(el, w, 'Still there?');
    expect(lines(el)).to.have.length(4);
    expect(w.errors.filter((e) => e.fatal)).to.deep.equal([]);
  });

  it('1c. drops that never stop: after the retries, a fatal reconnect_failed, the error state, and the transcript kept', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    await textTurn(el, w, 'Hello');
    // Every reconnect is reset before its session starts (5 attempts by default).
    await command('handshake', { status: 503, times: 5 });
    const mark = w.states.length;
    await mock.drop(1006);
    await w.state('error', { from: mark, timeout: 40000 });
    const fatal = w.errors.find((e) => e.fatal)!;
    expect(fatal.code).to.equal('reconnect_failed');
    expect(w.errors.filter((e) => e.code === 'connect_failed').length).to.be.at.least(4);
    expect(lines(el)).to.deep.equal(['user: Hello', 'assistant: You wrote: Hello']);
    expect(renderedLines(el)).to.deep.equal(['Hello', 'You wrote: Hello']);
  });
});

describe('fault 2: session_expired at the session limit', () => {
  useHarness();

  it('2. rolls over at once to a new session, re-seeds the history, shows no error, and the conversation goes on', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    await textTurn(el, w, 'My name is Ada');
    const ids = el.transcript.map((e) => e.itemId);
    const connections = (await mock.connections()).length;
    const mark = w.states.length;
    await mock.expire();
    await w.state('reconnecting', { reason: 'session_expired', from: mark });
    await w.state('listening', { reason: 'rolled_over', from: mark });
    expect((await mock.connections()).length).to.equal(connections + 1);
    expect(await seeds(2)).to.deep.equal(['user:input_text:My name is Ada', 'assistant:output_text:You wrote: My name is Ada']);
    expect(el.transcript.map((e) => e.itemId)).to.deep.equal(ids);
    await textTurn(el, w, 'What is my name?');
    expect(lines(el)).to.deep.equal([
      'user: My name is Ada',
      'assistant: You wrote: My name is Ada',
      'user: What is my name?',
      'assistant: You wrote: What is my name?',
    ]);
    // The limit is expected, not a fault: nothing alarms the page.
    expect(w.errors).to.deep.equal([]);
  });
});
