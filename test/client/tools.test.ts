import { expect } from '@open-wc/testing';
import { ToolRunner, type ToolCall } from '../../src/client/tools.js';
import { FakeClock } from './fake-clock.js';

function setup(unhandled: (call: ToolCall, respond: (r: unknown) => void) => boolean = () => false) {
  const clock = new FakeClock();
  const log: string[] = [];
  const runner = new ToolRunner({
    clock,
    defaultTimeoutMs: 1000,
    sendOutput: (callId, output) => log.push(`output ${callId} ${output}`),
    requestResponse: () => log.push('response.create'),
    unhandled,
  });
  return { clock, log, runner };
}
const call = (callId: string, name: string, args = '{}') => ({ id: `item_${callId}`, name, call_id: callId, arguments: args, status: 'completed' });
/** Lets promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ToolRunner', () => {
  it('runs the handler with parsed arguments and sends its JSON result, then one response after response.done', async () => {
    const { log, runner } = setup();
    const seen: unknown[] = [];
    runner.register({ name: 'add', handler: (args) => (seen.push(args), { sum: 3 }) });
    runner.callCompleted(call('c1', 'add', '{"a":1,"b":2}'), 'resp_1');
    runner.callCompleted(call('c1', 'add', '{"a":1,"b":2}'), 'resp_1'); // reported again by response.done
    await settle();
    expect(seen).to.deep.equal([{ a: 1, b: 2 }]);
    expect(log).to.deep.equal(['output c1 {"sum":3}']);
    runner.responseDone('resp_1');
    expect(log).to.deep.equal(['output c1 {"sum":3}', 'response.create']);
  });

  it('waits for every output of a turn before asking for one response', async () => {
    const { log, runner } = setup();
    let release!: (v: string) => void;
    runner.register({ name: 'slow', handler: () => new Promise<string>((r) => (release = r)) });
    runner.register({ name: 'fast', handler: () => 'plain text' });
    runner.callCompleted(call('a', 'slow'), 'resp');
    runner.callCompleted(call('b', 'fast'), 'resp');
    runner.responseDone('resp');
    await settle();
    expect(log).to.deep.equal(['output b plain text']);
    expect(runner.pendingCallIds).to.deep.equal(['a']);
    release('late');
    await settle();
    expect(log).to.deep.equal(['output b plain text', 'output a late', 'response.create']);
  });

  it('turns a thrown handler into {"error": message}', async () => {
    const { log, runner } = setup();
    runner.register({ name: 'sync', handler: () => { throw new Error('no stock'); } });
    runner.register({ name: 'async', handler: async () => { throw new Error('db down'); } });
    runner.callCompleted(call('s', 'sync'), 'r');
    runner.callCompleted(call('a', 'async'), 'r');
    await settle();
    expect(log).to.deep.equal(['output s {"error":"no stock"}', 'output a {"error":"db down"}']);
  });

  it('answers a handler that runs out of time with an error, aborts its signal and ignores its late result', async () => {
    const { clock, log, runner } = setup();
    let signal!: AbortSignal;
    let release!: (v: unknown) => void;
    runner.register({ name: 'hang', timeoutMs: 500, handler: (_a, ctx) => ((signal = ctx.signal), new Promise((r) => (release = r))) });
    runner.callCompleted(call('h', 'hang'), 'r');
    runner.responseDone('r');
    clock.advance(499);
    expect(log).to.deep.equal([]);
    clock.advance(1);
    expect(log).to.deep.equal(['output h {"error":"Tool \\"hang\\" timed out after 500 ms."}', 'response.create']);
    expect(signal.aborted).to.equal(true);
    release({ too: 'late' });
    await settle();
    expect(log).to.have.length(2);
  });

  it('answers invalid JSON arguments and unknown tools with errors; skips calls cut short', async () => {
    const { log, runner } = setup();
    runner.register({ name: 'x', handler: () => 'never' });
    runner.callCompleted(call('j', 'x', '{"broken'), 'r');
    runner.callCompleted(call('u', 'nope'), 'r');
    runner.callCompleted({ ...call('i', 'x'), status: 'incomplete' }, 'r');
    await settle();
    expect(log[0]).to.match(/^output j \{"error":"The arguments are not valid JSON/);
    expect(log[1]).to.equal('output u {"error":"Unknown tool \\"nope\\"."}');
    expect(log).to.have.length(2);
  });

  it('hands a call without a handler to the page, whose respond() sends the output once', async () => {
    const calls: ToolCall[] = [];
    let respond!: (r: unknown) => void;
    const { log, runner } = setup((c, r) => (calls.push(c), (respond = r), true));
    runner.register({ name: 'page_tool', description: 'handled by the page', parameters: { type: 'object' } });
    expect(runner.definitions()).to.deep.equal([{ type: 'function', name: 'page_tool', description: 'handled by the page', parameters: { type: 'object' } }]);
    runner.callCompleted(call('p', 'page_tool', '{"q":1}'), 'r');
    expect(calls.map((c) => [c.name, c.callId, c.args])).to.deep.equal([['page_tool', 'p', { q: 1 }]]);
    runner.responseDone('r');
    respond({ ok: true });
    respond({ ok: 'twice' });
    expect(log).to.deep.equal(['output p {"ok":true}', 'response.create']);
  });

  it('after a reconnect (reset) a turn whose response never reported done still ends with one response', async () => {
    const { log, runner } = setup();
    runner.register({ name: 'f', handler: () => 1 });
    runner.callCompleted(call('c', 'f'), 'old_resp');
    await settle();
    runner.reset();
    expect(log).to.deep.equal(['output c 1', 'response.create']);
  });
});
