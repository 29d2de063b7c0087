// The benchmark page (bundled by scripts/bench/run.mjs): it drives the real engine, the real worklets
// and the real protocol code in Chromium and measures. Nothing here is a result; everything is timed.
import { AudioCapture } from '../../src/audio/capture.js';
import { AudioPlayback } from '../../src/audio/playback.js';
import { CAPTURE_PROCESSOR, type CaptureProcessorOptions } from '../../src/audio/worklet-processors.js';
import { planTruncation, type PlaybackReport } from '../../src/audio/truncation.js';
import { base64ToPcm16, inputAudioBufferAppend, parseServerEvent, pcm16ToBase64 } from '../../src/protocol/index.js';
import { SocketWorker, type FedAudio } from '../../src/client/socket-worker.js';
import { seeded } from '../../test/audio/signals.js';
import { workletHarness } from '../../test/audio/worklet-harness.js';

const RATE = 24000;

// A "voice" that never crosses zero (offset sine), so an independent tap can count rendered samples.
function voice(samples: number, phase = 0): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(32767 * (0.2 + 0.15 * Math.sin((2 * Math.PI * 220 * (i + phase)) / RATE))));
}

let eventSeq = 0;
function deltaFrame(itemId: string, pcm: Int16Array): string {
  return JSON.stringify({
    type: 'response.output_audio.delta',
    event_id: `event_${++eventSeq}`,
    response_id: 'resp_1',
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta: pcm16ToBase64(pcm),
  });
}

function doneFrame(itemId: string): string {
  return JSON.stringify({ type: 'response.output_audio.done', event_id: `event_${++eventSeq}`, response_id: 'resp_1', item_id: itemId, output_index: 0, content_index: 0 });
}

const SPEECH_STARTED = JSON.stringify({ type: 'input_audio_buffer.speech_started', event_id: 'event_ss', audio_start_ms: 1000, item_id: 'item_user' });

/**
 * What the client does with a server frame that carries audio: parse, then decode and queue, or,
 * when the socket worker queued the audio itself (`fed`), only the bookkeeping.
 */
function receive(playback: AudioPlayback, frame: string, firstDelta?: Map<string, number>, fed?: FedAudio): void {
  const parsed = parseServerEvent(frame);
  if (!parsed.ok || !parsed.known) throw new Error(`bench: unparsed frame ${frame.slice(0, 80)}`);
  const e = parsed.event;
  if (firstDelta && e.type === 'response.output_audio.delta' && !firstDelta.has(e.item_id)) firstDelta.set(e.item_id, performance.now());
  if (e.type === 'response.output_audio.delta' && fed) {
    if ('handle' in fed) playback.adopt(e.item_id, fed.handle, fed.samples, e.content_index);
  } else if (e.type === 'response.output_audio.delta') playback.enqueue(e.item_id, base64ToPcm16(e.delta), e.content_index);
  else if (e.type === 'response.output_audio.done') playback.end(e.item_id);
}

/** What the client does with a capture frame: encode and serialize the append event. */
function send(pcm: Int16Array): number {
  return JSON.stringify(inputAudioBufferAppend(pcm16ToBase64(pcm))).length;
}

// A tap after the playback node: counts the non-zero samples it sees, independently of the engine.
const TAP = `registerProcessor('bench-tap', class extends AudioWorkletProcessor {
  constructor() { super(); this.count = 0; this.zeros = 0; this.last = -1;
    this.port.onmessage = (e) => { if (e.data === 'reset') { this.count = 0; this.zeros = 0; this.last = -1; }
      else this.port.postMessage({ count: this.count, zeros: this.zeros, last: this.last }); }; }
  process(inputs) { const x = inputs[0] && inputs[0][0]; if (!x) { this.zeros += 128; return true; }
    for (let i = 0; i < x.length; i++) { if (x[i] !== 0) { this.count++; this.zeros = 0; this.last = currentFrame + i; } else this.zeros++; }
    return true; } });`;

