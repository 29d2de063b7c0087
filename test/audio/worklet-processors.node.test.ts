import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CAPTURE_PROCESSOR,
  PLAYBACK_PROCESSOR,
  type CaptureProcessorOptions,
  type PlaybackOutMessage,
  type PlaybackProcessorOptions,
} from '../../src/audio/worklet-processors.js';
import { rmsOf, seeded, tone } from './signals.js';
import { workletHarness, type RecordingPort } from './worklet-harness.js';

const CAPTURE: CaptureProcessorOptions = { targetRate: 24000, frameSize: 480, poolSize: 8, levelInterval: 0.05 };
const PLAYBACK: PlaybackProcessorOptions = { inputRate: 24000, capacity: 24000, prebuffer: 2400, fade: 0.005, levelInterval: 0.05 };
const FADE = 120; // 5 ms at 24 kHz

type CaptureMessage = ArrayBuffer | { type: 'level'; rms: number; peak: number; frame: ArrayBuffer };
const bufferOf = (m: CaptureMessage) => (m instanceof ArrayBuffer ? m : m.frame);

function frames(port: RecordingPort): Int16Array[] {
  return (port.take() as CaptureMessage[]).map((m) => new Int16Array(bufferOf(m)));
}

function capture(rate = 48000) {
  const h = workletHarness(rate);
  const { processor, port } = h.create(CAPTURE_PROCESSOR, CAPTURE);
  const feed = (signal: Float32Array | null, quanta: number) => {
    for (let q = 0; q < quanta; q++) h.render(processor, signal ? signal.subarray(q * 128, q * 128 + 128) : null);
  };
  return { h, processor, port, feed };
}

describe('capture processor', () => {
  test('turns 1 s at 48 kHz into 20 ms frames of 480 PCM16 samples, each posted with a transfer list', () => {
    const { port, feed } = capture();
    feed(tone(1000, 48000, 1, 0.5), 375);
    const transfers = port.transfers;
    const posted = [...port.posted];
    const got = frames(port);
    assert.equal(got.length, 49); // the resampler still holds 18 samples of look-ahead
    for (const f of got) assert.equal(f.length, 480);
    posted.forEach((m, i) => assert.deepEqual(transfers[i], [bufferOf(m as CaptureMessage)]));
    const level = rmsOf(Float32Array.from(got[10], (s) => s / 32768));
    assert.ok(Math.abs(level - 0.5 / Math.SQRT2) < 0.002, `frame RMS ${level}`);
  });

  test('works at 44.1 kHz too: 24000 samples per second of input', () => {
    const { port, feed } = capture(44100);
    feed(tone(1000, 44100, 2, 0.5), Math.floor(88200 / 128));
    const total = frames(port).length * 480;
    assert.ok(total >= 47040 - 480 && total <= 48000, `${total} samples for 2 s`);
  });

  test('reuses returned frames: with the main thread giving buffers back in batches, no new frame is allocated', () => {
    const { port, processor, h } = capture();
    const seen = new Set<ArrayBuffer>();
    const signal = tone(440, 48000, 4, 0.3);
    let held: ArrayBuffer[] = [];
    for (let q = 0; q < 1500; q++) {
      h.render(processor, signal.subarray(q * 128, q * 128 + 128));
      for (const m of port.take() as CaptureMessage[]) {
        seen.add(bufferOf(m));
        held.push(bufferOf(m));
      }
      if (held.length >= 4) {
        port.deliver(held);
        held = [];
      }
    }
    assert.ok(seen.size <= CAPTURE.poolSize, `${seen.size} distinct buffers for 199 frames`);
  });

  test('keeps producing frames when the pool runs dry (the main thread stalled)', () => {
    const { port, feed } = capture();
    feed(tone(440, 48000, 1, 0.3), 375);
    assert.equal(frames(port).length, 49);
  });

  test('mute sends all-zero frames at the same cadence; unmute sends audio again', () => {
    const { port, feed } = capture();
    const signal = tone(1000, 48000, 3, 0.5);
    feed(signal.subarray(0, 48000), 375);
    const before = frames(port).length;
    port.deliver({ type: 'mute', muted: true });
    feed(signal.subarray(48000, 96000), 375);
    const muted = frames(port);
    port.deliver({ type: 'mute', muted: false });
    feed(signal.subarray(96000), 375);
    const after = frames(port);
    assert.ok(Math.abs(muted.length - 50) <= 1 && Math.abs(after.length - 50) <= 1, `${before}/${muted.length}/${after.length}`);
    // The frame that straddles the mute switch may hold audio; every later one is silent.
    for (const f of muted.slice(1)) assert.ok(f.every((s) => s === 0));
    assert.ok(after.slice(1).every((f) => f.some((s) => s !== 0)));
  });

  test('without any input (microphone being swapped) it keeps the clock with silence frames', () => {
    const { port, feed } = capture();
    feed(null, 375);
    const got = frames(port);
    assert.equal(got.length, 49);
    assert.ok(got.every((f) => f.every((s) => s === 0)));
  });

  test('attaches the level to a frame about 20 times per second (no message of its own), and stops when told', () => {
    const { port, processor, h } = capture();
    const signal = tone(1000, 48000, 1, 0.5);
    for (let q = 0; q < 375; q++) h.render(processor, signal.subarray(q * 128, q * 128 + 128));
    const posted = port.take() as CaptureMessage[];
    assert.equal(posted.length, 49, 'one message per frame');
    const levels = posted.filter((m) => !(m instanceof ArrayBuffer)) as { type: string; rms: number; peak: number }[];
    assert.ok(levels.length >= 16 && levels.length <= 21, `${levels.length} levels`);
    assert.ok(levels.slice(2).every((l) => l.type === 'level' && Math.abs(l.rms - 0.354) < 0.01 && l.peak <= 0.51));
    port.deliver({ type: 'stop' });
    assert.equal(processor.process([[signal.subarray(0, 128)]], [], {}), false);
  });
});

