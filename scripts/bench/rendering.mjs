// What the widget costs the page's main thread, rendering included (issue 23): Chrome's own TaskDuration
// (CDP Performance.getMetrics: scripts, style, layout, paint, messages) over a long reply streamed at real
// time (10 audio deltas of 100 ms and 10 transcript deltas a second) with the fake microphone open, for the
// element expanded, compact and hidden, idle, and with a 300-line transcript; beside it the same reply
// played by wavtools 0.1.5 (the realtime console's player) with no UI at all, measured in the same run.
// Run by run.mjs, or alone: `node scripts/bench/rendering.mjs`; needs `npm run build`. BENCH_REPLY_SECONDS (20),
// BENCH_RENDER_REPS (3), BENCH_RENDER_ONLY (a row's label prefix) and BENCH_RENDER_TRACE (a path: a DevTools
// trace of the measured window, to see where the time goes) tune a run.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log, percentile, runAlone } from './table.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPLY_SECONDS = Number(process.env.BENCH_REPLY_SECONDS || 20);
const IDLE_SECONDS = 10;
/** Each figure is the median of this many runs: a shared VM's scheduling noise swings single runs by 2x. */
const REPS = Number(process.env.BENCH_RENDER_REPS || 3);
async function repeat(run) {
  const values = [];
  for (let i = 0; i < REPS; i++) values.push(await run());
  return percentile(values, 50);
}

/** 100 ms of a 220 Hz tone at 24 kHz, PCM16, base64: what one audio delta carries. */
function toneDelta(n) {
  const pcm = Buffer.alloc(2400 * 2);
  for (let i = 0; i < 2400; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * (n * 2400 + i)) / 24000) * 6000), i * 2);
  return pcm.toString('base64');
}

/** The server events of one assistant reply, `seconds` long: one audio and one transcript delta every 100 ms. */
function* reply(id, seconds) {
  const response = { id: `resp_${id}`, object: 'realtime.response', status: 'in_progress', output: [], conversation_id: 'conv_bench' };
  const item = { id: `item_${id}`, object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
  const at = { response_id: response.id, item_id: item.id, output_index: 0, content_index: 0 };
  let n = 0;
  const ev = (type, body) => ({ type, event_id: `ev_${id}_${n++}`, ...body });
  yield [0, ev('response.created', { response })];
  yield [0, ev('response.output_item.added', { response_id: response.id, output_index: 0, item })];
  yield [0, ev('conversation.item.added', { previous_item_id: null, item })];
  yield [0, ev('response.content_part.added', { ...at, part: { type: 'audio', transcript: '' } })];
  let text = '';
  for (let i = 0; i < seconds * 10; i++) {
    const word = `word${i} `;
    text += word;
    yield [100, ev('response.output_audio.delta', { ...at, delta: toneDelta(i) })];
    yield [0, ev('response.output_audio_transcript.delta', { ...at, delta: word })];
  }
  const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript: text }] };
  yield [0, ev('response.output_audio.done', at)];
  yield [0, ev('response.output_audio_transcript.done', { ...at, transcript: text })];
  yield [0, ev('response.content_part.done', { ...at, part: { type: 'audio', transcript: text } })];
  yield [0, ev('response.output_item.done', { response_id: response.id, output_index: 0, item: done })];
  yield [0, ev('conversation.item.done', { previous_item_id: null, item: done })];
  yield [0, ev('response.done', { response: { ...response, status: 'completed', output: [done], usage: { total_tokens: 1, input_tokens: 0, output_tokens: 1 } } })];
}

/** Sends the reply's events on their schedule (absolute, so a slow send does not stretch the reply). */
async function stream(send, events) {
  const t0 = performance.now();
  let at = 0;
  for (const [delay, event] of events) {
    at += delay;
    const wait = t0 + at - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    send(JSON.stringify(event));
  }
}

