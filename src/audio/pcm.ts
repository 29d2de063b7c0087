// PCM16 <-> float conversion and signal levels. Pure functions, no DOM.

/**
 * One float sample in [-1, 1] as a signed 16-bit integer: clamped, scaled asymmetrically
 * (-1 -> -32768, 1 -> 32767) and rounded. Self-contained: the capture worklet embeds its source.
 */
export function pcm16FromFloat(sample: number): number {
  const s = sample > 1 ? 1 : sample < -1 ? -1 : sample || 0;
  return Math.round(s < 0 ? s * 32768 : s * 32767);
}

/** Float samples to PCM16 (clamped); writes into `out` when given (it must be long enough). */
export function floatToPcm16(input: ArrayLike<number>, out = new Int16Array(input.length)): Int16Array {
  for (let i = 0; i < input.length; i++) out[i] = pcm16FromFloat(input[i]);
  return out;
}

/** PCM16 to float samples in [-1, 1) (divides by 32768, the exact inverse for negative values). */
export function pcm16ToFloat(input: Int16Array, out = new Float32Array(input.length)): Float32Array {
  for (let i = 0; i < input.length; i++) out[i] = input[i] / 32768;
  return out;
}

/** Root mean square of float samples (0 for an empty array). */
export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** A linear amplitude in decibels relative to full scale; -Infinity for silence. */
export function dbfs(amplitude: number): number {
  return 20 * Math.log10(amplitude);
}

/**
 * A meter reading in [0, 1] from an RMS amplitude: decibels mapped linearly from `floorDb` (0)
 * to 0 dBFS (1), which follows loudness better than the raw amplitude.
 */
export function meterLevel(rmsAmplitude: number, floorDb = -60): number {
  const db = dbfs(rmsAmplitude);
  return db <= floorDb ? 0 : db >= 0 ? 1 : 1 - db / floorDb;
}
