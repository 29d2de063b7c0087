// Fault matrix, case 5: GA `error` events the server may send mid-session (a refused value, an active
// response collision, rate limits), and a response that fails on a rate limit. None ends the session.
import { expect } from '@open-wc/testing';
import type { RealtimeVoice } from '../../src/realtime-voice.js';
import { lines, mock, mount, textTurn, useHarness, Watch } from './harness.js';

async function session(): Promise<{ el: RealtimeVoice; w: Watch }> {
  const el = await mount({ output: 'text' });
  const w = new Watch(el);
  await textTurn(el, w, 'Hello');
  return { el, w };
}

const ACTIVE = 'conversation_already_has_active_response';
const activeMessage = 'Conversation already has an active response in progress. Wait until the response is finished before creating a new one.';

describe('fault 5: server error events', () => {
  useHarness();

  it('5a. a non-fatal invalid_value: reported with the server message, the session goes on', async () => {
    const { el, w } = await session();
    const message = "Invalid value: 'loud'. Supported values are: 'alloy', 'marin'.";
    await mock.error({ code: 'invalid_value', message, param: 'session.audio.output.voice' });
    const error = await w.error('invalid_value');
    expect(error).to.deep.equal({ code: 'invalid_value', message, fatal: false });
    expect(el.state).to.equal('listening');
    await textTurn(el, w, 'Still here?');
    expect(lines(el)).to.have.length(4);
  });

  it('5b. conversation_already_has_active_response during a reply: reported, the reply completes once, no second response', async () => {
    const { el, w } = await session();
    await mock.stall();
    void el.sendText('Long answer please');
    await w.serverEvent('response.created', 2);
    await mock.error({ code: ACTIVE, message: activeMessage });
    const error = await w.error(ACTIVE);
    expect(error.fatal).to.equal(false);
    await mock.resume();
    await w.reply('You wrote: Long answer please');
    await w.state('listening');
    await textTurn(el, w, 'Next');
    // One response.create per typed message: the error did not make the element ask again.
    expect(w.sentOf('response.create')).to.have.length(3);
    expect(lines(el)).to.deep.equal([
      'user: Hello',
      'assistant: You wrote: Hello',
      'user: Long answer please',
      'assistant: You wrote: Long answer please',
      'user: Next',
      'assistant: You wrote: Next',
    ]);
  });

  it('5b. conversation_already_has_active_response while idle: reported, and the next message is still answered', async () => {
    const { el, w } = await session();
    await mock.error({ code: ACTIVE, message: activeMessage });
    expect((await w.error(ACTIVE)).fatal).to.equal(false);
    expect(el.state).to.equal('listening');
    await textTurn(el, w, 'Are you stuck?');
    expect(w.sentOf('response.create')).to.have.length(2);
  });

  it('5c. a rate limit error event: non-fatal, the session goes on', async () => {
    const { el, w } = await session();
    const message = 'Rate limit reached for gpt-realtime in organization org-x on tokens per min (TPM). Please try again in 1.2s.';
    await mock.error({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message });
    expect(await w.error('rate_limit_exceeded')).to.deep.equal({ code: 'rate_limit_exceeded', message, fatal: false });
    expect(el.state).to.equal('listening');
    await textTurn(el, w, 'After the limit');
  });

  it('5c. a response that fails on a rate limit: a non-fatal rv-error, and the element is not left thinking', async () => {
    const { el, w } = await session();
    const response = { id: 'resp_limited', object: 'realtime.response', conversation_id: 'conv_1', output: [] };
    await mock.sendEvent({ type: 'response.created', event_id: 'evt_rl_1', response: { ...response, status: 'in_progress' } });
    await w.state('thinking');
    await mock.sendEvent({
      type: 'response.done',
      event_id: 'evt_rl_2',
      response: { ...response, status: 'failed', status_details: { type: 'failed', error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } } },
    });
    const error = await w.error('rate_limit_exceeded');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('rate_limit_exceeded');
    await w.state('listening');
    await textTurn(el, w, 'Try again');
  });
});