class Tap {
  node: AudioWorkletNode;
  constructor(ctx: AudioContext) {
    this.node = new AudioWorkletNode(ctx, 'bench-tap', { numberOfOutputs: 0 });
  }
  reset(): void {
    this.node.port.postMessage('reset');
  }
  read(): Promise<{ count: number; zeros: number; last: number }> {
    return new Promise((resolve) => {
      this.node.port.onmessage = (e) => resolve(e.data);
      this.node.port.postMessage('get');
    });
  }
  async silent(): Promise<{ count: number; last: number }> {
    for (;;) {
      const r = await this.read();
      if (r.zeros >= 1024) return r;
      await sleep(20);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

async function playbackWithTap(options: ConstructorParameters<typeof AudioPlayback>[0] = {}) {
  const ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([TAP], { type: 'text/javascript' })));
  const tap = new Tap(ctx);
  const out = new GainNode(ctx);
  out.connect(ctx.destination);
  out.connect(tap.node);
  const playback = new AudioPlayback({ audioContext: ctx, destination: out, ...options });
  await playback.start();
  return { ctx, tap, playback };
}

/** What the server side of the bench (scripts/bench/run.mjs) reports: when each append arrived. */
interface ServerStats {
  intervals: number[];
  appends: number;
  bytes: number;
}

/**
 * Full duplex for `seconds`, as the element runs it: the socket lives in the socket worker, which
 * takes the fake microphone's frames straight from the capture worklet (encode and serialize off
 * the main thread) and sends them to the bench server on 127.0.0.1; the server delivers assistant
 * deltas at real-time pace with ±`jitterMs` of jitter, which the main thread parses, decodes and queues.
 */
async function duplex(wsUrl: string, seconds: number, jitterMs: number, seed: number, parts = { capture: true, playback: true }) {
  const random = seeded(seed);
  let handlerMs = 0;
  const starts: number[] = [];
  const firstDelta = new Map<string, number>();
  const { ctx, playback } = await playbackWithTap({
    onStarted: (id) => starts.push(performance.now() - (firstDelta.get(id) ?? NaN)),
  });
  const worker = await SocketWorker.start({ capacityFrames: 72000, onDropped: () => undefined, onResumed: () => undefined, onCrash: () => undefined });
  if (!worker) throw new Error('bench: the socket worker did not start');
  let statsArrived: (s: ServerStats) => void = () => undefined;
  const stats = new Promise<ServerStats>((r) => (statsArrived = r));
  let socket: { send(data: string): void } | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    const transport = worker.open(wsUrl, ['realtime'], {
      open: () => resolve(),
      message: (data, fed) => {
        if (typeof data === 'string' && data.startsWith('{"type":"bench.stats"')) return statsArrived(JSON.parse(data));
        const s = performance.now();
        receive(playback, data as string, firstDelta, fed);
        handlerMs += performance.now() - s;
      },
      close: (code) => reject(new Error(`bench: socket closed ${code}`)),
    });
    socket = transport;
  });
  await opened;
  worker.audio(true);
  const capture = new AudioCapture({});
  capture.route(() => worker.port('capture'));
  worker.capture = capture;
  worker.playback = playback;
  playback.route((capacity) => worker.port('playback', capacity));
  if (parts.capture) await capture.start();

  // Pre-built server frames (the server's encoding is not the client's cost): items of 4-7 s,
  // deltas of 20-120 ms, 1-2 s between items, each delta due when its audio starts (real time).
  type Delivery = { at: number; frame: string; itemId: string; first: boolean };
  const plan: Delivery[] = [];
  let t = 300;
  for (let item = 0; parts.playback && t < seconds * 1000 - 2000; item++) {
    const itemId = `item_${seed}_${item}`;
    const length = Math.round((4 + 3 * random()) * RATE);
    for (let offset = 0; offset < length; ) {
      const n = Math.min(length - offset, Math.round((0.02 + 0.1 * random()) * RATE));
      plan.push({ at: t + (offset / RATE) * 1000, frame: deltaFrame(itemId, voice(n, offset)), itemId, first: offset === 0 });
      offset += n;
    }
    plan.push({ at: t + (length / RATE) * 1000, frame: doneFrame(itemId), itemId, first: false });
    t += (length / RATE) * 1000 + 1000 + 1000 * random();
  }
  // Jitter, keeping the order a WebSocket keeps.
  let previous = 0;
  for (const d of plan) previous = d.at = Math.max(previous, d.at + (2 * random() - 1) * jitterMs);
  // The server holds the schedule and delivers it from "go" (uploading it is not part of the measure).
  socket!.send(JSON.stringify({ type: 'bench.plan', plan: plan.map((d) => [d.at, d.frame]) }));
  await sleep(1000);

  // The measured window: the runner reads the page's main-thread task time here and at the end.
  const mark = (window as unknown as { benchMark: () => Promise<number> }).benchMark;
  const taskStart = await mark();
  const t0 = performance.now();
  socket!.send('{"type":"bench.go"}');
  await sleep(seconds * 1000);
  const wall = (performance.now() - t0) / 1000;
  const taskSeconds = (await mark()) - taskStart;
  socket!.send('{"type":"bench.stats"}');
  const server = await stats;
  const rendered = await new Promise<number>((r) => setTimeout(() => r(ctx.currentTime), 3000));
  const intervals = server.intervals;
  const result = {
    wallSeconds: wall,
    taskSeconds,
    frames: server.appends,
    intervalP50: percentile(intervals, 50),
    intervalP99: percentile(intervals, 99),
    intervalMax: intervals.length ? Math.max(...intervals) : NaN,
    // Capture runs in the worklet and the socket worker: nothing of it on this thread.
    captureHandlerMs: 0,
    playbackHandlerMs: handlerMs,
    bytesSent: server.bytes,
    startLatencies: starts,
    underruns: playback.stats.underruns,
    items: firstDelta.size,
    renderedSeconds: rendered,
  };
  if (parts.capture) await capture.stop();
  worker.terminate();
  await playback.close();
  await ctx.close();
  return result;
}

