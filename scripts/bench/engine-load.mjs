// Press to `listening` with the shell and its engine (issue 17) beside the single file they replace: the
// built dist files on a 127.0.0.1 site, the built mock as the realtime server, a fresh browser context (an
// empty HTTP cache) per run. Cold: the first press fetches the engine. Warm: the pointer came over the
// button first, so the engine and the key were fetched before the press. Run by run.mjs (or alone:
// `node scripts/bench/engine-load.mjs`); needs `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { log, percentile, runAlone } from './table.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = ['realtime-voice.iife.js', 'realtime-voice.engine.js', 'realtime-voice.all.iife.js'];

/** DevTools' "Fast 3G": what a visitor on a poor mobile link gets. */
const SLOW = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

export async function engineLoad(browser, { runs = 10, log = () => {} } = {}) {
  for (const file of [...FILES, 'mock/index.js']) {
    if (!existsSync(path.join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run "npm run build" first.`);
  }
  const { startMockRealtime } = await import(pathToFileURL(path.join(root, 'dist/mock/index.js')).href);
  const mock = await startMockRealtime();
  const page = (script) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/${script}"></script><realtime-voice token-url="${mock.tokenUrl}"></realtime-voice>`;
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1);
    if (name === 'shell.html' || name === 'all.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(name === 'shell.html' ? FILES[0] : FILES[2]));
    } else if (FILES.includes(name)) {
      // Compressed, as any static host serves scripts.
      res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'gzip' }).end(gzipSync(readFileSync(path.join(root, 'dist', name)), { level: 9 }));
    } else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  /** One press, in a fresh context: ms from the click to `listening`, measured in the page, and when the widget's script had arrived. */
  async function press(pageName, { warm, network }) {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      if (network) await (await context.newCDPSession(tab)).send('Network.emulateNetworkConditions', network);
      await tab.goto(`${origin}/${pageName}`);
      await tab.waitForFunction(() => document.querySelector('realtime-voice')?.shadowRoot?.querySelector('[part~="button"]'));
      const scriptMs = await tab.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('/realtime-voice.'))?.responseEnd ?? NaN);
      if (warm) {
        const key = tab.waitForResponse((r) => r.url() === mock.tokenUrl);
        await tab.locator('realtime-voice [part~="button"]').hover();
        await key;
        await tab.evaluate(() => customElements.get('realtime-voice').loadEngine());
      }
      const pressMs = await tab.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('realtime-voice');
            const t0 = performance.now();
            el.addEventListener('rv-state', (e) => e.detail.state === 'listening' && resolve(performance.now() - t0));
            el.shadowRoot.querySelector('[part~="button"]').click();
          }),
      );
      return { pressMs, scriptMs };
    } finally {
      await context.close();
    }
  }

  const p50 = (values) => percentile(values, 50);
  const rows = [];
  try {
    for (const [label, network] of [['local server', undefined], ['Fast 3G (1.6 Mbit/s, 150 ms)', SLOW]]) {
      const measured = {};
      const script = {};
      for (const [name, pageName, warm] of [['shell cold', 'shell.html', false], ['shell warm', 'shell.html', true], ['single cold', 'all.html', false], ['single warm', 'all.html', true]]) {
        log(`engine load: ${name}, ${label}, ${runs} runs ...`);
        const times = [];
        for (let i = 0; i < runs; i++) times.push(await press(pageName, { warm, network }));
        measured[name] = p50(times.map((t) => t.pressMs));
        (script[pageName] ??= []).push(...times.map((t) => t.scriptMs));
      }
      const ms = (v) => `${v.toFixed(0)} ms`;
      rows.push([
        `Widget script arrived after navigation start (responseEnd), ${label}, p50: the shell / the single file`,
        `${ms(p50(script['shell.html']))} / ${ms(p50(script['all.html']))}`,
        'informative',
        '',
      ]);
      rows.push([
        `Press to listening, ${label}, p50 of ${runs}: shell with the engine cold (fetched on the press) / warm (prefetched on pointer enter); single file cold / warm`,
        `${ms(measured['shell cold'])} / ${ms(measured['shell warm'])}; ${ms(measured['single cold'])} / ${ms(measured['single warm'])}`,
        'informative',
        '',
      ]);
    }
    const gz = (file) => gzipSync(readFileSync(path.join(root, 'dist', file)), { level: 9 }).length;
    rows.push([
      'First load before any intent, min+gzip: the shell / the single file (the engine follows on intent)',
      `${(gz(FILES[0]) / 1000).toFixed(1)} kB / ${(gz(FILES[2]) / 1000).toFixed(1)} kB (engine ${(gz(FILES[1]) / 1000).toFixed(1)} kB)`,
      'shell ≤ 14 kB',
      gz(FILES[0]) <= 14_000 ? 'pass' : '**FAIL**',
    ]);
  } finally {
    server.close();
    await mock.close();
  }
  return rows;
}

await runAlone(import.meta.url, (browser) => engineLoad(browser, { runs: Number(process.env.BENCH_ENGINE_RUNS || 10), log }));
