// End to end: the built classic script on a plain static page, Debian Chromium with the fake
// microphone, the mock realtime server; one voice turn, then light and dark screenshots for the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { startMockRealtime } from '../../src/mock/index.js';
import { startDistServer, voiceTurn, widgetCsp, widgetPage } from '../support/dist-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const bundle = path.join(root, 'dist/realtime-voice.iife.js');
const shots = path.join(root, 'demo/screenshots');

for (const transport of ['websocket', 'webrtc'] as const) {
  test(`the IIFE bundle, loaded with a plain script tag, completes a voice turn against the mock (${transport})`, { timeout: 120_000 }, async (t) => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run "node scripts/build.mjs" first (npm test does).`);
    const mock = await startMockRealtime();
    t.after(() => mock.close());
    const site = await startDistServer();
    t.after(() => site.close());
    // Everything the widget needs, and nothing else: it must load nothing from another host.
    site.page('/', widgetPage('/realtime-voice.iife.js', `token-url="${mock.tokenUrl}" instructions="Be brief." transport="${transport}"`), widgetCsp(mock.origin));
    const origin = site.origin;

    const browser: Browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      ignoreDefaultArgs: ['--mute-audio'],
    });
    t.after(() => browser.close());
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 520, height: 560 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const problems: string[] = [];
    const hosts = new Set<string>();
    tab.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    tab.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    // A blob: URL (the worklet, the socket worker) names the origin that made it.
    const hostOf = (url: URL): string => (url.protocol === 'blob:' ? new URL(url.pathname).host : url.host);
    tab.on('request', (request) => hosts.add(hostOf(new URL(request.url()))));

    await tab.goto(origin);
    assert.equal(await tab.evaluate(() => typeof customElements.get('realtime-voice')), 'function');
    assert.equal(await tab.evaluate(() => document.querySelectorAll('script[type="module"]').length), 0);

    const element = tab.locator('realtime-voice');
    const state = () => tab.evaluate(() => document.querySelector('realtime-voice')!.state);
    await element.locator('[part~="button"]').click();
    await voiceTurn(tab);
    assert.match(await element.locator('[part~="assistant"]').innerText(), /You said: /);

    // End the session so the screenshots show a settled card (no meter mid-swing), then shoot both schemes.
    await element.locator('[part~="button"]').click();
    await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'idle');
    assert.equal(await state(), 'idle');
    assert.deepEqual(site.requests.filter((p) => p.endsWith('.js')), ['/realtime-voice.iife.js', '/realtime-voice.engine.js'], 'the shell, then its engine');
    assert.deepEqual([...hosts].filter((h) => !h.startsWith('127.0.0.1:')), [], 'requests to other hosts');
    assert.deepEqual(problems, []);
    if (transport === 'webrtc') return;
    mkdirSync(shots, { recursive: true });
    await tab.mouse.move(0, 0);
    await element.screenshot({ path: path.join(shots, 'light.png'), animations: 'disabled' });
    await tab.emulateMedia({ colorScheme: 'dark' });
    const background = await element.locator('[part~="base"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(background, 'rgb(28, 28, 33)');
    await element.screenshot({ path: path.join(shots, 'dark.png'), animations: 'disabled' });
  });
}