/**
 * Barge-in trials, as the element runs them: the bench server sends an item's deltas (in a burst, as
 * the API does) through the socket worker, which feeds the playback worklet; speech_started follows
 * the same way while it plays. How fast is it silent after speech_started reaches the main thread,
 * and how exact is the report.
 */
async function bargeIn(wsUrl: string, trials: number, seed: number) {
  const random = seeded(seed);
  const started = new Map<string, () => void>();
  const { ctx, tap, playback } = await playbackWithTap({ onStarted: (id) => started.get(id)?.() });
  const worker = (await SocketWorker.start({ capacityFrames: 72000, onDropped: () => undefined, onResumed: () => undefined, onCrash: () => undefined }))!;
  worker.playback = playback;
  playback.route((capacity) => worker.port('playback', capacity));
  let speech: (() => void) | null = null;
  const socket = await new Promise<{ send(data: string): void }>((resolve, reject) => {
    const transport = worker.open(wsUrl, ['realtime'], {
      open: () => resolve(transport),
      message: (data, fed) => (data === SPEECH_STARTED ? speech?.() : receive(playback, data as string, undefined, fed)),
      close: (code) => reject(new Error(`bench: socket closed ${code}`)),
    });
  });
  const confirmMs: number[] = [];
  const renderMs: number[] = [];
  const errorMs: number[] = [];
  const errorSamples: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const itemId = `item_barge_${trial}`;
    await tap.silent();
    tap.reset();
    const playing = new Promise<void>((r) => started.set(itemId, r));
    const frames: string[] = [];
    for (let offset = 0; offset < 2 * RATE; offset += 2400) frames.push(deltaFrame(itemId, voice(2400, offset)));
    socket.send(JSON.stringify({ type: 'bench.echo', frames }));
    await playing;
    await sleep(200 + 1200 * random());
    // speech_started arrives: parse it, then stop playback.
    const arrived = new Promise<{ t0: number; frameAtT0: number }>((resolve) => {
      speech = () => {
        const t0 = performance.now();
        const frameAtT0 = Math.round(ctx.currentTime * RATE);
        if (!parseServerEvent(SPEECH_STARTED).ok) throw new Error('bench: speech_started did not parse');
        resolve({ t0, frameAtT0 });
      };
    });
    socket.send(JSON.stringify({ type: 'bench.echo', frames: [SPEECH_STARTED] }));
    const { t0, frameAtT0 } = await arrived;
    const report = (await playback.interrupt()) as PlaybackReport;
    confirmMs.push(performance.now() - t0);
    const heard = await tap.silent();
    renderMs.push(((heard.last + 1 - frameAtT0) * 1000) / RATE);
    const plan = planTruncation(report);
    if (!plan) throw new Error('bench: nothing to truncate');
    errorSamples.push(Math.abs(report.renderedSamples - heard.count));
    errorMs.push(Math.abs(plan.audioEndMs - (heard.count * 1000) / RATE));
  }
  worker.terminate();
  await playback.close();
  await ctx.close();
  return { trials, confirmMs, renderMs, errorMs, errorSamples };
}

