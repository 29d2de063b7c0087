// Fault matrix, cases 3 and 12: every way the site's token endpoint can fail, as the mock's HTTP side
// answers them for real (status codes, a non-JSON page, missing or expired values, slow and hanging
// answers), and a standard `sk-` key, refused unless the page opts in.
import { expect } from '@open-wc/testing';
import type { RvMetricsDetail } from '../../src/events.js';
import { lines, mock, MOCK_ORIGIN, MOCK_URL, mount, part, renderedLines, textTurn, useHarness, Watch } from './harness.js';

const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

/** An element whose token endpoint is `path` on the mock (the socket URL comes from the attribute). */
const withToken = (path: string, props = {}) => mount({ 'token-url': MOCK_ORIGIN + path, url: MOCK_URL }, props);

/** Connects as a click does and waits for the session to end in the error state. */
async function failsWith(path: string, code: string): Promise<{ message: string; w: Watch }> {
  const connections = (await mock.connections()).length;
  const el = await withToken(path);
  const w = new Watch(el);
  await el.connect();
  const error = await w.error(code);
  expect(error.fatal).to.equal(true);
  expect(el.state).to.equal('error');
  await el.updateComplete;
  expect(part(el, 'error')!.textContent).to.equal(error.message);
  expect(el.matches(':state(error)')).to.equal(true);
  expect(w.errors, 'reported once').to.have.length(1);
  expect((await mock.connections()).length, 'no socket was opened').to.equal(connections);
  return { message: error.message, w };
}

describe('fault 3: the token endpoint fails', () => {
  useHarness();

  for (const [status, code] of [
    [401, 'unauthorized'],
    [403, 'origin_not_allowed'],
    [429, 'rate_limited'],
  ] as const) {
    it(`3. HTTP ${status}: a fatal token_http_error naming the status, the error state, no socket`, async () => {
      await mock.httpFault({ path: `/t/${status}`, status, body: { error: { code, message: 'refused' } } });
      const { message } = await failsWith(`/t/${status}`, 'token_http_error');
      expect(message).to.contain(String(status));
    });
  }

  it('3. HTTP 500: a non-fatal token_http_error, then the retry connects', async () => {
    await mock.httpFault({ status: 500 });
    const el = await mount();
    const w = new Watch(el);
    await el.connect();
    expect(el.state).to.equal('listening');
    const error = await w.error('token_http_error');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('500');
    await textTurn(el, w, 'Back?');
  });

  it('3. a token that never comes times out at 10 s and the retry connects, while a slow (5 s) one just connects', async function () {
    this.timeout(30000);
    const key = await mock.issueKey();
    // Both at once, so the suite waits ten seconds once: the hang on /token (the retry gets a real key), the slow one elsewhere.
    await mock.httpFault({ status: 200, body: { value: 'ek_never' }, delayMs: 60_000 });
    await mock.httpFault({ path: '/t/slow', status: 200, body: key, delayMs: 5000 });
    const hung = await mount({ output: 'text' });
    const slow = await withToken('/t/slow', { output: 'text' });
    const [wh, ws] = [new Watch(hung), new Watch(slow)];
    const metrics: RvMetricsDetail[] = [];
    slow.addEventListener('rv-metrics', (e) => metrics.push(e.detail));
    const started = performance.now();
    await Promise.all([hung.sendText('Anyone?'), slow.sendText('Slowly')]);

    expect(ws.errors).to.deep.equal([]);
    expect(metrics.find((m) => m.tokenMs !== undefined)!.tokenMs).to.be.at.least(4900);
    await ws.reply('You wrote: Slowly');

    const timeout = await wh.error('token_timeout', 0);
    expect(timeout.fatal).to.equal(false);
    expect(timeout.message).to.contain('10000 ms');
    expect(performance.now() - started).to.be.at.least(10000);
    await wh.reply('You wrote: Anyone?');
    expect(lines(hung)).to.deep.equal(['user: Anyone?', 'assistant: You wrote: Anyone?']);
  });

  it('3. a page that is not JSON (a login page): a fatal token_not_json', async () => {
    await mock.httpFault({ path: '/t/html', status: 200, raw: '<!doctype html><p>Please sign in</p>' });
    const { message } = await failsWith('/t/html', 'token_not_json');
    expect(message).to.contain('did not answer JSON');
  });

  it('3. JSON without a value: a fatal token_missing_value', async () => {
    await mock.httpFault({ path: '/t/empty', status: 200, body: { expires_at: inAMinute() } });
    const { message } = await failsWith('/t/empty', 'token_missing_value');
    expect(message).to.contain('"value"');
  });

  it('3. a token that has already expired: a fatal token_expired', async () => {
    const key = await mock.issueKey();
    await mock.httpFault({ path: '/t/expired', status: 200, body: { value: key.value, expires_at: Math.floor(Date.now() / 1000) - 30 } });
    const { message } = await failsWith('/t/expired', 'token_expired');
    expect(message).to.contain('expired');
  });

  it('3. the endpoint refuses the fresh token a reconnect needs (401): fatal, and the transcript stays on screen', async () => {
    const el = await mount({ output: 'text' });
    const w = new Watch(el);
    await textTurn(el, w, 'Keep this line');
    await mock.httpFault({ status: 401 });
    const mark = w.states.length;
    await mock.drop(1006);
    await w.state('error', { from: mark });
    expect(w.errors.map((e) => [e.code, e.fatal])).to.deep.equal([
      ['connection_lost', false],
      ['token_http_error', true],
    ]);
    expect(lines(el)).to.deep.equal(['user: Keep this line', 'assistant: You wrote: Keep this line']);
    await el.updateComplete;
    expect(renderedLines(el)).to.deep.equal(['Keep this line', 'You wrote: Keep this line']);
    // A new click starts over once the endpoint is back.
    await el.connect();
    expect(el.state).to.equal('listening');
  });
});

describe('fault 12: the token endpoint returns a standard sk- key', () => {
  useHarness();

  const standardKey = 'sk-proj-Secret123456789';

  it('12. refused with a fatal standard_key_refused: no socket, and the key is never echoed', async () => {
    await mock.httpFault({ path: '/t/sk', status: 200, body: { value: standardKey, expires_at: inAMinute() } });
    const { message, w } = await failsWith('/t/sk', 'standard_key_refused');
    expect(message).to.contain('dangerouslyAllowStandardKey');
    expect(message).to.not.contain(standardKey);
    expect(JSON.stringify(w.states)).to.not.contain(standardKey);
  });

  it('12. accepted when the page sets dangerouslyAllowStandardKey', async () => {
    await mock.httpFault({ path: '/t/sk', status: 200, body: { value: standardKey, expires_at: inAMinute() } });
    // A standard key binds no session, so the model goes in the URL (without one, live refuses with missing_model).
    const el = await withToken('/t/sk', { dangerouslyAllowStandardKey: true, output: 'text', model: 'gpt-realtime' });
    const w = new Watch(el);
    await textTurn(el, w, 'Local experiment');
    expect(w.errors).to.deep.equal([]);
    const [connection] = (await mock.connections()).slice(-1);
    expect(connection!.open).to.equal(true);
  });
});