// Playback: chunks of a recognisable signal, rendered quantum by quantum.
function playback(sampleRate = 24000, options: Partial<PlaybackProcessorOptions> = {}) {
  const h = workletHarness(sampleRate);
  const { processor, port } = h.create(PLAYBACK_PROCESSOR, { ...PLAYBACK, ...options });
  const out: number[] = [];
  const render = (quanta: number) => {
    for (let q = 0; q < quanta; q++) {
      const o = new Float32Array(128);
      h.render(processor, null, o);
      out.push(...o);
    }
  };
  const events = () => (port.take() as PlaybackOutMessage[]).filter((m) => m.type !== 'level');
  return { h, processor, port, out, render, events };
}

/** Int16 samples counting up from `start` (never 0), so every output sample says where it came from. */
function ramp(n: number, start = 1): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => start + i);
}

describe('playback processor', () => {
  test('plays queued chunks sample-exactly, fades the last 5 ms, then reports done and drained', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(3000) });
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(2000, 3001) });
    p.port.deliver({ type: 'end', item: 1 });
    p.render(45);
    for (let i = 0; i < 5000; i++) {
      const gain = i >= 5000 - FADE ? (5000 - i) / FADE : 1;
      assert.ok(Math.abs(p.out[i] - ((i + 1) / 32768) * gain) < 1e-7, `sample ${i}: ${p.out[i]}`);
    }
    assert.ok(p.out.slice(5000).every((s) => s === 0));
    assert.deepEqual(
      p.events().map((e) => e.type),
      ['started', 'done', 'drained'],
    );
  });

  test('waits for a lead of one prebuffer ahead of the newest chunk, unless the item has ended', () => {
    const p = playback(); // prebuffer 2400 samples (100 ms)
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(1200) });
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(1200, 1201) });
    p.render(10);
    assert.ok(p.out.every((s) => s === 0), 'started with only 1200 samples ahead of the newest chunk');
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(1200, 2401) });
    p.render(1);
    assert.equal(p.out[1280], 1 / 32768);
    const q = playback();
    q.port.deliver({ type: 'chunk', item: 2, pcm: ramp(500) });
    q.port.deliver({ type: 'end', item: 2 });
    q.render(1);
    assert.equal(q.out[0], 1 / 32768, 'an ended item waits for nothing');
    const r = playback();
    r.port.deliver({ type: 'chunk', item: 3, pcm: ramp(9600) });
    r.render(1);
    assert.equal(r.out[0], 1 / 32768, 'four prebuffers in one chunk start at once');
  });

  for (const [prebufferMs, expectUnderruns] of [
    [150, false],
    [60, true],
  ] as const)
    test(`deliveries at real-time pace jittered by ±60 ms: ${expectUnderruns ? 'a 60 ms prebuffer underruns' : 'no underrun in 10 minutes with the default 150 ms'}`, () => {
      const p = playback(24000, { capacity: 240000, prebuffer: (prebufferMs * 24000) / 1000 });
      const random = seeded(11);
      // Items of 4-7 s in deltas of 20-120 ms, each due when its audio starts, 1-2 s apart.
      const deliveries: { at: number; message: object }[] = [];
      let t = 0;
      for (let item = 1; t < 600; item++) {
        const length = Math.round((4 + 3 * random()) * 24000);
        for (let offset = 0; offset < length; ) {
          const n = Math.min(length - offset, Math.round((0.02 + 0.1 * random()) * 24000));
          deliveries.push({ at: t + offset / 24000, message: { type: 'chunk', item, pcm: ramp(n) } });
          offset += n;
        }
        deliveries.push({ at: t + length / 24000, message: { type: 'end', item } });
        t += length / 24000 + 1 + random();
      }
      let previous = 0;
      for (const d of deliveries) previous = d.at = Math.max(previous, d.at + (2 * random() - 1) * 0.06);
      let underruns = 0;
      let next = 0;
      while (next < deliveries.length) {
        while (next < deliveries.length && deliveries[next].at <= p.h.scope.currentTime) p.port.deliver(deliveries[next++].message);
        p.h.render(p.processor, null);
        underruns += (p.port.take() as PlaybackOutMessage[]).filter((m) => m.type === 'underrun').length;
      }
      if (expectUnderruns) assert.ok(underruns > 0, 'the jitter model is too gentle to test anything');
      else assert.equal(underruns, 0);
    });

  test('an underrun plays silence, keeps the item count, and more audio resumes it with a ramp', () => {
    const p = playback(24000, { prebuffer: 1000 });
    p.port.deliver({ type: 'chunk', item: 7, pcm: ramp(1500) });
    p.port.deliver({ type: 'chunk', item: 7, pcm: ramp(1000, 1501) });
    p.render(25);
    const first = p.events();
    assert.deepEqual(first.map((e) => e.type), ['started', 'underrun']);
    // After the data: a 5 ms decay from the last sample, then silence.
    assert.ok(Math.abs(p.out[2500] - (2500 / 32768) * ((FADE - 1) / FADE)) < 1e-7);
    assert.ok(p.out.slice(2500 + FADE).every((s) => s === 0));
    const resumeAt = p.out.length;
    p.port.deliver({ type: 'chunk', item: 7, pcm: ramp(2500, 2501) });
    p.port.deliver({ type: 'end', item: 7 });
    p.render(25);
    const resumed = p.out.slice(resumeAt);
    assert.ok(Math.abs(resumed[0] - (2501 / 32768) / FADE) < 1e-7, 'no ramp-in after the underrun');
    assert.ok(Math.abs(resumed[FADE] - 2621 / 32768) < 1e-7);
    const done = p.events().find((e) => e.type === 'done');
    assert.deepEqual(done, { type: 'done', item: 7, rendered: 5000 });
  });

  test('interrupt fades out within one render quantum and reports exactly the samples rendered', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 3, pcm: new Int16Array(12000).fill(8192) });
    p.port.deliver({ type: 'chunk', item: 4, pcm: new Int16Array(4000).fill(8192) });
    p.render(40);
    p.events();
    p.port.deliver({ type: 'interrupt', token: 9 });
    const mark = p.out.length;
    p.render(3);
    const reply = p.events().find((e) => e.type === 'interrupted');
    assert.ok(reply && reply.type === 'interrupted');
    const audible = p.out.filter((s) => s !== 0).length;
    assert.equal(reply.rendered, audible, 'the report counts what was rendered');
    assert.equal(reply.item, 3);
    assert.equal(audible - mark, FADE, 'the fade is 5 ms');
    assert.ok(p.out.slice(mark, mark + 128).some((s) => s === 0), 'still sounding after one quantum');
    assert.equal(reply.gone, 16000);
    assert.ok(p.out.slice(mark + FADE).every((s) => s === 0));
    // Nothing queued survives the interrupt.
    p.render(10);
    assert.ok(p.out.slice(mark + FADE).every((s) => s === 0));
  });

  test('audio of a new item that arrives during the interrupt fade survives it', () => {
    const p = playback(24000, { prebuffer: 1000 });
    p.port.deliver({ type: 'chunk', item: 3, pcm: new Int16Array(6000).fill(8192) });
    p.port.deliver({ type: 'chunk', item: 3, pcm: new Int16Array(1000).fill(8192) });
    p.render(10);
    p.events();
    p.port.deliver({ type: 'interrupt', token: 1 });
    p.port.deliver({ type: 'chunk', item: 4, pcm: ramp(2000) });
    p.port.deliver({ type: 'end', item: 4 });
    const mark = p.out.length;
    p.render(30);
    const events = p.events();
    assert.deepEqual(events[0], { type: 'interrupted', token: 1, item: 3, rendered: 1280 + FADE, gone: 7000 });
    assert.deepEqual(events.slice(1).map((e) => e.type), ['started', 'done', 'drained']);
    // The fade, silence for the rest of that quantum, then the new item from its first sample.
    const next = p.out.findIndex((s, i) => i >= mark + FADE && s !== 0);
    assert.equal(next, mark + 128);
    assert.equal(p.out[next], 1 / 32768);
  });

  test('a second interrupt during the fade answers both calls', () => {
    const p = playback(24000, { prebuffer: 1000 });
    p.port.deliver({ type: 'chunk', item: 3, pcm: new Int16Array(3000).fill(8192) });
    p.port.deliver({ type: 'chunk', item: 3, pcm: new Int16Array(1000).fill(8192) });
    p.render(5);
    p.port.deliver({ type: 'interrupt', token: 1 });
    p.port.deliver({ type: 'interrupt', token: 2 });
    p.render(1);
    const replies = p.events().filter((e) => e.type === 'interrupted');
    assert.deepEqual(replies.map((r) => r.type === 'interrupted' && [r.token, r.item, r.rendered]), [
      [1, 3, 640],
      [2, 3, 640 + FADE],
    ]);
  });

  test('interrupt while buffering or with `now` answers at once', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 5, pcm: ramp(100) });
    p.port.deliver({ type: 'interrupt', token: 1 });
    assert.deepEqual(p.events(), [{ type: 'interrupted', token: 1, item: 5, rendered: 0, gone: 100 }]);
    p.port.deliver({ type: 'chunk', item: 6, pcm: ramp(2500) });
    p.port.deliver({ type: 'chunk', item: 6, pcm: ramp(500, 2501) });
    p.render(5);
    p.port.deliver({ type: 'interrupt', token: 2, now: true });
    const reply = p.events().find((e) => e.type === 'interrupted');
    assert.deepEqual(reply, { type: 'interrupted', token: 2, item: 6, rendered: 640, gone: 3100 });
  });

  test('two items in a row: done for the first when the second starts, each counted apart', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(3000) });
    p.port.deliver({ type: 'end', item: 1 });
    p.port.deliver({ type: 'chunk', item: 2, pcm: ramp(1000) });
    p.port.deliver({ type: 'end', item: 2 });
    p.render(40);
    const ev = p.events().map((e) => (e.type === 'done' ? `done ${e.item}:${e.rendered}` : e.type));
    assert.deepEqual(ev, ['started', 'done 1:3000', 'started', 'done 2:1000', 'drained']);
  });

  test('end after everything played makes the item done and the stream drained', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(2400) });
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(1, 2401) });
    p.render(30);
    p.events();
    p.port.deliver({ type: 'end', item: 1 });
    assert.deepEqual(p.events(), [{ type: 'done', item: 1, rendered: 2401 }, { type: 'drained' }]);
  });

  test('audio beyond the ring capacity is refused and reported, never written over', () => {
    const p = playback(24000, { capacity: 1000, prebuffer: 10 });
    p.port.deliver({ type: 'chunk', item: 1, pcm: ramp(1500) });
    assert.deepEqual(p.events(), [{ type: 'overflow', item: 1, dropped: 500 }]);
    p.port.deliver({ type: 'end', item: 1 });
    p.render(10);
    assert.equal(p.out.filter((s) => s !== 0).length, 1000);
  });

  test('in a 48 kHz context it interpolates: twice the output samples, same pitch, exact item count', () => {
    const p = playback(48000);
    const pcm = Int16Array.from(tone(1000, 24000, 0.5, 0.5), (s) => Math.round(s * 32767));
    p.port.deliver({ type: 'chunk', item: 1, pcm });
    p.port.deliver({ type: 'end', item: 1 });
    p.render(200);
    const done = p.events().find((e) => e.type === 'done');
    assert.deepEqual(done, { type: 'done', item: 1, rendered: 12000 });
    let end = p.out.length;
    while (end > 0 && p.out[end - 1] === 0) end--;
    assert.ok(Math.abs(end - 24000) <= 4, `sound ends after ${end} output samples`);
    let crossings = 0;
    for (let i = 1; i < 24000; i++) if (p.out[i - 1] < 0 !== p.out[i] < 0) crossings++;
    assert.ok(Math.abs(crossings - 1000) <= 2, `${crossings} zero crossings in 0.5 s at 48 kHz`);
  });

  test('level messages carry the output RMS and the samples gone from the ring', () => {
    const p = playback();
    p.port.deliver({ type: 'chunk', item: 1, pcm: new Int16Array(24000).fill(16384) });
    p.render(100);
    const levels = (p.port.take() as PlaybackOutMessage[]).filter((m) => m.type === 'level');
    assert.ok(levels.length >= 9 && levels.length <= 12, `${levels.length} levels in 0.53 s`);
    const last = levels[levels.length - 1];
    assert.ok(last.type === 'level' && Math.abs(last.rms - 0.5) < 1e-6 && last.gone > 10000);
  });

  test('while nothing plays it posts one silent level and then stays quiet', () => {
    const p = playback();
    p.render(200);
    const levels = (p.port.take() as PlaybackOutMessage[]).filter((m) => m.type === 'level');
    assert.equal(levels.length, 1);
    p.port.deliver({ type: 'chunk', item: 1, pcm: new Int16Array(4800).fill(8192) });
    p.port.deliver({ type: 'end', item: 1 });
    p.render(100);
    const after = (p.port.take() as PlaybackOutMessage[]).filter((m) => m.type === 'level');
    assert.ok(after.length >= 4 && after.length <= 6, `${after.length} levels for 0.2 s of sound and its end`);
    assert.equal(after[after.length - 1].type === 'level' && after[after.length - 1].peak, 0);
  });
});