/**
 * A 30-minute session, accelerated: playback renders in an OfflineAudioContext (faster than real
 * time) fed second by second with parsed, decoded deltas (items of 6 s, every fourth one barged in,
 * its late deltas still arriving), while the capture processor runs on this thread over 30 minutes of
 * 48 kHz input with every frame encoded and serialized. Pauses at each checkpoint (minutes) so the
 * runner can collect garbage and read the heap.
 */
async function accelerated(minutes: number, checkpoints: number[], seed: number) {
  const random = seeded(seed);
  const seconds = minutes * 60;
  const offline = new OfflineAudioContext(1, seconds * RATE + RATE, RATE);
  const playback = new AudioPlayback({ audioContext: offline as unknown as AudioContext });
  await playback.start();
  const harness = workletHarness(48000);
  const { processor, port } = harness.create(CAPTURE_PROCESSOR, {
    targetRate: RATE,
    frameSize: 480,
    poolSize: 8,
    levelInterval: 0.05,
  } satisfies CaptureProcessorOptions);
  const mic = Float32Array.from({ length: 48000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 180 * i) / 48000) * Math.sin((Math.PI * i) / 48000));
  const pool = Array.from({ length: 40 }, (_, k) => pcm16ToBase64(voice(2400, k * 2400)));
  let item = 0;
  let itemLeft = 0;
  let itemId = '';
  let bargeAt = -1;
  let frames = 0;
  let interrupts = 0;
  const state = window as unknown as { __checkpoint?: number; __continue?: () => void };
  for (let s = 1; s <= seconds; s++) {
    offline.suspend(s).then(async () => {
      // One second of the server: ten 100 ms deltas.
      for (let k = 0; k < 10; k++) {
        if (itemLeft === 0) {
          itemId = `item_${++item}`;
          itemLeft = 60;
          bargeAt = item % 4 === 0 ? 10 + Math.floor(random() * 40) : -1;
        }
        receive(playback, `{"type":"response.output_audio.delta","event_id":"e${s}_${k}","response_id":"resp_${item}","item_id":"${itemId}","output_index":0,"content_index":0,"delta":"${pool[(s * 10 + k) % pool.length]}"}`);
        if (--itemLeft === 0) receive(playback, doneFrame(itemId));
        if (itemLeft === bargeAt) {
          parseServerEvent(SPEECH_STARTED);
          const report = playback.interrupt();
          await playback.sync();
          void report.then((r) => r && planTruncation(r));
          interrupts++;
        }
      }
      // One second of the microphone.
      for (let q = 0; q < 375; q++) {
        harness.render(processor, mic.subarray(q * 128, q * 128 + 128));
        for (const m of port.take())
          if (m instanceof ArrayBuffer) {
            send(new Int16Array(m));
            frames++;
            port.deliver(m);
          }
      }
      await playback.sync();
      await playback.sync();
      if (checkpoints.includes(s / 60)) {
        state.__checkpoint = s / 60;
        await new Promise<void>((r) => (state.__continue = r));
      }
      await offline.resume();
    });
  }
  await offline.startRendering();
  const result = { minutes, frames, items: item, interrupts, underruns: playback.stats.underruns, queued: playback.stats.queuedSamples };
  await playback.close();
  return result;
}