export async function rendering(browser, { log = () => {} } = {}) {
  for (const file of ['realtime-voice.all.iife.js', 'mock/index.js']) {
    if (!existsSync(path.join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run "npm run build" first.`);
  }
  const { startMockRealtime } = await import(pathToFileURL(path.join(root, 'dist/mock/index.js')).href);
  const mock = await startMockRealtime();
  const wavtools = await build({
    stdin: { contents: "export { WavStreamPlayer } from 'wavtools';", resolveDir: root },
    bundle: true, format: 'esm', write: false, minify: true, logLevel: 'warning',
  });
  const widget = (layout, style) =>
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/rv.js"></script>
    <realtime-voice token-url="${mock.tokenUrl}" turn-detection="none" layout="${layout}" style="${style}"></realtime-voice>`;
  const files = {
    '/rv.js': readFileSync(path.join(root, 'dist/realtime-voice.all.iife.js')),
    '/wavtools.js': wavtools.outputFiles[0].contents,
    '/expanded.html': widget('expanded', ''),
    '/compact.html': widget('compact', ''),
    '/hidden.html': widget('expanded', 'display:none'),
    '/wavtools.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">import { WavStreamPlayer } from "/wavtools.js"; window.WavStreamPlayer = WavStreamPlayer;</script>',
  };
  const server = http.createServer((req, res) => {
    const body = files[new URL(req.url, 'http://x').pathname];
    const type = req.url.endsWith('.html') ? 'text/html' : 'text/javascript';
    res.writeHead(body ? 200 : 404, { 'content-type': type }).end(body ?? '');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  async function measure(tab, during) {
    const cdp = await tab.context().newCDPSession(tab);
    await cdp.send('Performance.enable');
    const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const t0 = await task();
    const w0 = performance.now();
    const trace = process.env.BENCH_RENDER_TRACE;
    if (trace) await browser.startTracing(tab, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await during();
    if (trace) await browser.stopTracing();
    return ((await task()) - t0) * 1000 / ((performance.now() - w0) / 1000);
  }

  /** The element on `page`, connected (microphone open, push-to-talk so the fake voice does not take turns), then `lines` short replies, then the long one. */
  async function element(page, { lines = 0, session = true } = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const tab = await context.newPage();
      await tab.goto(`${origin}/${page}.html`);
      await tab.waitForFunction(() => document.querySelector('realtime-voice')?.shadowRoot?.querySelector('[part~="button"]'));
      if (!session) return await measure(tab, () => new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000)));
      const next = mock.nextConnection();
      await tab.evaluate(() => document.querySelector('realtime-voice').connect());
      const connection = await next;
      const send = (frame) => connection.sendRaw(frame);
      for (let i = 0; i < lines; i++) for (const [, event] of reply(`l${i}`, 0.1)) send(JSON.stringify(event));
      if (lines) await tab.waitForFunction((n) => document.querySelector('realtime-voice').transcript.length >= n, lines, { timeout: 60_000 });
      await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
      return await measure(tab, () => stream(send, reply('long', REPLY_SECONDS)));
    } finally {
      await context.close();
    }
  }

  /** The same reply through wavtools: a plain socket, JSON.parse, base64 decode, WavStreamPlayer.add16BitPCM. */
  async function reference() {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${origin}/wavtools.html`);
      await tab.waitForFunction(() => 'WavStreamPlayer' in window);
      const connected = new Promise((resolve) => wss.once('connection', resolve));
      await tab.evaluate(async (url) => {
        const player = new window.WavStreamPlayer({ sampleRate: 24000 });
        await player.connect();
        const socket = new WebSocket(url);
        socket.onmessage = (e) => {
          const event = JSON.parse(e.data);
          if (event.type !== 'response.output_audio.delta') return;
          const bytes = Uint8Array.from(atob(event.delta), (c) => c.charCodeAt(0));
          player.add16BitPCM(new Int16Array(bytes.buffer), event.item_id);
        };
        await new Promise((resolve) => (socket.onopen = resolve));
      }, `ws://127.0.0.1:${wss.address().port}`);
      const socket = await connected;
      return await measure(tab, () => stream((frame) => socket.send(frame), reply('long', REPLY_SECONDS)));
    } finally {
      await context.close();
      wss.close();
    }
  }

  const rows = [];
  try {
    log(`rendering: wavtools reference, ${REPLY_SECONDS} s reply ...`);
    const ref = await repeat(reference);
    const results = [];
    for (const [label, run] of [
      ['expanded, streaming', () => element('expanded')],
      ['compact, streaming', () => element('compact')],
      ['hidden (display: none), streaming', () => element('hidden')],
      ['expanded, 300-line transcript, streaming', () => element('expanded', { lines: 300 })],
      ['idle, nothing playing', () => element('expanded', { session: false })],
    ]) {
      if (process.env.BENCH_RENDER_ONLY && !label.startsWith(process.env.BENCH_RENDER_ONLY)) continue;
      log(`rendering: ${label} ...`);
      results.push([label, await repeat(run)]);
    }
    rows.push([`Page main thread, rendering included (CDP TaskDuration), ${REPLY_SECONDS} s reply, median of ${REPS}: wavtools 0.1.5 playing it with no UI (reference)`, `${ref.toFixed(1)} ms per s`, 'reference', '']);
    for (const [label, value] of results) rows.push([`  <realtime-voice> ${label}`, `${value.toFixed(1)} ms per s (${(value / ref).toFixed(2)}× wavtools)`, 'informative', '']);
  } finally {
    server.close();
    await mock.close();
  }
  return rows;
}

await runAlone(import.meta.url, (browser) => rendering(browser, { log }), { ignoreDefaultArgs: ['--mute-audio'] });
