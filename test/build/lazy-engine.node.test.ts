// The shell and its engine (issue 17), as a site hosts them: the built files on a static 127.0.0.1 site,
// Debian Chromium with the fake microphone, the mock realtime server. What a visitor's browser fetches
// when, and that every way in (intent, a press before the engine is there, connect() from code,
// engine-url, a strict CSP, the single file) ends in a working session or a clear error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { startMockRealtime, type MockRealtimeServer } from '../../src/mock/index.js';
import { startDistServer, voiceTurn, widgetCsp, widgetPage, type DistServer } from '../support/dist-server.js';

const ENGINE = '/realtime-voice.engine.js';
const T = { timeout: 60_000 };

let mock: MockRealtimeServer;
let site: DistServer;
let browser: Browser;

before(async () => {
  mock = await startMockRealtime();
  site = await startDistServer();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, ignoreDefaultArgs: ['--mute-audio'] });
});
after(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
});

let pages = 0;
/** A fresh tab on a new page of the site; `problems` collects page errors and console errors. */
async function open(script: string, attrs: string, options: { module?: boolean; csp?: string } = {}) {
  const pathname = `/page-${++pages}.html`;
  site.page(pathname, widgetPage(script, `token-url="${mock.tokenUrl}" ${attrs}`, options), options.csp ?? widgetCsp(mock.origin));
  const context = await browser.newContext();
  const tab = await context.newPage();
  const problems: string[] = [];
  tab.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  tab.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  const before = site.requests.length;
  await tab.goto(site.origin + pathname, { waitUntil: 'networkidle' });
  await tab.waitForFunction(() => customElements.get('realtime-voice') !== undefined);
  const fetched = () => site.requests.slice(before);
  return { tab, problems, fetched, pathname, close: () => context.close() };
}

const state = (tab: Page) => tab.evaluate(() => document.querySelector('realtime-voice')!.state);
const until = (tab: Page, wanted: string) =>
  tab.waitForFunction((s) => document.querySelector('realtime-voice')!.state === s, wanted, { timeout: 30_000 });

/** Records the rv-error and rv-state events of the element, from now on. */
interface EventLog {
  errors: { code: string; message: string; fatal: boolean }[];
  states: string[];
}
async function recordEvents(tab: Page): Promise<() => Promise<EventLog>> {
  await tab.evaluate(() => {
    const el = document.querySelector('realtime-voice')!;
    const log: EventLog = ((window as unknown as { rvLog: EventLog }).rvLog = { errors: [], states: [] });
    el.addEventListener('rv-error', (e) => log.errors.push(e.detail));
    el.addEventListener('rv-state', (e) => log.states.push(`${e.detail.state}:${e.detail.reason}`));
  });
  return () => tab.evaluate(() => (window as unknown as { rvLog: EventLog }).rvLog);
}

/** A fresh page whose engine is held back; the button is pressed, and the engine has been asked for. */
async function pressWhileHeld(t: { after(fn: () => unknown): void }, setup?: (tab: Page) => Promise<unknown>) {
  const release = site.hold(ENGINE);
  t.after(release);
  const page = await open('/realtime-voice.iife.js', '');
  t.after(page.close);
  const events = await recordEvents(page.tab);
  await setup?.(page.tab);
  await page.tab.locator('realtime-voice [part~="button"]').click();
  await site.requested(ENGINE);
  return { ...page, events, release };
}

