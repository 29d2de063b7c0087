// End to end: the built classic script on a plain static page, Debian Chromium with the fake
// microphone, the mock realtime server; one voice turn, then light and dark screenshots for the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { startMockRealtime } from '../../src/mock/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const bundle = path.join(root, 'dist/realtime-voice.iife.js');
const shots = path.join(root, 'demo/screenshots');

function page(tokenUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>realtime-voice end to end</title>
  <link rel="icon" href="data:,">
  <style>
    :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
    body { margin: 0; padding: 24px; background: Canvas; color: CanvasText; }
  </style>
  <script src="/realtime-voice.iife.js"></script>
</head>
<body>
  <realtime-voice token-url="${tokenUrl}" instructions="Be brief."></realtime-voice>
</body>
</html>`;
}

function serve(tokenUrl: string, mockOrigin: string): Promise<Server> {
  const js = readFileSync(bundle);
  const server = createServer((req, res) => {
    if (req.url === '/realtime-voice.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else if (req.url === '/') {
      const ws = mockOrigin.replace(/^http/, 'ws');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // Everything the widget needs, and nothing else: it must load nothing from another host.
        'content-security-policy': `default-src 'self'; script-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ${mockOrigin} ${ws}; img-src 'self' data:`,
      });
      res.end(page(tokenUrl));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the IIFE bundle, loaded with a plain script tag, completes a voice turn against the mock', { timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(bundle), `${bundle} is missing: run "node scripts/build.mjs" first (npm test does).`);
  const mock = await startMockRealtime();
  t.after(() => mock.close());
  const server = await serve(mock.tokenUrl, mock.origin);
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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
  await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'listening');
  await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'speaking', null, { timeout: 30_000 });
  await tab.waitForFunction(
    () => {
      const el = document.querySelector('realtime-voice')!;
      return el.state === 'listening' && el.transcript.some((e) => e.role === 'assistant' && e.final);
    },
    null,
    { timeout: 30_000 },
  );
  const transcript = await tab.evaluate(() => document.querySelector('realtime-voice')!.transcript);
  assert.deepEqual(transcript.map((e) => e.role), ['user', 'assistant']);
  assert.match(transcript[1]!.text, /^You said: /);
  assert.match(await element.locator('[part~="assistant"]').innerText(), /You said: /);

  // End the session so the screenshots show a settled card (no meter mid-swing), then shoot both schemes.
  await element.locator('[part~="button"]').click();
  await tab.waitForFunction(() => document.querySelector('realtime-voice')!.state === 'idle');
  assert.equal(await state(), 'idle');
  mkdirSync(shots, { recursive: true });
  await tab.mouse.move(0, 0);
  await element.screenshot({ path: path.join(shots, 'light.png'), animations: 'disabled' });
  await tab.emulateMedia({ colorScheme: 'dark' });
  const background = await element.locator('[part~="base"]').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(background, 'rgb(28, 28, 33)');
  await element.screenshot({ path: path.join(shots, 'dark.png'), animations: 'disabled' });

  assert.deepEqual([...hosts].filter((h) => !h.startsWith('127.0.0.1:')), [], 'requests to other hosts');
  assert.deepEqual(problems, []);
});
