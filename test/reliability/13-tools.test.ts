// Fault matrix, case 13: page tools that throw (synchronously or by rejecting) and one that never
// returns. The model is always answered (with an error output), the page hears of it through a
// non-fatal rv-error, and the conversation goes on.
import { expect } from '@open-wc/testing';
import type { ToolContext } from '../../src/client/tools.js';
import { mount, textTurn, useHarness, Watch } from './harness.js';

const noArgs = { type: 'object', properties: {} };

describe('fault 13: a tool handler that throws, and one that never returns', () => {
  useHarness();

  it('13a. a handler that throws (or rejects): the model gets {"error"}, a non-fatal tool_failed, the session goes on', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    el.tools = [
      { type: 'function', name: 'explode', parameters: noArgs, handler: () => { throw new Error('kaboom'); } },
      { type: 'function', name: 'reject', parameters: noArgs, handler: async () => Promise.reject(new TypeError('bad input')) },
    ];
    await el.sendText('Please call explode');
    await w.reply('The explode tool returned: {"error":"kaboom"}');
    const failed = await w.error('tool_failed');
    expect(failed.fatal).to.equal(false);
    expect(failed.message).to.contain('explode').and.contain('kaboom');
    await w.state('listening');

    await el.sendText('Now call reject');
    await w.reply('The reject tool returned: {"error":"bad input"}');
    await w.until(() => w.errors.length === 2, 'the second tool_failed');
    expect(w.errors[1]).to.deep.include({ code: 'tool_failed', fatal: false });
    await textTurn(el, w, 'Thanks');
  });

  it('13b. a handler that never returns: answered as timed out after its timeoutMs, its signal aborted, a non-fatal tool_timeout', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    const contexts: ToolContext[] = [];
    el.tools = [{ type: 'function', name: 'hang', parameters: noArgs, timeoutMs: 300, handler: (_args, context) => (contexts.push(context), new Promise(() => undefined)) }];
    await el.sendText('Please call hang');
    await w.state('thinking');
    await w.reply('The hang tool returned: {"error":"Tool \\"hang\\" timed out after 300 ms."}');
    const timeout = await w.error('tool_timeout');
    expect(timeout.fatal).to.equal(false);
    expect(contexts).to.have.length(1);
    expect(contexts[0]!.signal.aborted, 'the handler is told to stop').to.equal(true);
    await w.state('listening');
    await textTurn(el, w, 'Moving on');
  });

  it('13b. a handler still running when the user ends the session: aborted, nothing reported', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    let context: ToolContext | undefined;
    el.tools = [{ type: 'function', name: 'hang', parameters: noArgs, handler: (_args, c) => ((context = c), new Promise(() => undefined)) }];
    await el.sendText('Please call hang');
    await w.until(() => context !== undefined, 'the tool started');
    el.disconnect();
    expect(context!.signal.aborted).to.equal(true);
    expect(el.state).to.equal('idle');
    expect(w.errors).to.deep.equal([]);
  });
});