/**
 * Calibration: what Chromium itself charges this machine's main thread to receive a message from an
 * AudioWorklet (a 960-byte transferred buffer every 20 ms, like capture frames, with no work done).
 */
async function messageFloor(seconds: number) {
  const ctx = new AudioContext();
  const source = `registerProcessor('bench-frames', class extends AudioWorkletProcessor {
    constructor() { super(); this.next = 0; }
    process() { if (currentTime >= this.next) { this.next = currentTime + 0.02; const b = new ArrayBuffer(960); this.port.postMessage(b, [b]); } return true; } });`;
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  const node = new AudioWorkletNode(ctx, 'bench-frames', { numberOfOutputs: 0 });
  let count = 0;
  node.port.onmessage = () => count++;
  await sleep(500);
  const c0 = count;
  const time = await measured(seconds);
  await ctx.close();
  return { ...time, messages: count - c0 };
}

/** The page's main-thread task time over `seconds` of wall time (read by the runner at both ends). */
async function measured(seconds: number): Promise<{ taskSeconds: number; wallSeconds: number }> {
  const mark = (window as unknown as { benchMark: () => Promise<number> }).benchMark;
  const t0 = performance.now();
  const task0 = await mark();
  await sleep(seconds * 1000);
  const taskSeconds = (await mark()) - task0;
  return { taskSeconds, wallSeconds: (performance.now() - t0) / 1000 };
}

/**
 * Push-to-talk between holds: the microphone open, nothing sent. Frames either cross to the main
 * thread and are dropped there (`paused` false: how it was) or stay in the worklet (`pauseFrames`).
 */
async function pttIdle(seconds: number, paused: boolean) {
  let frames = 0;
  const capture = new AudioCapture({ onFrame: () => frames++ });
  capture.pauseFrames(paused);
  await capture.start();
  await sleep(500);
  const f0 = frames;
  const time = await measured(seconds);
  await capture.stop();
  return { ...time, frames: frames - f0 };
}

/** Microseconds per call of each step of the audio path, on this page's main thread. */
async function micro() {
  const frame = voice(480);
  const delta = deltaFrame('item_micro', voice(2400));
  const parsed = parseServerEvent(delta);
  const b64 = parsed.ok && parsed.known && parsed.event.type === 'response.output_audio.delta' ? parsed.event.delta : '';
  const { ctx, playback } = await playbackWithTap();
  const chunk = voice(2400);
  const time = (fn: () => unknown, n = 2000, warm = 200) => {
    for (let i = 0; i < warm; i++) fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return ((performance.now() - t) / n) * 1000;
  };
  const result = {
    encodeFrame: time(() => pcm16ToBase64(frame)),
    serializeAppend: time(() => send(frame)),
    parseDelta100ms: time(() => parseServerEvent(delta)),
    decodeDelta100ms: time(() => base64ToPcm16(b64)),
    // 70 chunks of 100 ms fit the 10 s ring, so each one is posted to the worklet.
    enqueue100ms: time(() => playback.enqueue('item_micro', chunk), 50, 20),
  };
  await playback.close();
  await ctx.close();
  return result;
}

Object.assign(window, { bench: { duplex, bargeIn, accelerated, micro, messageFloor, pttIdle } });
