// The mock's stand-in voice: a deterministic, speech-like tone sequence (one voiced blip per
// syllable, a pause between words) rendered on demand, so a response never holds its audio.

/** Audio encodings of GA sessions, with their sample rates. */
export type WireFormat = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

export function sampleRateOf(format: WireFormat): number {
  return format === 'audio/pcm' ? 24000 : 8000;
}

const VOICE_PITCH: Record<string, number> = {
  alloy: 170, ash: 120, ballad: 140, coral: 210, echo: 130, sage: 190, shimmer: 230, verse: 150, marin: 200, cedar: 115,
};

/** Base pitch in Hz for a voice name (custom voices get a stable pitch from their id). */
export function voicePitch(voice: string): number {
  const known = VOICE_PITCH[voice];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < voice.length; i++) h = (h * 31 + voice.charCodeAt(i)) >>> 0;
  return 110 + (h % 130);
}

interface Segment {
  start: number;
  length: number;
  /** Fundamental in Hz. */
  f0: number;
}

/** Where each transcript piece starts in the audio, and the voiced segments to render. */
export interface VoicePlan {
  sampleRate: number;
  totalSamples: number;
  /** Transcript pieces (each word with its leading space); their concatenation is the transcript. */
  words: Array<{ text: string; startSample: number }>;
  segments: Segment[];
}

const SYLLABLE_MS = 110;
const WORD_GAP_MS = 50;
const PUNCTUATION_PAUSE_MS = 150;

/** Lays out `text` as speech: syllables of ~110 ms (divided by `speed`), pauses between words. */
export function planVoice(text: string, voice: string, speed: number, sampleRate: number): VoicePlan {
  const ms = (v: number) => Math.round((v * sampleRate) / 1000 / speed);
  const base = voicePitch(voice);
  const words: VoicePlan['words'] = [];
  const segments: Segment[] = [];
  let at = 0;
  let syllableIndex = 0;
  for (const piece of text.match(/\s*\S+/g) ?? []) {
    words.push({ text: piece, startSample: at });
    const letters = piece.replace(/[^\p{L}\p{N}]/gu, '').length;
    const syllables = letters === 0 ? 0 : Math.max(1, Math.ceil(letters / 3));
    for (let s = 0; s < syllables; s++) {
      // A gentle falling contour with a per-syllable wobble, like a sentence.
      const f0 = base * (1 + 0.06 * Math.sin(syllableIndex * 1.7)) * (1 - Math.min(0.15, syllableIndex * 0.004));
      segments.push({ start: at, length: ms(SYLLABLE_MS), f0 });
      at += ms(SYLLABLE_MS);
      syllableIndex++;
    }
    at += ms(WORD_GAP_MS);
    if (/[.,!?:;]$/.test(piece)) at += ms(PUNCTUATION_PAUSE_MS);
  }
  // A trailing space or leading whitespace must still reach the transcript unchanged.
  const joined = words.map((w) => w.text).join('');
  if (joined !== text) {
    if (words.length) words[words.length - 1]!.text += text.slice(joined.length);
    else words.push({ text, startSample: 0 });
  }
  return { sampleRate, totalSamples: at, words, segments };
}

const HARMONICS = [1, 0.5, 0.3, 0.15];
const AMPLITUDE = 0.22;

/** Renders `count` samples of the plan from `start` (PCM16); zero past the end. */
export function renderVoice(plan: VoicePlan, start: number, count: number): Int16Array {
  const out = new Int16Array(count);
  const sr = plan.sampleRate;
  const ramp = Math.round(sr * 0.015);
  for (const seg of plan.segments) {
    const from = Math.max(start, seg.start);
    const to = Math.min(start + count, seg.start + seg.length);
    for (let n = from; n < to; n++) {
      const k = n - seg.start;
      const edge = Math.min(k, seg.length - 1 - k);
      const env = edge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / ramp);
      const t = k / sr;
      let v = 0;
      for (let h = 0; h < HARMONICS.length; h++) v += HARMONICS[h]! * Math.sin(2 * Math.PI * seg.f0 * (h + 1) * t);
      out[n - start] = Math.round(v * env * AMPLITUDE * 32767 * 0.5);
    }
  }
  return out;
}

// ---- G.711 (ITU-T), for sessions in audio/pcmu or audio/pcma -----------------------------------

const SEG_END = [0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff];

function segmentOf(value: number, ends: number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]!) return i;
  return ends.length;
}

/** 16-bit linear to μ-law. */
export function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  let mask: number;
  let v = sample;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  v = Math.min(v, 32635) + BIAS;
  const seg = segmentOf(v, SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 3)) & 0xf)) ^ mask;
}

/** μ-law to 16-bit linear. */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

const ALAW_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** 16-bit linear to A-law. */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segmentOf(v, ALAW_END);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << 4;
  a |= seg < 2 ? (v >> 1) & 0xf : (v >> seg) & 0xf;
  return a ^ mask;
}

/** A-law to 16-bit linear. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** Wire bytes of the session format to PCM16 samples. */
export function decodeAudio(bytes: Uint8Array, format: WireFormat): Int16Array {
  if (format === 'audio/pcm') {
    const out = new Int16Array(bytes.length >> 1);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
    return out;
  }
  const decode = format === 'audio/pcmu' ? mulawToLinear : alawToLinear;
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = decode(bytes[i]!);
  return out;
}

/** PCM16 samples to wire bytes of the session format. */
export function encodeAudio(samples: Int16Array, format: WireFormat): Uint8Array {
  if (format === 'audio/pcm') {
    const out = new Uint8Array(samples.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
    return out;
  }
  const encode = format === 'audio/pcmu' ? linearToMulaw : linearToAlaw;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}
