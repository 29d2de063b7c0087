import { expect } from '@open-wc/testing';
import { fetchToken, normalizeToken, TokenCache, TokenError, type RealtimeToken } from '../../src/client/token.js';
import { FakeClock } from './fake-clock.js';

const NOW = Date.UTC(2026, 0, 1);
const inTenMinutes = NOW / 1000 + 600;

/** A fetch that records its calls and answers with `reply` (a Response, an error to throw, or never). */
function fakeFetch(reply: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = ((url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve().then(reply);
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function rejection(p: Promise<unknown>): Promise<TokenError> {
  try {
    await p;
  } catch (error) {
    expect(error).to.be.instanceOf(TokenError);
    return error as TokenError;
  }
  throw new Error('expected a rejection');
}

describe('token contract (unit)', () => {
  it('POSTs {} with same-origin credentials and reads { value, expires_at, url }', async () => {
    const clock = new FakeClock(NOW);
    const f = fakeFetch(() => json({ value: 'ek_abc', expires_at: inTenMinutes, url: 'wss://proxy.example/v1/realtime' }));
    const token = await fetchToken('/api/token', { fetch: f.fn, clock });
    expect(token).to.deep.equal({ value: 'ek_abc', expiresAt: inTenMinutes * 1000, url: 'wss://proxy.example/v1/realtime' });
    expect(f.calls).to.have.length(1);
    expect(f.calls[0]!.url).to.equal('/api/token');
    expect(f.calls[0]!.init.method).to.equal('POST');
    expect(f.calls[0]!.init.credentials).to.equal('same-origin');
    expect(f.calls[0]!.init.body).to.equal('{}');
    expect(clock.pending, 'the timeout timer is cleared').to.deep.equal([]);
  });

  it('reads the { client_secret: { value, expires_at } } shape and a bare string', () => {
    expect(normalizeToken({ client_secret: { value: 'ek_x', expires_at: inTenMinutes } }, { now: NOW })).to.deep.equal({
      value: 'ek_x',
      expiresAt: inTenMinutes * 1000,
    });
    expect(normalizeToken('ek_plain', { now: NOW })).to.deep.equal({ value: 'ek_plain' });
    // Milliseconds by mistake are still understood rather than read as the year 58000.
    expect(normalizeToken({ value: 'ek_ms', expires_at: NOW + 60_000 }, { now: NOW }).expiresAt).to.equal(NOW + 60_000);
  });

  it('fails with token_missing_value, token_expired and standard_key_refused, with messages that say why', () => {
    const fail = (body: unknown, allowStandardKey = false) => {
      try {
        normalizeToken(body, { now: NOW, allowStandardKey });
      } catch (error) {
        return error as TokenError;
      }
      throw new Error('expected a TokenError');
    };
    expect(fail({ expires_at: inTenMinutes }).code).to.equal('token_missing_value');
    expect(fail({ client_secret: { value: '' } }).code).to.equal('token_missing_value');
    expect(fail(null).code).to.equal('token_missing_value');
    const expired = fail({ value: 'ek_old', expires_at: NOW / 1000 - 1 });
    expect(expired.code).to.equal('token_expired');
    expect(expired.message).to.contain('expired');
    const refused = fail({ value: 'sk-proj-123', expires_at: inTenMinutes });
    expect(refused.code).to.equal('standard_key_refused');
    expect(refused.message).to.contain('allowStandardKey: true');
    expect(refused.message).to.contain('ek_');
    expect(normalizeToken({ value: 'sk-proj-123' }, { now: NOW, allowStandardKey: true }).value).to.equal('sk-proj-123');
  });

  it('maps HTTP errors, non-JSON bodies and network failures to typed errors', async () => {
    const clock = new FakeClock(NOW);
    const http = await rejection(fetchToken('/t', { clock, fetch: fakeFetch(() => json({ error: 'no' }, 503)).fn }));
    expect([http.code, http.status]).to.deep.equal(['token_http_error', 503]);
    expect(http.message).to.contain('503');
    // The token handler's JSON error reaches the developer, so "check OPENAI_API_KEY" is not lost behind a status.
    const explained = await rejection(fetchToken('/t', { clock, fetch: fakeFetch(() => json({ error: { code: 'upstream_auth', message: 'The server could not authenticate with OpenAI (check OPENAI_API_KEY).' } }, 502)).fn }));
    expect([explained.code, explained.status]).to.deep.equal(['token_http_error', 502]);
    expect(explained.message).to.equal('The token endpoint answered HTTP 502: The server could not authenticate with OpenAI (check OPENAI_API_KEY). (upstream_auth)');
    const html = await rejection(fetchToken('/t', { clock, fetch: fakeFetch(() => new Response('<html>login</html>')).fn }));
    expect(html.code).to.equal('token_not_json');
    expect(html.message).to.contain('<html>login');
    const net = await rejection(
      fetchToken('/t', { clock, fetch: fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))).fn }),
    );
    expect(net.code).to.equal('token_network');
    expect(net.message).to.contain('Failed to fetch');
  });

  it('times out with token_timeout when the endpoint hangs, aborting the request', async () => {
    const clock = new FakeClock(NOW);
    let signal: AbortSignal | undefined;
    const hang = ((_: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        signal = init.signal!;
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as unknown as typeof fetch;
    const p = fetchToken('/t', { clock, fetch: hang, timeoutMs: 5000 });
    expect(clock.pending).to.deep.equal([5000]);
    clock.advance(5000);
    const error = await rejection(p);
    expect(error.code).to.equal('token_timeout');
    expect(signal!.aborted).to.equal(true);
  });

  it('stops with token_aborted when the caller aborts', async () => {
    const clock = new FakeClock(NOW);
    const hang = ((_: string, init: RequestInit) =>
      new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('x', 'AbortError'))))) as unknown as typeof fetch;
    const controller = new AbortController();
    const p = fetchToken('/t', { clock, fetch: hang, signal: controller.signal });
    controller.abort();
    expect((await rejection(p)).code).to.equal('token_aborted');
  });
});

