import { expect } from '@open-wc/testing';
import { AudioEngineError } from '../../src/audio/errors.js';
import { AudioPlayback } from '../../src/audio/playback.js';
import { planTruncation, type PlaybackReport } from '../../src/audio/truncation.js';
import { until } from './media-fakes.js';

const FADE = 120; // 5 ms at 24 kHz

/** PCM16 counting up from `start`: every output sample tells which input sample it was. */
function ramp(n: number, start = 1): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => start + i);
}

/** Playback into an OfflineAudioContext at `rate` (the engine does not own it). */
async function offlinePlayback(seconds: number, rate = 24000, options = {}) {
  const offline = new OfflineAudioContext(1, Math.round(seconds * rate), rate);
  const events: string[] = [];
  const playback = new AudioPlayback({
    audioContext: offline as unknown as AudioContext,
    onStarted: (id) => events.push(`started ${id}`),
    onItemDone: (id, n) => events.push(`done ${id} ${n}`),
    onUnderrun: (id) => events.push(`underrun ${id}`),
    onDrained: () => events.push('drained'),
    ...options,
  });
  await playback.start();
  return { offline, playback, events };
}

/** Index after the last non-zero sample. */
function soundEnd(x: Float32Array): number {
  let end = x.length;
  while (end > 0 && x[end - 1] === 0) end--;
  return end;
}

describe('AudioPlayback in an OfflineAudioContext (rendered output measured)', () => {
  it('plays queued chunks sample-exactly, with a 5 ms fade at the end of the stream', async () => {
    const { offline, playback, events } = await offlinePlayback(0.5);
    const chunks = [ramp(1000), ramp(2500, 1001), ramp(777, 3501)];
    for (const c of chunks) expect(playback.enqueue('item_a', c)).to.equal(true);
    playback.end('item_a');
    await playback.sync();
    const out = (await offline.startRendering()).getChannelData(0);
    const total = 4277;
    for (let i = 0; i < total; i++) {
      const sample = Math.fround((i + 1) / 32768);
      const expected = i < total - FADE ? sample : Math.fround(sample * ((total - i) / FADE));
      if (out[i] !== expected) expect.fail(`sample ${i}: ${out[i]} instead of ${expected}`);
    }
    expect(soundEnd(out)).to.equal(total);
    await until(() => events.includes('drained'));
    expect(events).to.deep.equal(['started item_a', `done item_a ${total}`, 'drained']);
  });

  it('keeps the caller\'s array: enqueue copies it before transferring', async () => {
    const { playback } = await offlinePlayback(0.1);
    const pcm = ramp(500);
    playback.enqueue('item_a', pcm);
    expect(pcm.length).to.equal(500);
    expect(pcm[499]).to.equal(500);
  });

  it('an underrun followed by more audio keeps the per-item count, and the node keeps playing', async () => {
    const { offline, playback, events } = await offlinePlayback(1);
    // 200 ms in two deltas: 150 ms ahead of the newest one, the default prebuffer.
    playback.enqueue('item_u', ramp(3600));
    playback.enqueue('item_u', ramp(1200, 3601));
    await playback.sync();
    offline.suspend(0.5).then(async () => {
      playback.enqueue('item_u', ramp(4800, 4801));
      playback.end('item_u');
      await playback.sync();
      await offline.resume();
    });
    const out = (await offline.startRendering()).getChannelData(0);
    expect(out[4799]).to.equal(Math.fround(4800 / 32768));
    // The gap: a 5 ms decay from the last sample, then silence until more audio came at 0.5 s.
    expect(out.slice(4800 + FADE, 12000).every((s) => s === 0)).to.equal(true);
    const resume = out.findIndex((s, i) => i >= 12000 && s !== 0);
    expect(resume).to.be.within(12000, 12000 + 128);
    expect(out[resume + FADE]).to.equal(Math.fround((4801 + FADE) / 32768));
    await until(() => events.includes('drained'));
    expect(events).to.deep.equal(['started item_u', 'underrun item_u', 'done item_u 9600', 'drained']);
    expect(playback.stats.underruns).to.equal(1);
  });

  it('barge-in: the truncation error is within one render quantum, and late deltas are dropped', async () => {
    const { offline, playback } = await offlinePlayback(1);
    // 2 s of a constant level, so every rendered sample of the item is non-zero.
    playback.enqueue('item_b', new Int16Array(48000).fill(8192), 0);
    await playback.sync();
    let report: Promise<PlaybackReport | null> | undefined;
    const bargeIn = 0.32; // speech_started arrives 320 ms (60 quanta) into the rendering
    offline.suspend(bargeIn).then(async () => {
      report = playback.interrupt();
      await playback.sync();
      await offline.resume();
    });
    const out = (await offline.startRendering()).getChannelData(0);
    const r = (await report)!;
    const trulyRendered = out.filter((s) => s !== 0).length;
    expect(r).to.deep.include({ itemId: 'item_b', contentIndex: 0, receivedSamples: 48000 });
    expect(Math.abs(r.renderedSamples - trulyRendered)).to.be.at.most(128);
    const plan = planTruncation(r)!;
    expect(Math.abs(plan.audioEndMs - (trulyRendered * 1000) / 24000)).to.be.at.most(128 / 24);
    // Silent within one quantum of the barge-in: the 5 ms fade, nothing after it.
    expect(soundEnd(out) - bargeIn * 24000).to.be.at.most(128);
    expect(playback.enqueue('item_b', new Int16Array(2400).fill(8192))).to.equal(false);
    expect(playback.stats.queuedSamples).to.equal(0);
  });

  it('audio beyond the worklet ring waits on the main thread and plays on, sample-exact', async () => {
    const { offline, playback, events } = await offlinePlayback(1.2, 24000, { capacitySeconds: 0.2, prebufferMs: 50 });
    playback.enqueue('item_long', ramp(24000)); // 1 s into a 0.2 s ring
    playback.end('item_long');
    expect(playback.stats.queuedSamples).to.equal(24000);
    await playback.sync();
    // Every 20 ms of rendering, let the main thread hear from the worklet and refill its ring.
    for (let t = 0.02; t < 1.2; t += 0.02)
      offline.suspend(Math.round((t * 24000) / 128) * (128 / 24000)).then(async () => {
        await playback.sync();
        await playback.sync();
        await offline.resume();
      });
    const out = (await offline.startRendering()).getChannelData(0);
    for (let i = 0; i < 24000 - FADE; i++) if (out[i] !== Math.fround((i + 1) / 32768)) expect.fail(`sample ${i}: ${out[i]}`);
    expect(soundEnd(out)).to.equal(24000);
    await until(() => events.includes('drained'));
    expect(events).to.deep.equal(['started item_long', 'done item_long 24000', 'drained']);
  });

  it('speech after an item has fully played truncates nothing', async () => {
    const { offline, playback } = await offlinePlayback(0.5);
    playback.enqueue('item_done', new Int16Array(2400).fill(8192));
    playback.end('item_done');
    await playback.sync();
    let plan: unknown = 'not run';
    offline.suspend(0.2).then(async () => {
      plan = planTruncation(await playback.interrupt());
      await offline.resume();
    });
    await offline.startRendering();
    await until(() => plan !== 'not run');
    expect(plan).to.equal(null);
  });

  it('interrupt with nothing queued resolves null (nothing to truncate)', async () => {
    const { playback } = await offlinePlayback(0.1);
    expect(await playback.interrupt()).to.equal(null);
  });

  it('in a 48 kHz context it plays the same audio, interpolated, with the same item count', async () => {
    const { offline, playback, events } = await offlinePlayback(0.5, 48000);
    playback.enqueue('item_h', new Int16Array(4800).fill(8192));
    playback.end('item_h');
    await playback.sync();
    const out = (await offline.startRendering()).getChannelData(0);
    expect(soundEnd(out)).to.be.within(9598, 9602);
    expect(out[4000]).to.equal(0.25);
    await until(() => events.includes('drained'));
    expect(events).to.include('done item_h 4800');
  });
});

