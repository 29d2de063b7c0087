// Test signals and measurements shared by the audio tests (Node and browser).

/** A sine tone: `seconds` long at `rate`, amplitude `amp`, starting at phase 0. */
export function tone(freq: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** RMS of samples [from, to). */
export function rmsOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Ratio in decibels. */
export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Splits `input` into blocks of the given sizes (cycled) and concatenates what `process` returns. */
export function runBlocks(
  input: Float32Array,
  sizes: number[],
  process: (block: Float32Array) => ArrayLike<number>,
): Float32Array {
  const parts: number[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = Math.min(sizes[k % sizes.length], input.length - i);
    const out = process(input.subarray(i, i + n));
    for (let j = 0; j < out.length; j++) parts.push(out[j]);
    i += n;
  }
  return Float32Array.from(parts);
}

/** A deterministic pseudo-random generator in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
