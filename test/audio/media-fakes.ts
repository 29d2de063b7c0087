// Browser test helpers for the capture engine: tone "microphones", a controllable device list,
// frame collection, and the envelope correlation of tooling.md §4.
import type { AudioCapture } from '../../src/audio/capture.js';

/**
 * A live audio track playing a sine, standing in for a microphone, with the ids it reports.
 * Resolves once its context renders, so the track carries the tone from the start.
 */
export async function toneMicrophone(freq: number, deviceId: string, groupId = `group-${deviceId}`): Promise<MediaStream> {
  const ctx = new AudioContext();
  const osc = new OscillatorNode(ctx, { frequency: freq });
  const gain = new GainNode(ctx, { gain: 0.5 });
  const dest = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  const track = dest.stream.getAudioTracks()[0];
  const settings = track.getSettings();
  Object.defineProperty(track, 'getSettings', { value: () => ({ ...settings, deviceId, groupId }) });
  // Stopping the "microphone" also frees its context.
  const stop = track.stop.bind(track);
  Object.defineProperty(track, 'stop', {
    value: () => {
      stop();
      void ctx.close();
    },
    configurable: true,
    writable: true,
  });
  await until(() => ctx.currentTime > 0.05);
  return dest.stream;
}

/** A device list that a test changes, firing `devicechange` like the browser does. */
export class FakeMediaDevices extends EventTarget {
  inputs: { deviceId: string; groupId: string; label: string }[] = [];

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.inputs.map((d) => ({ ...d, kind: 'audioinput', toJSON: () => d }) as MediaDeviceInfo);
  }

  set(...ids: string[]): void {
    this.inputs = ids.map((id) => ({ deviceId: id, groupId: `group-${id}`, label: `Mic ${id}` }));
    this.dispatchEvent(new Event('devicechange'));
  }
}

/** Resolves once `count` more frames have arrived, with copies of them. */
export function nextFrames(frames: Int16Array[], count: number): Promise<Int16Array[]> {
  const start = frames.length;
  return until(() => frames.length >= start + count).then(() => frames.slice(start, start + count));
}

/** Waits for the first frame with sound (RMS above 0.1), then resolves with it and the `count - 1` next ones. */
export async function framesOfSound(frames: Int16Array[], count: number): Promise<Int16Array[]> {
  let start = frames.length;
  await until(() => {
    while (start < frames.length && envelope([frames[start]])[0] < 0.1) start++;
    return frames.length >= start + count;
  });
  return frames.slice(start, start + count);
}

/** Polls a condition on animation frames (no fixed delays); rejects after `ms` as a safety net. */
export async function until(condition: () => boolean, ms = 15000): Promise<void> {
  const t0 = performance.now();
  while (!condition()) {
    if (performance.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Frequency of a tone in PCM16 frames at 24 kHz: the median over the frames that carry sound of
 * each frame's rising crossings with hysteresis (from below -0.1 to above +0.1 of full scale). Per
 * frame and median, because Chromium may drop a few ms of a fresh MediaStream under load: a
 * dropout inside the window must not read as a lower pitch (it did once in CI: 1287 Hz for 1500).
 */
export function toneFrequency(frames: Int16Array[]): number {
  const perFrame: number[] = [];
  for (const f of frames) {
    if (envelope([f])[0] < 0.1) continue;
    let cycles = 0;
    let low = false;
    for (const s of f) {
      if (s < -3277) low = true;
      else if (low && s > 3277) {
        cycles++;
        low = false;
      }
    }
    perFrame.push(cycles / (f.length / 24000));
  }
  if (perFrame.length === 0) return 0;
  perFrame.sort((a, b) => a - b);
  return perFrame[perFrame.length >> 1];
}

/** RMS of each PCM16 frame, in [0, 1]. */
export function envelope(frames: Int16Array[]): number[] {
  return frames.map((f) => {
    let sum = 0;
    for (const s of f) sum += (s / 32768) ** 2;
    return Math.sqrt(sum / f.length);
  });
}

/** RMS per block of 480 samples of a float signal. */
export function floatEnvelope(x: Float32Array, block = 480): number[] {
  const out: number[] = [];
  for (let i = 0; i + block <= x.length; i += block) {
    let sum = 0;
    for (let k = i; k < i + block; k++) sum += x[k] * x[k];
    out.push(Math.sqrt(sum / block));
  }
  return out;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db || 1);
}

/**
 * Best normalized correlation of the captured envelope against the looping reference at any
 * circular offset (the fake microphone loops and starts anywhere in the file).
 */
export function loopedXCorr(captured: number[], reference: number[]): number {
  const tiled = [...reference, ...reference, ...reference];
  let best = -1;
  for (let lag = 0; lag < reference.length; lag++)
    best = Math.max(best, pearson(captured, tiled.slice(lag, lag + captured.length)));
  return best;
}

/** Starts a capture and collects its frames (copied: the engine lends them only during the call). */
export function collect(make: (onFrame: (pcm: Int16Array) => void) => AudioCapture): { capture: AudioCapture; frames: Int16Array[] } {
  const frames: Int16Array[] = [];
  const capture = make((pcm) => frames.push(pcm.slice()));
  return { capture, frames };
}