describe('the shell loads the engine on intent', () => {
  for (const shell of [{ script: '/realtime-voice.iife.js', module: false }, { script: '/realtime-voice.js', module: true }]) {
    test(`${shell.script}: nothing but the shell until the pointer comes; pointer enter fetches the engine, then the key; the press connects`, T, async (t) => {
      const page = await open(shell.script, '', { module: shell.module });
      t.after(page.close);
      const { tab } = page;
      // Rendered and idle, and the engine not asked for: a visitor who never comes near it pays for the shell only.
      assert.equal(await state(tab), 'idle');
      assert.equal(await tab.locator('realtime-voice [part~="button"]').isVisible(), true);
      assert.deepEqual(page.fetched(), [page.pathname, shell.script]);
      // The key prefetch follows the engine, as it followed the hover before.
      const key = tab.waitForRequest((request) => request.url() === mock.tokenUrl);
      await tab.locator('realtime-voice [part~="button"]').hover();
      await site.requested(ENGINE);
      await key;
      assert.equal(await state(tab), 'idle', 'intent alone opens nothing');
      await tab.locator('realtime-voice [part~="button"]').click();
      await voiceTurn(tab);
      assert.equal(page.fetched().filter((p) => p === ENGINE).length, 1, 'the engine is fetched once');
      assert.deepEqual(page.problems, []);
    });
  }

  test('a press before the engine has arrived shows connecting, then connects once it does', T, async (t) => {
    // Count the audio contexts made, and when: WebKit starts audio only inside the press itself.
    // (A string: tsx would wrap a named function in a helper the page does not have.)
    const page = await pressWhileHeld(t, (tab) =>
      tab.evaluate(`window.rvContexts = [];
        document.querySelector('realtime-voice').platform = {
          createAudioContext: (options) => (window.rvContexts.push(options.sampleRate ?? 0), new AudioContext(options)),
        };`),
    );
    const { tab, events, release } = page;
    const contexts = () => tab.evaluate(() => (window as unknown as { rvContexts: number[] }).rvContexts);
    assert.equal(await state(tab), 'connecting');
    assert.match(await tab.locator('realtime-voice [part~="status"]').innerText(), /connect/i);
    assert.deepEqual(await contexts(), [0, 24000], 'the microphone and voice contexts are made inside the press');
    release();
    await voiceTurn(tab);
    assert.deepEqual(await contexts(), [0, 24000], 'the engine plays and captures through those, making no others');
    const { states, errors } = await events();
    assert.deepEqual(errors, []);
    // Connecting from the press on; the engine's own connect follows once it is there.
    assert.deepEqual(states.slice(0, 2), ['connecting:engine-loading', 'connecting:connect']);
    assert.ok(states.some((s) => s.startsWith('listening:')), states.join(' '));
    assert.deepEqual(page.problems, []);
  });

  test('connect() from code loads the engine and opens the session, with the settings made before it arrived', T, async (t) => {
    const page = await open('/realtime-voice.iife.js', '');
    t.after(page.close);
    const { tab } = page;
    // Settings at page load cost no download: they wait for the engine.
    await tab.evaluate(() => {
      const el = document.querySelector('realtime-voice')!;
      el.updateSession({ instructions: 'Answer in French.', max_output_tokens: 200 });
      el.voice = 'cedar';
      // Later than the patch, so it wins for its one field, as it would with the engine loaded.
      el.instructions = 'Answer in German.';
      (window as unknown as { rvSent: unknown[] }).rvSent = [];
      el.addEventListener('rv-client-event', (e) => (window as unknown as { rvSent: unknown[] }).rvSent.push(e.detail));
    });
    assert.equal(page.fetched().includes(ENGINE), false);
    await tab.evaluate(() => document.querySelector('realtime-voice')!.connect());
    assert.equal(await state(tab), 'listening', 'connect() resolves once listening');
    assert.equal(page.fetched().filter((p) => p === ENGINE).length, 1);
    const sent = (await tab.evaluate(() => (window as unknown as { rvSent: { type: string; session?: Record<string, unknown> }[] }).rvSent))
      .filter((e) => e.type === 'session.update');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.session!.instructions, 'Answer in German.');
    assert.equal(sent[0]!.session!.max_output_tokens, 200);
    assert.deepEqual((sent[0]!.session!.audio as { output?: unknown }).output, { voice: 'cedar' });
    await voiceTurn(tab);
    assert.deepEqual(page.problems, []);
  });

  test('a press, then leaving before the engine arrives: back to idle, and nothing opens once it does', T, async (t) => {
    const connections = mock.connections.length;
    const page = await pressWhileHeld(t);
    const { tab, events, release } = page;
    await tab.locator('realtime-voice [part~="button"]').click();
    assert.equal(await state(tab), 'idle');
    const tokens: string[] = [];
    tab.on('request', (request) => request.url() === mock.tokenUrl && tokens.push(request.url()));
    release();
    await tab.evaluate(() => (customElements.get('realtime-voice') as unknown as { loadEngine(): Promise<void> }).loadEngine());
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    assert.equal(await state(tab), 'idle');
    assert.deepEqual((await events()).states, ['connecting:engine-loading', 'idle:disconnect']);
    // The hover prefetch may fetch a key; the session itself never opened.
    assert.ok(tokens.length <= 1, tokens.join(' '));
    assert.equal(mock.connections.length, connections, 'no session opened');
    assert.deepEqual(page.problems, []);
  });

  test('engine-url: the engine comes from where the page hosts it', T, async (t) => {
    site.alias('/static/rv/engine-1.0.js', 'realtime-voice.engine.js');
    const page = await open('/realtime-voice.iife.js', 'engine-url="static/rv/engine-1.0.js"');
    t.after(page.close);
    const { tab } = page;
    await tab.evaluate(() => document.querySelector('realtime-voice')!.connect());
    assert.equal(await state(tab), 'listening');
    assert.equal(page.fetched().includes('/static/rv/engine-1.0.js'), true, 'relative to the page');
    assert.equal(page.fetched().includes(ENGINE), false);
    assert.deepEqual(page.problems, []);
  });

  test('a missing engine file: a fatal engine_load_failed that names the URL and the fix, shown on the card until a press retries', T, async (t) => {
    const page = await open('/realtime-voice.iife.js', 'engine-url="/missing/engine.js"');
    t.after(page.close);
    const { tab } = page;
    const events = await recordEvents(tab);
    await tab.evaluate(() => (document.querySelector('realtime-voice')!.shadowRoot!.querySelector('[part~="button"]') as HTMLElement).click());
    await until(tab, 'error');
    const { errors, states } = await events();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'engine_load_failed');
    assert.equal(errors[0]!.fatal, true);
    assert.ok(errors[0]!.message.includes(`${site.origin}/missing/engine.js`), errors[0]!.message);
    assert.match(errors[0]!.message, /engine-url/);
    assert.deepEqual(states, ['connecting:engine-loading', 'error:engine_load_failed']);
    const errorText = () => tab.locator('realtime-voice [part~="error"]').innerText();
    assert.ok((await errorText()).includes('/missing/engine.js'));
    // A hover tries again quietly (past the browser's cached failure); the error stays until the visitor presses.
    await tab.locator('realtime-voice [part~="button"]').hover();
    await site.requested('/missing/engine.js?retry=1');
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    assert.equal(await state(tab), 'error');
    assert.ok((await errorText()).includes('/missing/engine.js'));
    // The file is there now: the next press, at the same URL, loads it and connects.
    site.alias('/missing/engine.js', 'realtime-voice.engine.js');
    await tab.locator('realtime-voice [part~="button"]').click();
    await until(tab, 'listening');
    assert.ok(page.fetched().includes('/missing/engine.js?retry=2'), page.fetched().join(' '));
    assert.equal((await events()).errors.length, 1);
    // Chromium reports the 404s of the module fetches on the console; nothing else may go wrong.
    assert.deepEqual(page.problems.filter((p) => !/404|Failed to (load|fetch)/i.test(p)), []);
  });

  test('removed from the page while the engine loads: the press is dropped, nothing opens once it arrives', T, async (t) => {
    const connections = mock.connections.length;
    const page = await pressWhileHeld(t);
    const { tab, events, release } = page;
    // Detached, then back a task later (a dialog or keep-alive move that is not a same-task move).
    await tab.evaluate(() => {
      const el = document.querySelector('realtime-voice')!;
      el.remove();
      return new Promise((resolve) => setTimeout(() => resolve(document.body.append(el)), 0));
    });
    assert.equal(await state(tab), 'idle');
    release();
    await tab.evaluate(() => (customElements.get('realtime-voice') as unknown as { loadEngine(): Promise<void> }).loadEngine());
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    assert.equal(await state(tab), 'idle');
    assert.deepEqual((await events()).states, ['connecting:engine-loading', 'idle:host-disconnected']);
    assert.equal(mock.connections.length, connections, 'no session opened');
    assert.deepEqual(page.problems, []);
  });

  test('typed first while the engine loads, then the button: the microphone joins the session once it arrives', T, async (t) => {
    const release = site.hold(ENGINE);
    t.after(release);
    const page = await open('/realtime-voice.iife.js', 'text-input');
    t.after(page.close);
    const { tab } = page;
    await tab.locator('realtime-voice [part~="input"]').fill('Hello there');
    await tab.locator('realtime-voice [part~="input"]').press('Enter');
    await site.requested(ENGINE);
    assert.equal(await state(tab), 'connecting');
    const label = () => tab.locator('realtime-voice [part~="label"]').innerText();
    assert.equal(await label(), 'Start conversation', 'typed: no microphone yet');
    await tab.locator('realtime-voice [part~="button"]').click();
    assert.equal(await label(), 'Stop conversation', 'the press asks for the microphone');
    release();
    await tab.waitForFunction(() => document.querySelector('realtime-voice')!.transcript.some((e) => e.role === 'assistant' && e.final && e.text.includes('Hello there')));
    // The microphone is open: the label says so and the input meter moves with the fake microphone's speech.
    assert.equal(await label(), 'Stop conversation');
    await tab.waitForFunction(() => {
      const meter = document.querySelector('realtime-voice')!.shadowRoot!.querySelector<HTMLElement>('[part~="input-level"]')!;
      return Number(meter.style.getPropertyValue('--rv-input-level')) > 0;
    });
    assert.deepEqual(page.problems, []);
  });

  test("a strict CSP, script-src 'self' only: with the self-hosted worklet and worker, a full voice turn", T, async (t) => {
    const page = await open('/realtime-voice.iife.js', 'worklet-url="/realtime-voice.worklet.js" worker-url="/realtime-voice.worker.js"', {
      csp: widgetCsp(mock.origin, { blob: false }),
    });
    t.after(page.close);
    const { tab } = page;
    const violations: string[] = [];
    await tab.exposeFunction('rvViolation', (v: string) => violations.push(v));
    await tab.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { rvViolation(v: string): void }).rvViolation(`${e.violatedDirective} ${e.blockedURI}`)));
    await tab.locator('realtime-voice [part~="button"]').click();
    await voiceTurn(tab);
    assert.ok(page.fetched().includes(ENGINE) && page.fetched().includes('/realtime-voice.worklet.js') && page.fetched().includes('/realtime-voice.worker.js'), page.fetched().join(' '));
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems, []);
  });

  test('the single file (realtime-voice.all.iife.js): a full voice turn, and no second request', T, async (t) => {
    const page = await open('/realtime-voice.all.iife.js', '');
    t.after(page.close);
    const { tab } = page;
    await tab.locator('realtime-voice [part~="button"]').hover();
    await tab.locator('realtime-voice [part~="button"]').click();
    await voiceTurn(tab);
    assert.deepEqual(page.fetched().filter((p) => p.endsWith('.js')), ['/realtime-voice.all.iife.js']);
    assert.deepEqual(page.problems, []);
  });
});