describe('TokenCache', () => {
  function source(clock: FakeClock, ttlMs = 600_000) {
    let n = 0;
    const resolvers: ((t: RealtimeToken) => void)[] = [];
    const fn = () =>
      new Promise<RealtimeToken>((resolve) => {
        n++;
        resolvers.push(resolve);
      });
    return {
      fn,
      get calls() {
        return n;
      },
      answer: () => resolvers.shift()!({ value: `ek_${n}`, expiresAt: clock.now() + ttlMs }),
    };
  }

  it('prefetch starts one fetch; get joins it and then reuses the token while it is unexpired', async () => {
    const clock = new FakeClock(NOW);
    const s = source(clock);
    const cache = new TokenCache(s.fn, { clock, marginMs: 15_000 });
    const pre = cache.prefetch();
    void cache.prefetch();
    const got = cache.get();
    expect(s.calls, 'hover then focus then click share one request').to.equal(1);
    s.answer();
    await pre;
    expect((await got).value).to.equal('ek_1');
    clock.advance(500_000);
    expect((await cache.get()).value, 'still 100 s left: reused').to.equal('ek_1');
    expect(s.calls).to.equal(1);
    clock.advance(90_000); // 10 s left, inside the 15 s margin
    const next = cache.get();
    expect(s.calls).to.equal(2);
    s.answer();
    expect((await next).value).to.equal('ek_2');
  });

  it('get({ fresh: true }) fetches a new token even when one is cached', async () => {
    const clock = new FakeClock(NOW);
    const s = source(clock);
    const cache = new TokenCache(s.fn, { clock });
    const first = cache.get();
    s.answer();
    await first;
    const fresh = cache.get({ fresh: true });
    expect(s.calls).to.equal(2);
    s.answer();
    expect((await fresh).value).to.equal('ek_2');
  });

  it('a failed prefetch is not cached: the next get fetches again and reports its own error', async () => {
    const clock = new FakeClock(NOW);
    let calls = 0;
    const cache = new TokenCache(
      () => (++calls === 1 ? Promise.reject(new TokenError('token_network', 'down')) : Promise.resolve({ value: 'ek_ok', expiresAt: NOW + 600_000 })),
      { clock },
    );
    await cache.prefetch(); // resolves even though the fetch failed
    expect((await cache.get()).value).to.equal('ek_ok');
    expect(calls).to.equal(2);
  });

  it('a token without expires_at is used once and never reused', async () => {
    const clock = new FakeClock(NOW);
    let calls = 0;
    const cache = new TokenCache(() => Promise.resolve({ value: `ek_${++calls}` }), { clock });
    expect((await cache.get()).value).to.equal('ek_1');
    expect((await cache.get()).value).to.equal('ek_2');
  });
});