describe('AudioPlayback in a real AudioContext', () => {
  let playback: AudioPlayback | undefined;
  afterEach(async () => {
    await playback?.close();
    playback = undefined;
  });

  it('runs at 24 kHz, plays, meters the output, and reports started then drained', async () => {
    const levels: number[] = [];
    const events: string[] = [];
    playback = new AudioPlayback({
      onLevel: (_l, rms) => levels.push(rms),
      onStarted: () => events.push('started'),
      onDrained: () => events.push('drained'),
    });
    await playback.start();
    expect(playback.context?.sampleRate).to.equal(24000);
    const sine = Int16Array.from({ length: 12000 }, (_, i) => Math.round(16384 * Math.sin((2 * Math.PI * 440 * i) / 24000)));
    playback.enqueue('item_r', sine);
    playback.end('item_r');
    await until(() => events.includes('drained'));
    expect(events).to.deep.equal(['started', 'drained']);
    // A 0.5 sine has an RMS of 0.354.
    expect(Math.max(...levels)).to.be.within(0.33, 0.36);
  });

  it('setSinkId selects an output device and reports a bad one as output_device_failed', async () => {
    playback = new AudioPlayback();
    await playback.start();
    await playback.setSinkId('');
    const error = await playback.setSinkId('no-such-device').catch((e) => e);
    expect(error).to.be.instanceOf(AudioEngineError);
    expect(error.code).to.equal('output_device_failed');
  });

  it('close() stops playback and closes the context it created; later audio is refused', async () => {
    playback = new AudioPlayback();
    await playback.start();
    const ctx = playback.context!;
    playback.enqueue('item_c', ramp(24000));
    await playback.close();
    expect(ctx.state).to.equal('closed');
    expect(playback.enqueue('item_c', ramp(10))).to.equal(false);
    expect(playback.stats).to.deep.equal({ underruns: 0, queuedSamples: 0, items: 0 });
  });

  it('audio enqueued before start() resolves is kept and played', async () => {
    const events: string[] = [];
    playback = new AudioPlayback({ onStarted: (id) => events.push(id) });
    const starting = playback.start();
    playback.enqueue('item_early', new Int16Array(2400).fill(4096));
    playback.end('item_early');
    await starting;
    await until(() => events.length > 0);
    expect(events).to.deep.equal(['item_early']);
  });
});
