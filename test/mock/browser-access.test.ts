// A page reaches the run's mock realtime server: token over CORS, the GA subprotocols, the first
// events, and the server commands that script faults and inspect what the server received.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
// @ts-expect-error served by the wtr mock plugin (test/support/wtr-plugins.mjs)
import { MOCK_ORIGIN, MOCK_TOKEN_URL, MOCK_URL } from '/__mock-realtime__/config.js';

type Ev = { type: string; [key: string]: any };

/** A browser WebSocket with an ordered inbox. */
function openSocket(url: string, protocols: string[]) {
  const ws = new WebSocket(url, protocols);
  const inbox: Ev[] = [];
  let wake = () => {};
  ws.onmessage = (e) => {
    inbox.push(JSON.parse(e.data as string));
    wake();
  };
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
  const next = async (): Promise<Ev> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return inbox.shift()!;
  };
  return { ws, next, closed };
}

async function token(): Promise<{ value: string; expires_at: number; url: string }> {
  const res = await fetch(MOCK_TOKEN_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  expect(res.status).to.equal(200);
  return res.json();
}

describe('the mock realtime server, from a page', () => {
  beforeEach(() => executeServerCommand('mock-realtime:reset'));

  it('serves its URLs on 127.0.0.1 through the virtual config module', () => {
    expect(MOCK_URL).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    expect(MOCK_TOKEN_URL).to.equal(`${MOCK_ORIGIN}/token`);
    expect(MOCK_ORIGIN).to.not.equal(location.origin, 'the mock runs on another origin than the page');
  });

  it('fetches a token cross-origin and opens the socket with the GA subprotocols', async () => {
    const { value, url } = await token();
    expect(value).to.match(/^ek_/);
    expect(url).to.equal(MOCK_URL);
    const socket = openSocket(url, ['realtime', `openai-insecure-api-key.${value}`]);
    const created = await socket.next();
    expect(socket.ws.protocol).to.equal('realtime');
    expect(created.type).to.equal('session.created');
    expect(created.session.type).to.equal('realtime');
    expect((await socket.next()).type).to.equal('conversation.created');
    socket.ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'From the page.' } }));
    expect((await socket.next()).session.instructions).to.equal('From the page.');
    const received = await executeServerCommand<Ev[], object>('mock-realtime:received');
    expect(received.map((e) => e.type)).to.deep.equal(['session.update']);
    const [conn] = await executeServerCommand<Array<{ info: { auth: string } }>, object>('mock-realtime:connections');
    expect(conn!.info.auth).to.equal('subprotocol');
    socket.ws.close();
  });

  it('mints a client secret with an Authorization header (CORS preflight) from the page', async () => {
    const res = await fetch(`${MOCK_ORIGIN}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-browser-test', 'Content-Type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', audio: { output: { voice: 'marin' } } } }),
    });
    expect(res.status).to.equal(200);
    const secret = await res.json();
    const socket = openSocket(MOCK_URL, ['realtime', `openai-insecure-api-key.${secret.value}`]);
    expect((await socket.next()).session.audio.output.voice).to.equal('marin');
    socket.ws.close();
  });

  it('refuses an unknown key: the page gets error invalid_api_key, then close 3000', async () => {
    const socket = openSocket(MOCK_URL, ['realtime', 'openai-insecure-api-key.ek_unknown_key_0000']);
    const error = await socket.next();
    expect(error.error.code).to.equal('invalid_api_key');
    const close = await socket.closed;
    expect([close.code, close.reason]).to.deep.equal([3000, 'invalid_request_error.invalid_api_key']);
  });

  it('lets a test drop the socket: the browser sees 1006 for a reset, or the chosen close code', async () => {
    const { value } = await token();
    const abrupt = openSocket(MOCK_URL, ['realtime', `openai-insecure-api-key.${value}`]);
    await abrupt.next();
    await executeServerCommand('mock-realtime:drop', { code: 1006 });
    expect((await abrupt.closed).code).to.equal(1006);
    const polite = openSocket(MOCK_URL, ['realtime', `openai-insecure-api-key.${value}`]);
    await polite.next();
    await executeServerCommand('mock-realtime:drop', { code: 4002, reason: 'test' });
    const close = await polite.closed;
    expect([close.code, close.reason]).to.deep.equal([4002, 'test']);
  });

  it('scripts faults on the next connection and injects frames on a live one', async () => {
    await executeServerCommand('mock-realtime:faults', { rules: [{ on: 'conversation.created', when: 'after', event: { type: 'mock.unknown' } }] });
    const { value } = await token();
    const socket = openSocket(MOCK_URL, ['realtime', `openai-insecure-api-key.${value}`]);
    expect([(await socket.next()).type, (await socket.next()).type, (await socket.next()).type]).to.deep.equal(['session.created', 'conversation.created', 'mock.unknown']);
    await executeServerCommand('mock-realtime:error', { error: { code: 'server_error', message: 'Injected.', type: 'server_error' } });
    expect((await socket.next()).error.message).to.equal('Injected.');
    await executeServerCommand('mock-realtime:expire');
    expect((await socket.next()).error.code).to.equal('session_expired');
    expect((await socket.closed).code).to.equal(1001);
  });

  it('fails the token endpoint on demand, readable by the page (CORS on errors too)', async () => {
    await executeServerCommand('mock-realtime:http-fault', { status: 503 });
    const res = await fetch(MOCK_TOKEN_URL, { method: 'POST', body: '{}' });
    expect(res.status).to.equal(503);
    expect((await res.json()).error.type).to.equal('server_error');
  });
});
