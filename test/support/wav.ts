// Test helpers for audio fixtures: a small RIFF/WAVE reader (PCM16 and float32) and a windowed-sinc
// resampler, so Node tests can stream the committed WAV at 24 kHz like the capture worklet does.
import { readFileSync } from 'node:fs';

export interface WavData {
  sampleRate: number;
  channels: number;
  /** Mono samples in [-1, 1] (channels averaged). */
  samples: Float32Array;
}

/** Parses a PCM16 or float32 WAV file (any channel count; mixed down to mono). */
export function readWav(bytes: Uint8Array): WavData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
    } else if (id === 'data') {
      const frameBytes = (bits / 8) * channels;
      const frames = Math.floor(Math.min(size, bytes.length - body) / frameBytes);
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) {
          const p = body + i * frameBytes + (c * bits) / 8;
          if (format === 1 && bits === 16) sum += view.getInt16(p, true) / 32768;
          else if (format === 3 && bits === 32) sum += view.getFloat32(p, true);
          else throw new Error(`unsupported WAV encoding (format ${format}, ${bits} bits)`);
        }
        samples[i] = sum / channels;
      }
      return { sampleRate, channels, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/** Resamples with a Blackman-windowed sinc low-pass (cutoff at 95 % of the lower Nyquist, 8 zero crossings a side). */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input.slice();
  const ratio = fromRate / toRate;
  const fc = 0.5 * Math.min(1, toRate / fromRate) * 0.95;
  const halfWidth = Math.ceil(8 / (2 * fc));
  const out = new Float32Array(Math.floor(input.length / ratio));
  for (let n = 0; n < out.length; n++) {
    const t = n * ratio;
    const center = Math.floor(t);
    let acc = 0;
    for (let k = center - halfWidth + 1; k <= center + halfWidth; k++) {
      if (k < 0 || k >= input.length) continue;
      const x = t - k;
      const sinc = x === 0 ? 1 : Math.sin(2 * Math.PI * fc * x) / (2 * Math.PI * fc * x);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth);
      acc += input[k]! * 2 * fc * sinc * w;
    }
    out[n] = acc;
  }
  return out;
}

/** Float [-1, 1] to PCM16 (clamped). */
export function toPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}

/** The committed fake-microphone WAV, as PCM16 at 24 kHz. */
export function fixtureSpeech24k(): Int16Array {
  const wav = readWav(readFileSync(new URL('../fixtures/speech-48k.wav', import.meta.url)));
  return toPcm16(resample(wav.samples, wav.sampleRate, 24000));
}

/** Splits PCM into chunks of `ms` at `rate` (the last one may be shorter). */
export function chunks(pcm: Int16Array, ms: number, rate = 24000): Int16Array[] {
  const size = Math.round((rate * ms) / 1000);
  const out: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += size) out.push(pcm.subarray(i, i + size));
  return out;
}
