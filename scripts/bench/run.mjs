// `npm run bench`: measures the audio engine in headless Chromium on this machine and prints a
// Markdown table of each metric against its target. Exit code 1 when a target is missed.
// It bundles scripts/bench/bench-page.ts (the real engine, worklets and protocol code) with esbuild,
// serves it on 127.0.0.1, and drives it with playwright-core and the system Chromium (no download).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../chromium.mjs';
import { engineLoad } from './engine-load.mjs';
import { log, percentile as p, printTable } from './table.mjs';
import { rendering } from './rendering.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DUPLEX_SECONDS = Number(process.env.BENCH_DUPLEX_SECONDS || 30);
const JITTER_MS = 60;
const BARGE_TRIALS = Number(process.env.BENCH_BARGE_TRIALS || 20);
const SESSION_MINUTES = Number(process.env.BENCH_SESSION_MINUTES || 30);

const bundle = await build({
  entryPoints: [path.join(root, 'scripts/bench/bench-page.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  write: false,
  conditions: ['production'],
  logLevel: 'warning',
});
const files = {
  '/': { type: 'text/html', body: readFileSync(path.join(root, 'scripts/bench/index.html')) },
  '/bench.js': { type: 'text/javascript', body: bundle.outputFiles[0].contents },
};
const server = http.createServer((req, res) => {
  const file = files[new URL(req.url, 'http://x').pathname];
  res.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
  res.end(file?.body ?? '');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// The far end of the duplex runs: it takes the page's appends (timing their arrival: the capture
// frame interval) and delivers the page's planned server frames from "go", on their schedule.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
await new Promise((resolve) => wss.once('listening', resolve));
const wsUrl = `ws://127.0.0.1:${wss.address().port}/v1/realtime`;
wss.on('connection', (socket) => {
  let plan = [];
  let recording = false;
  let last = 0;
  const stats = { intervals: [], appends: 0, bytes: 0 };
  const timers = [];
  socket.on('message', (raw) => {
    const text = raw.toString();
    if (text.startsWith('{"type":"input_audio_buffer.append"')) {
      if (!recording) return;
      const now = performance.now();
      if (last) stats.intervals.push(now - last);
      last = now;
      stats.appends++;
      stats.bytes += text.length;
      return;
    }
    const message = JSON.parse(text);
    if (message.type === 'bench.plan') plan = message.plan;
    else if (message.type === 'bench.echo') for (const frame of message.frames) socket.send(frame);
    else if (message.type === 'bench.go') {
      recording = true;
      const t0 = performance.now();
      for (const [at, frame] of plan) timers.push(setTimeout(() => socket.send(frame), Math.max(0, t0 + at - performance.now())));
    } else if (message.type === 'bench.stats') {
      recording = false;
      socket.send(JSON.stringify({ type: 'bench.stats', ...stats }));
    }
  });
  socket.on('close', () => timers.forEach(clearTimeout));
});

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, ignoreDefaultArgs: ['--mute-audio'] });
const rows = [];
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('page console:', m.text()));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await page.exposeFunction('benchMark', taskSeconds);
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window);
  const chromeVersion = browser.version();

  // 1. Idle baseline: main-thread task time of the page doing nothing.
  let t0 = await taskSeconds();
  let w0 = performance.now();
  await page.waitForTimeout(5000);
  const idleRate = (await taskSeconds() - t0) / ((performance.now() - w0) / 1000);

  // 2. Full duplex with jittered delivery.
  log(`duplex: ${DUPLEX_SECONDS} s of capture and playback, deliveries jittered by ±${JITTER_MS} ms ...`);
  const duplex = await page.evaluate(([w, s, j]) => window.bench.duplex(w, s, j, 1), [wsUrl, DUPLEX_SECONDS, JITTER_MS]);
  const cost = (r) => ((r.taskSeconds - idleRate * r.wallSeconds) * 1000) / r.wallSeconds;
  const costPerSecond = cost(duplex);
  log('the same, each direction alone (10 s each) ...');
  const captureOnly = await page.evaluate((w) => window.bench.duplex(w, 10, 0, 4, { capture: true, playback: false }), wsUrl);
  const playbackOnly = await page.evaluate(([w, j]) => window.bench.duplex(w, 10, j, 5, { capture: false, playback: true }), [wsUrl, JITTER_MS]);

  log('calibration: the cost of bare worklet messages, and of each step of the path ...');
  const floor = await page.evaluate(() => window.bench.messageFloor(5));
  const micro = await page.evaluate(() => window.bench.micro());
  log('push-to-talk between holds: frames to the main thread, then kept in the worklet (5 s each) ...');
  const pttFrames = await page.evaluate(() => window.bench.pttIdle(5, false));
  const pttPaused = await page.evaluate(() => window.bench.pttIdle(5, true));

  // 3. Barge-in trials.
  log(`barge-in: ${BARGE_TRIALS} trials ...`);
  const barge = await page.evaluate(([w, n]) => window.bench.bargeIn(w, n, 2), [wsUrl, BARGE_TRIALS]);

  // 4. Accelerated session: heap read at each checkpoint after forced garbage collection.
  log(`accelerated session: ${SESSION_MINUTES} minutes ...`);
  const checkpoints = [...new Set([1, 5, 10, 15, 20, 25, SESSION_MINUTES])].filter((m) => m <= SESSION_MINUTES);
  await page.evaluate(([m, c]) => {
    window.__session = window.bench.accelerated(m, c, 3);
  }, [SESSION_MINUTES, checkpoints]);
  const heap = [];
  const sessionStart = performance.now();
  for (const minute of checkpoints) {
    await page.waitForFunction((m) => window.__checkpoint === m, minute, { timeout: 0, polling: 50 });
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    heap.push({ minute, used: (await cdp.send('Runtime.getHeapUsage')).usedSize });
    await page.evaluate(() => window.__continue());
  }
  const session = await page.evaluate(() => window.__session);
  const sessionWall = (performance.now() - sessionStart) / 1000;
  const growthMB = (heap[heap.length - 1].used - heap[0].used) / 2 ** 20;

  const ms = (v) => `${v.toFixed(1)} ms`;
  const max = (values) => Math.max(...values);
  const check = (ok) => {
    if (!ok) failed = true;
    return ok ? 'pass' : '**FAIL**';
  };
  rows.push(
    ['Main-thread audio cost, socket in the socket worker (capture and encode off the main thread; parse + decode, playback feeding on it): page task time minus idle', `${costPerSecond.toFixed(2)} ms per s`, '≤ 5 ms per s', check(costPerSecond <= 5)],
    ['  capture alone (only its level meter reaches the main thread) / playback alone (receive, parse, decode, queue)', `${cost(captureOnly).toFixed(2)} / ${cost(playbackOnly).toFixed(2)} ms per s`, '', ''],
    ['  inside our callbacks on the main thread (performance.now around them), capture / playback', `${(duplex.captureHandlerMs / duplex.wallSeconds).toFixed(2)} / ${(duplex.playbackHandlerMs / duplex.wallSeconds).toFixed(2)} ms per s`, '', ''],
    [`  calibration: Chromium alone, ${(floor.messages / floor.wallSeconds).toFixed(0)} empty worklet messages per s (the 20 ms frame cadence), no work`, `${cost(floor).toFixed(2)} ms per s (${((cost(floor) * 1000) / (floor.messages / floor.wallSeconds)).toFixed(0)} µs per message)`, '', ''],
    ['  per step (µs): encode a frame, serialize the append, parse a 100 ms delta, decode it, enqueue it', [micro.encodeFrame, micro.serializeAppend, micro.parseDelta100ms, micro.decodeDelta100ms, micro.enqueue100ms].map((v) => v.toFixed(1)).join(' / '), '', ''],
    [`Push-to-talk between holds (microphone open, nothing sent): frames crossing to the main thread (${pttFrames.frames}) / kept in the worklet, only the meter crossing (${pttPaused.frames} frames)`, `${cost(pttFrames).toFixed(2)} / ${cost(pttPaused).toFixed(2)} ms per s`, 'informative', ''],
    [`Capture frame interval p50 / p99 (max), ${duplex.frames} frames`, `${ms(duplex.intervalP50)} / ${ms(duplex.intervalP99)} (${ms(duplex.intervalMax)})`, '20 ms, p99 ≤ 45 ms', check(Math.abs(duplex.intervalP50 - 20) <= 2 && duplex.intervalP99 <= 45)],
    [`Playback start latency from the first delta, p50 / max (${duplex.startLatencies.length} items, real-time paced)`, `${ms(p(duplex.startLatencies, 50))} / ${ms(max(duplex.startLatencies))}`, 'informative (prebuffer 150 ms)', ''],
    [`Barge-in stop: speech_started arrival (through the socket worker) to silent output, confirmed by the worklet (an upper bound), p50 / max of ${barge.trials}`, `${ms(p(barge.confirmMs, 50))} / ${ms(max(barge.confirmMs))}`, '≤ 15 ms', check(max(barge.confirmMs) <= 15)],
    ['  the same on the render clock (tap after the node; ±5.3 ms, currentTime moves by quanta), p50 / max', `${ms(p(barge.renderMs, 50))} / ${ms(max(barge.renderMs))}`, '', ''],
    ['Truncation error \\|audio_end_ms − truly rendered ms\\|, max (tap after the node)', `${max(barge.errorMs).toFixed(2)} ms (${max(barge.errorSamples)} samples)`, '≤ 3 ms', check(max(barge.errorMs) <= 3)],
    [`Underruns, deliveries jittered ±${JITTER_MS} ms, default prebuffer (${duplex.items} items, ${DUPLEX_SECONDS} s)`, String(duplex.underruns), '0', check(duplex.underruns === 0)],
    [`Heap growth over a ${SESSION_MINUTES}-minute accelerated session (minute ${heap[0].minute} → ${heap[heap.length - 1].minute}; ${session.frames} frames, ${session.items} items, ${session.interrupts} barge-ins; ran in ${sessionWall.toFixed(0)} s)`, `${growthMB.toFixed(2)} MB`, '≤ 5 MB', check(growthMB <= 5)],
  );
  rows.push(...(await engineLoad(browser, { log })));
  rows.push(...(await rendering(browser, { log })));
  console.log('');
  console.log(`Audio engine benchmark: ${chromeVersion}, headless, ${os.cpus().length} × ${os.cpus()[0]?.model?.trim()}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('');
  printTable(rows);
  console.log('');
  console.log(`Heap (MB, after GC) by minute: ${heap.map((h) => `${h.minute}: ${(h.used / 2 ** 20).toFixed(2)}`).join(', ')}`);
  console.log(`Session: underruns ${session.underruns}, samples still queued at the end ${session.queued}.`);
} finally {
  await browser.close();
  server.close();
  wss.close();
}
process.exit(failed ? 1 : 0);
